// The vocabulary of reports: their states, what an admin may decide, and the limits on filing.
export const reportStatuses = ['open', 'handled'] as const;
export type ReportStatus = (typeof reportStatuses)[number];

/** What an admin does about a report (the URL's last part) and the decision it records. */
export const reportActions = {
  dismiss: 'dismissed',
  warn: 'warned',
  remove: 'removed',
  end: 'ended',
  suspend: 'suspended',
  deleteReplay: 'contentDeleted',
  deleteClip: 'contentDeleted',
} as const;
export type ReportAction = keyof typeof reportActions;
export type ReportDecision = (typeof reportActions)[ReportAction];
export const isReportAction = (value: string): value is ReportAction => Object.hasOwn(reportActions, value);

/** Reports one person may file: 5 every 10 minutes. */
export const reportRateLimit = { count: 5, windowMs: 10 * 60_000 } as const;

/** Who was on stage when a report was filed (stored as JSON with it). */
export interface StageSnapshot {
  at: string;
  listenerCount: number;
  stage: { id: string; name: string; handle: string | null; role: string; muted: boolean }[];
}

export function parseStageSnapshot(json: string | null): StageSnapshot | null {
  if (!json) return null;
  try {
    const value = JSON.parse(json) as StageSnapshot;
    return Array.isArray(value?.stage) ? value : null;
  } catch {
    return null;
  }
}

export const dayMs = 86_400_000;

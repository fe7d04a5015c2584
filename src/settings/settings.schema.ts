// Instance settings edited by the admin at /admin/settings; stored in the database, effective at once.
import { languages, type Language } from '../i18n/i18n';

export const registrationModes = ['open', 'invite', 'closed'] as const;
export type RegistrationMode = (typeof registrationModes)[number];

export interface InstanceSettings {
  instanceName: string;
  instanceDescription: string;
  registrationMode: RegistrationMode;
  /** Invite codes each member may create (admins: unlimited). */
  inviteQuota: number;
  /** Followers needed to host a room, unless an admin granted hosting (Spaces launched with 600). */
  hostMinFollowers: number;
  defaultLanguage: Language;
  /** Sign-ups accepted per IP address per hour. */
  signupsPerIpPerHour: number;
  /** Listeners per room; 0 = no limit. */
  maxListenersPerRoom: number;
  maxCohostsPerRoom: number;
  maxSpeakersPerRoom: number;
  /** Minutes a room stays live with neither host nor co-host present. */
  roomGraceMinutes: number;
  /** 'yes' = anonymous visitors must sign in to listen. */
  requireAccountToListen: 'yes' | 'no';
  /** New anonymous listener identities one network address gets per hour; 0 = no limit. */
  anonymousListenersPerIpPerHour: number;
  /** Room sockets open at once from one network address; 0 = no limit. */
  roomSocketsPerIp: number;
  /** Listeners one room serves over WebRTC; past it, new listeners hear the room's live HLS (0 = no limit). */
  webrtcListenersPerRoom: number;
  /** Listeners this server serves over WebRTC, all rooms together; past it, new listeners hear live HLS (0 = no limit). */
  webrtcListenersPerServer: number;
  /** 'no' = hosts cannot record rooms. */
  recordingAllowed: 'yes' | 'no';
  /** Replays are deleted this many days after their room; 0 = kept. */
  replayRetentionDays: number;
  /** Megabytes of replays and clips each host may keep; 0 = no limit. */
  hostStorageQuotaMb: number;
  /** Clips are deleted this many days after they are made; 0 = kept. */
  clipRetentionDays: number;
  /** How far ahead a room may be scheduled, in days. */
  scheduleMaxDaysAhead: number;
  /** Scheduled rooms one host may have waiting to start. */
  maxUpcomingPerHost: number;
  /** Minutes after its time a scheduled room may still be started; then it is marked missed. */
  scheduleGraceMinutes: number;
  /** Seconds of each live room's stage audio kept in a rolling buffer and saved with a report; 0 = no audio evidence. */
  evidenceSeconds: number;
  /** Days a report's audio evidence is kept after it was filed. */
  evidenceRetentionDays: number;
  /** Days more it is kept when the report led to an action (not dismissed). */
  evidenceActionedExtraDays: number;
  /** 'no' = other sites cannot embed this instance's rooms, replays and clips (no /embed pages, no oEmbed). */
  embeddingAllowed: 'yes' | 'no';
}

export const defaultSettings: InstanceSettings = {
  instanceName: 'Salon',
  instanceDescription: '',
  registrationMode: 'open',
  inviteQuota: 5,
  hostMinFollowers: 600,
  defaultLanguage: 'en',
  signupsPerIpPerHour: 10,
  maxListenersPerRoom: 0,
  maxCohostsPerRoom: 2,
  maxSpeakersPerRoom: 10,
  roomGraceMinutes: 5,
  requireAccountToListen: 'no',
  anonymousListenersPerIpPerHour: 60,
  roomSocketsPerIp: 100,
  webrtcListenersPerRoom: 0,
  webrtcListenersPerServer: 0,
  recordingAllowed: 'yes',
  replayRetentionDays: 0,
  hostStorageQuotaMb: 2000,
  clipRetentionDays: 30,
  scheduleMaxDaysAhead: 30,
  maxUpcomingPerHost: 10,
  scheduleGraceMinutes: 30,
  evidenceSeconds: 120,
  evidenceRetentionDays: 30,
  evidenceActionedExtraDays: 90,
  embeddingAllowed: 'yes',
};

type Rule = { kind: 'text'; min: number; max: number } | { kind: 'int'; min: number; max: number } | { kind: 'enum'; values: readonly string[] };

export const settingRules: Record<keyof InstanceSettings, Rule> = {
  instanceName: { kind: 'text', min: 1, max: 60 },
  instanceDescription: { kind: 'text', min: 0, max: 500 },
  registrationMode: { kind: 'enum', values: registrationModes },
  inviteQuota: { kind: 'int', min: 0, max: 1000 },
  hostMinFollowers: { kind: 'int', min: 0, max: 1_000_000_000 },
  defaultLanguage: { kind: 'enum', values: languages },
  signupsPerIpPerHour: { kind: 'int', min: 1, max: 100_000 },
  maxListenersPerRoom: { kind: 'int', min: 0, max: 1_000_000 },
  maxCohostsPerRoom: { kind: 'int', min: 0, max: 10 },
  maxSpeakersPerRoom: { kind: 'int', min: 0, max: 50 },
  roomGraceMinutes: { kind: 'int', min: 0, max: 1440 },
  requireAccountToListen: { kind: 'enum', values: ['no', 'yes'] },
  anonymousListenersPerIpPerHour: { kind: 'int', min: 0, max: 1_000_000 },
  roomSocketsPerIp: { kind: 'int', min: 0, max: 1_000_000 },
  webrtcListenersPerRoom: { kind: 'int', min: 0, max: 1_000_000 },
  webrtcListenersPerServer: { kind: 'int', min: 0, max: 10_000_000 },
  recordingAllowed: { kind: 'enum', values: ['yes', 'no'] },
  replayRetentionDays: { kind: 'int', min: 0, max: 36_500 },
  hostStorageQuotaMb: { kind: 'int', min: 0, max: 10_000_000 },
  clipRetentionDays: { kind: 'int', min: 0, max: 36_500 },
  scheduleMaxDaysAhead: { kind: 'int', min: 1, max: 365 },
  maxUpcomingPerHost: { kind: 'int', min: 1, max: 100 },
  scheduleGraceMinutes: { kind: 'int', min: 1, max: 1440 },
  evidenceSeconds: { kind: 'int', min: 0, max: 600 },
  evidenceRetentionDays: { kind: 'int', min: 1, max: 3650 },
  evidenceActionedExtraDays: { kind: 'int', min: 0, max: 3650 },
  embeddingAllowed: { kind: 'enum', values: ['yes', 'no'] },
};

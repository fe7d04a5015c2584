// A report with audio evidence end to end, in real Chromium: a host speaks a 440 Hz tone, a listener
// reports the room from the room page's form. The room's rolling buffer holds only the last
// evidenceSeconds (set to 15 here) of the stage, never the listener; the saved evidence decodes to
// the tone and lasts the buffer's length; an admin plays it from the report page (200 and 206);
// the retention purge, run with a clock moved forward, deletes it after 30 days, or keeps it 120
// days when the report was acted upon. The ring folder goes when the room ends.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, signUpInBrowser, startRoomInBrowser, toneWav, waitForAudio } from '../support/browser';
import { decodeToSamples, toneLevel } from '../support/opus-tone';
import { startTestSalon, tempDir, waitFor, type TestSalon } from '../support/salon';
import { signUp, type Account } from '../support/web-client';

let salon: TestSalon;
let dir: string;
let admin: Account;
const browsers: { close(): Promise<void> }[] = [];
let host: Page, listener: Page;
const day = 86_400_000;
const evidenceSeconds = 15;

beforeAll(async () => {
  salon = await startTestSalon();
  admin = await signUp(salon.url, 'ev_admin'); // the first account is the admin
  await salon.deps.settings.update({ evidenceSeconds });
  dir = tempDir('salon-e2e-evidence-');
  const opened = await Promise.all([launchBrowser(await toneWav(dir, 440)), launchBrowser()]);
  browsers.push(...opened);
  [host, listener] = opened.map((b) => b.page) as [Page, Page];
  await signUpInBrowser(host, salon.url, 'ev_host');
  await signUpInBrowser(listener, salon.url, 'ev_listener');
  const hostId = (await salon.db.selectFrom('users').select('id').where('handle', '=', 'ev_host').executeTakeFirstOrThrow()).id;
  await admin.client.post(`/admin/users/${hostId}/grant-host`);
}, 60_000);

afterAll(async () => {
  await Promise.all(browsers.map((b) => b.close()));
  await salon.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const ringFiles = (ring: string) => (existsSync(ring) ? readdirSync(ring, { recursive: true }).map(String).filter((f) => f.endsWith('.webm')) : []);

test('a listener reports; the last seconds of the stage are saved, play for the admin, and expire on time', async () => {
  const roomUrl = await startRoomInBrowser(host, salon.url, 'Evidence room');
  const roomId = roomUrl.split('/').pop()!;
  await host.click('button.listen');
  await host.locator('#room-controls').getByRole('button', { name: 'Unmute' }).click();
  const hostId: string = await host.evaluate(() => (window as any).salonRoom.state.me.id);
  const media = salon.deps.media.get(roomId);
  await waitFor(() => media.producers().some(([id, producer]) => id === hostId && !producer.paused), 10_000, 'the host on air');

  await listener.goto(roomUrl);
  await listener.getByText('rooms keep the last 1 min of stage audio for reports').waitFor({ timeout: 5000 }); // said on the page
  await listener.click('button.listen');
  await waitForAudio(listener, (r) => r.rms > 0.05 && Math.abs(r.peakHz - 440) < 25, 20_000, 'the host');

  // Twice the buffer's length: the ring must have dropped the oldest segments by then.
  await Bun.sleep((2 * evidenceSeconds + 5) * 1000);
  const buffer = salon.deps.evidence.get(roomId)!;
  expect(buffer.tappedPeers()).toEqual([hostId]); // the stage only, never the listener
  const ring = join(salon.dataDir, 'evidence', 'live', roomId);
  expect(ringFiles(ring).length).toBeLessThanOrEqual(Math.ceil(evidenceSeconds / 10) + 2);

  // The report, from the room page's own form.
  await listener.locator('details.report summary').click();
  await listener.fill('#report-reason', 'Shouting a tone at everyone');
  await listener.getByRole('button', { name: 'Send report' }).click();
  await listener.waitForURL(/reported=1/);
  await salon.deps.reports.settled();
  const report = await salon.db.selectFrom('reports').selectAll().where('reason', '=', 'Shouting a tone at everyone').executeTakeFirstOrThrow();
  expect(report.evidence_file).not.toBeNull();
  expect(JSON.parse(report.stage_snapshot!).stage.map((p: { id: string }) => p.id)).toEqual([hostId]);
  const evidenceFile = join(salon.dataDir, 'evidence', report.evidence_file!);
  const audio = await decodeToSamples(evidenceFile);
  expect(Math.abs(audio.length / 48_000 - evidenceSeconds)).toBeLessThan(1.5);
  expect(toneLevel(audio, 440)).toBeGreaterThan(0.02);
  const lastSecond = audio.subarray(audio.length - 48_000);
  expect(toneLevel(lastSecond, 440)).toBeGreaterThan(0.02); // up to the moment of the report
  const filedAt = Date.parse(report.created_at);
  expect(Math.abs(Date.parse(report.evidence_expires_at!) - (filedAt + 30 * day))).toBeLessThan(60_000);

  // The admin's report page has the player; its source plays (whole and by ranges).
  const pageHtml = await (await admin.client.get('/admin/reports', 'html')).text();
  expect(pageHtml).toContain(`src="/admin/reports/${report.id}/evidence"`);
  const whole = await admin.client.fetch(`/admin/reports/${report.id}/evidence`, { accept: 'html' });
  expect(whole.status).toBe(200);
  expect(whole.headers.get('content-type')).toBe('audio/ogg');
  expect((await whole.arrayBuffer()).byteLength).toBeGreaterThan(1000);
  const part = await admin.client.fetch(`/admin/reports/${report.id}/evidence`, { headers: { range: 'bytes=0-99' } });
  expect(part.status).toBe(206);
  expect((await part.arrayBuffer()).byteLength).toBe(100);

  // A second report, acted upon: its evidence is kept 90 days more.
  await listener.goto(roomUrl);
  await listener.locator('details.report summary').click();
  await listener.fill('#report-reason', 'Still shouting');
  await listener.getByRole('button', { name: 'Send report' }).click();
  await listener.waitForURL(/reported=1/);
  await salon.deps.reports.settled();
  const actioned = await salon.db.selectFrom('reports').selectAll().where('reason', '=', 'Still shouting').executeTakeFirstOrThrow();
  expect(actioned.evidence_file).not.toBeNull();
  expect((await admin.client.post(`/admin/reports/${actioned.id}/end`, {})).status).toBe(200); // the room ends
  const actionedFile = join(salon.dataDir, 'evidence', actioned.evidence_file!);

  // The ring is gone with the room; the saved evidence is not.
  await waitFor(() => !existsSync(ring), 10_000, 'the ring folder deleted');
  expect(existsSync(evidenceFile) && existsSync(actionedFile)).toBe(true);

  // Retention, on a clock moved forward.
  const purgeAt = (days: number) => salon.deps.reports.purgeExpiredEvidence(new Date(filedAt + days * day));
  expect(await purgeAt(29)).toBe(0);
  expect(existsSync(evidenceFile)).toBe(true);
  expect(await purgeAt(31)).toBe(1);
  expect(existsSync(evidenceFile)).toBe(false);
  expect(await salon.db.selectFrom('reports').select(['evidence_file', 'evidence_expires_at']).where('id', '=', report.id).executeTakeFirstOrThrow()).toEqual({ evidence_file: null, evidence_expires_at: null });
  expect((await admin.client.fetch(`/admin/reports/${report.id}/evidence`)).status).toBe(404);
  expect(existsSync(actionedFile)).toBe(true); // acted upon: kept
  expect(await purgeAt(119)).toBe(0);
  expect(existsSync(actionedFile)).toBe(true);
  expect(await purgeAt(121)).toBe(1);
  expect(existsSync(actionedFile)).toBe(false);
}, 120_000);

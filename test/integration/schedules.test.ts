// Scheduled rooms on a real server and SQLite file: the rules (past, too far ahead, too many
// upcoming, edit, cancel, early start, missed after the grace period with a controllable clock),
// invitations in advance (an accepted speaker is on stage on joining the live room), reminders
// (roomStarting on start; a "starting soon" due while the server was down is delivered after it
// starts), time zones, and the .ics files parsed back with an iCalendar parser (ical.js).
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import ICAL from 'ical.js';
import { loadConfig } from '../../src/config/config.load';
import { createLogger } from '../../src/log';
import { startSalon } from '../../src/server';
import { utcToLocalInput } from '../../src/schedules/time-zones';
import { RoomClient } from '../support/room-client';
import { startTestSalon, tempDir, waitFor, type TestSalon } from '../support/salon';
import { signUp, WebClient, type Account } from '../support/web-client';

let salon: TestSalon;
let host: Account, speaker: Account, fan: Account, other: Account, nobody: Account;
const userId = {} as Record<string, number>;
const minute = 60_000;

/** The form's value for a time `ms` from now, in `zone`. */
const localIn = (ms: number, zone = 'Europe/Paris', from = Date.now()) => utcToLocalInput(new Date(from + ms), zone);

async function schedule(account: Account, fields: Record<string, string>) {
  return account.client.post('/studio/schedule', { title: 'Planned', timeZone: 'Europe/Paris', ...fields });
}
async function scheduleOk(fields: Record<string, string>, account = host): Promise<string> {
  const res = await schedule(account, fields);
  expect(res.status).toBe(201);
  return (await res.json()).id;
}
const notificationsOf = (handle: string, kind: string) =>
  salon.db.selectFrom('notifications').selectAll().where('user_id', '=', userId[handle]!).where('kind', '=', kind).execute();
const statusOf = async (id: string) => (await salon.db.selectFrom('scheduled_rooms').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
const resetClock = () => (salon.deps.schedules.now = () => new Date());

beforeAll(async () => {
  salon = await startTestSalon();
  host = await signUp(salon.url, 'sc_host'); // first account: admin, may host
  [speaker, fan, other, nobody] = (await Promise.all(['sc_speaker', 'sc_fan', 'sc_other', 'sc_nobody'].map((h) => signUp(salon.url, h)))) as [Account, Account, Account, Account];
  for (const a of [host, speaker, fan, other, nobody]) userId[a.handle] = (await salon.db.selectFrom('users').select('id').where('handle', '=', a.handle).executeTakeFirstOrThrow()).id;
});
afterAll(() => salon.dispose());

describe('scheduling rules', () => {
  test('in the future, at most 30 days ahead, allowed hosts only; errors name the field', async () => {
    let res = await schedule(host, { startsAt: localIn(-5 * minute) });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ field: 'startsAt', error: 'Choose a time in the future.' });
    res = await schedule(host, { startsAt: localIn(31 * 86_400_000) });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ field: 'startsAt', error: 'A room can be scheduled at most 30 days ahead.' });
    res = await schedule(host, { startsAt: '2026-13-45T99:00' });
    expect([res.status, (await res.json()).field]).toEqual([422, 'startsAt']);
    res = await schedule(host, { startsAt: localIn(60 * minute), timeZone: 'Mars/Olympus' });
    expect([res.status, (await res.json()).field]).toEqual([422, 'timeZone']);
    res = await schedule(host, { startsAt: localIn(60 * minute), speakers: '@nobody_at_all' });
    expect(await res.json()).toMatchObject({ field: 'speakers', error: 'No one is called @nobody_at_all.' });
    res = await schedule(nobody, { startsAt: localIn(60 * minute) });
    expect(res.status).toBe(403);
    res = await new WebClient(salon.url).post('/studio/schedule', { startsAt: localIn(60 * minute) });
    expect(res.status).toBe(401);
    // The HTML form comes back with the error next to the field.
    res = await host.client.post('/studio/schedule', { title: 'x', timeZone: 'UTC', startsAt: localIn(-minute, 'UTC') }, { accept: 'html' });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('Choose a time in the future.');
  });

  test('at most 10 upcoming rooms per host: the 11th is refused until one is cancelled', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push(await scheduleOk({ title: `Room ${i}`, startsAt: localIn((i + 2) * 86_400_000) }));
    const res = await schedule(host, { title: 'Eleventh', startsAt: localIn(20 * 86_400_000) });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ field: 'form', error: 'You already have 10 rooms scheduled: start or cancel one first.' });
    for (const id of ids) expect((await host.client.post(`/r/${id}/cancel`)).status).toBe(200);
    await scheduleOk({ title: 'Eleventh', startsAt: localIn(20 * 86_400_000) }).then((id) => host.client.post(`/r/${id}/cancel`));
  });

  test('edit: a new time tells people with a reminder and invitees; cancel tells them too and closes the room', async () => {
    const id = await scheduleOk({ title: 'Edit me', startsAt: localIn(2 * 86_400_000), speakers: '@sc_speaker' });
    expect(await notificationsOf('sc_speaker', 'scheduledInvite')).toHaveLength(1);
    expect((await fan.client.post(`/r/${id}/remind`)).status).toBe(200);
    // Same time, new title: nobody is bothered.
    let res = await host.client.post(`/r/${id}/edit`, { title: 'Edited', timeZone: 'Europe/Paris', startsAt: localIn(2 * 86_400_000), speakers: '@sc_speaker' });
    expect(res.status).toBe(200);
    expect(await notificationsOf('sc_fan', 'roomRescheduled')).toHaveLength(0);
    res = await host.client.post(`/r/${id}/edit`, { title: 'Edited', timeZone: 'Europe/Paris', startsAt: localIn(3 * 86_400_000), speakers: '@sc_speaker' });
    expect(res.status).toBe(200);
    const [moved] = await notificationsOf('sc_fan', 'roomRescheduled');
    expect(JSON.parse(moved!.payload)).toMatchObject({ url: `/r/${id}`, params: { title: 'Edited' } });
    expect(await notificationsOf('sc_speaker', 'roomRescheduled')).toHaveLength(1);
    expect((await other.client.post(`/r/${id}/edit`, { title: 'Mine now', startsAt: localIn(86_400_000) })).status).toBe(403);
    expect((await host.client.post(`/r/${id}/edit`, { title: 'Edited', startsAt: localIn(-60 * minute) })).status).toBe(422);

    expect((await host.client.post(`/r/${id}/cancel`)).status).toBe(200);
    expect(await statusOf(id)).toBe('cancelled');
    expect(await notificationsOf('sc_fan', 'roomCancelled')).toHaveLength(1);
    expect(await notificationsOf('sc_speaker', 'roomCancelled')).toHaveLength(1);
    expect((await host.client.post(`/r/${id}/cancel`)).status).toBe(409);
    expect((await host.client.post(`/r/${id}/start`)).status).toBe(409);
    const page = await (await fan.client.get(`/r/${id}`)).text();
    expect(page).toContain('This room was cancelled.');
    expect(page).not.toContain('Remind me');
  });

  test('missed: not started within the grace period (30 min), by the timer with a moved clock', async () => {
    const id = await scheduleOk({ title: 'Forgotten', startsAt: localIn(20 * minute) });
    salon.deps.schedules.now = () => new Date(Date.now() + 49 * minute); // 29 minutes late: still startable
    await salon.deps.schedules.processDue();
    expect(await statusOf(id)).toBe('scheduled');
    salon.deps.schedules.now = () => new Date(Date.now() + 51 * minute);
    expect((await salon.deps.schedules.processDue()).missed).toBe(1);
    resetClock();
    expect(await statusOf(id)).toBe('missed');
    expect(await (await fan.client.get(`/r/${id}`)).text()).toContain('This room did not take place.');
    expect((await host.client.post(`/r/${id}/start`)).status).toBe(409);
  });

  test('the host hears "starting soon" 15 minutes before, once', async () => {
    const id = await scheduleOk({ title: 'Soon', startsAt: localIn(40 * minute) });
    await salon.deps.schedules.processDue();
    const before = (await notificationsOf('sc_host', 'roomStartingSoon')).filter((n) => JSON.parse(n.payload).url === `/r/${id}`);
    expect(before).toHaveLength(0);
    salon.deps.schedules.now = () => new Date(Date.now() + 26 * minute);
    await salon.deps.schedules.processDue();
    await salon.deps.schedules.processDue();
    resetClock();
    const soon = (await notificationsOf('sc_host', 'roomStartingSoon')).filter((n) => JSON.parse(n.payload).url === `/r/${id}`);
    expect(soon).toHaveLength(1);
    expect([13, 14]).toContain(JSON.parse(soon[0]!.payload).params.minutes); // the form's minute precision
    await host.client.post(`/r/${id}/cancel`);
  });
});

describe('starting, invitations in advance, reminders', () => {
  test('early start refused before the 15-minute window; then the live room keeps the id, reminders fire, accepted speakers go on stage', async () => {
    const id = await scheduleOk({ title: 'Big talk', topics: 'audio', startsAt: localIn(60 * minute), speakers: '@sc_speaker', cohosts: '@sc_other' });
    // Invitees answer on the scheduled page (JSON here; the page has the buttons).
    expect((await speaker.client.post(`/r/${id}/invitation`, { answer: 'accept' })).status).toBe(200);
    expect((await other.client.post(`/r/${id}/invitation`, { answer: 'decline' })).status).toBe(200);
    expect((await fan.client.post(`/r/${id}/invitation`, { answer: 'accept' })).status).toBe(403); // not invited
    expect((await fan.client.post(`/r/${id}/remind`)).status).toBe(200);
    const publicView = await fan.client.json(`/r/${id}`);
    expect(publicView).toMatchObject({ id, status: 'scheduled', speakers: [{ handle: 'sc_speaker', kind: 'speaker', status: 'accepted' }] });

    let res = await host.client.post(`/r/${id}/start`);
    expect(res.status).toBe(409);
    expect((await res.json()).error).toMatch(/^You can start this room from \d{1,2}:\d{2}/);
    const page = await host.client.post(`/r/${id}/start`, {}, { accept: 'html' });
    expect(page.status).toBe(409);
    expect(await page.text()).toContain('You can start this room from');
    expect((await other.client.post(`/r/${id}/start`)).status).toBe(403);

    salon.deps.schedules.now = () => new Date(Date.now() + 46 * minute); // 14 minutes before
    res = await host.client.post(`/r/${id}/start`);
    resetClock();
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ id, url: `/r/${id}` });
    expect(await statusOf(id)).toBe('started');
    expect(salon.deps.live.get(id)?.room.title).toBe('Big talk');
    expect((await fan.client.json(`/r/${id}`)).status).toBe('live');
    const starting = await notificationsOf('sc_fan', 'roomStarting');
    expect(starting).toHaveLength(1);
    expect(JSON.parse(starting[0]!.payload)).toMatchObject({ url: `/r/${id}`, params: { title: 'Big talk' } });
    expect((await host.client.post(`/r/${id}/start`)).status).toBe(409);

    const hostWs = await RoomClient.join(host.client, salon.url, id);
    await speaker.client.get(`/r/${id}`);
    const speakerWs = await RoomClient.join(speaker.client, salon.url, id);
    expect(speakerWs.snapshot.you).toMatchObject({ role: 'speaker', muted: true });
    await hostWs.next((m) => m.type === 'participantJoined' && m.participant.handle === 'sc_speaker' && m.participant.role === 'speaker');
    const otherWs = await RoomClient.join(other.client, salon.url, id); // declined: a listener
    expect(otherWs.snapshot.you.role).toBe('listener');
    // Leaving and coming back after being moved to the listeners does not seat them again.
    await hostWs.request({ type: 'moveToListeners', target: `u:${userId.sc_speaker}` }, (m) => m.type === 'roleChanged' && m.role === 'listener');
    for (const ws of [speakerWs, otherWs, hostWs]) ws.close();
    salon.deps.live.get(id)?.end('host');
  });

  test('a recorded scheduled room: the accepted speaker is on stage but their microphone waits for their consent', async () => {
    const id = await scheduleOk({ title: 'Recorded', startsAt: localIn(10 * minute), speakers: '@sc_speaker', recordIntent: '1' });
    await speaker.client.post(`/r/${id}/invitation`, { answer: 'accept' });
    expect((await host.client.post(`/r/${id}/start`)).status).toBe(201);
    const live = salon.deps.live.get(id)!;
    expect(live.state.recording).toBe(true);
    const hostWs = await RoomClient.join(host.client, salon.url, id);
    const speakerWs = await RoomClient.join(speaker.client, salon.url, id);
    expect(speakerWs.snapshot.you).toMatchObject({ role: 'speaker', recordingConsent: false });
    expect(live.state.maySend(`u:${userId.sc_speaker}`)).toBe(false);
    speakerWs.send({ type: 'consentToRecording' });
    await waitFor(() => live.state.maySend(`u:${userId.sc_speaker}`), 3000, 'consent');
    for (const ws of [speakerWs, hostWs]) ws.close();
    live.end('host');
  });
});

describe('time zones and calendars', () => {
  // Tomorrow at 18:00 in Paris.
  const parisTomorrow = () => `${utcToLocalInput(new Date(Date.now() + 86_400_000), 'Europe/Paris').slice(0, 10)}T18:00`;

  test('18:00 Europe/Paris is stored in UTC and shown as such to a Paris viewer, in New York time to a New York viewer', async () => {
    const id = await scheduleOk({ title: 'Apéro', startsAt: parisTomorrow(), timeZone: 'Europe/Paris' });
    const row = await salon.db.selectFrom('scheduled_rooms').select(['starts_at', 'time_zone']).where('id', '=', id).executeTakeFirstOrThrow();
    const instant = new Date(row.starts_at);
    expect(row.time_zone).toBe('Europe/Paris');
    expect(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' }).format(instant)).toBe('18:00');

    const paris = new WebClient(salon.url, { lang: 'fr' });
    paris.cookies.set('salon_tz', 'Europe/Paris');
    const parisPage = await (await paris.get(`/r/${id}`)).text();
    expect(parisPage).toContain('à 18:00');
    expect(parisPage).toContain('Europe/Paris');

    const newYork = new WebClient(salon.url, { lang: 'en' });
    newYork.cookies.set('salon_tz', 'America/New_York');
    const nyPage = await (await newYork.get(`/r/${id}`)).text();
    const nyTime = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hour: 'numeric', minute: '2-digit' }).format(instant);
    expect(nyPage).toContain(`at ${nyTime}`);
    const offsetHours = (Date.parse(instant.toLocaleString('en-US', { timeZone: 'Europe/Paris' })) - Date.parse(instant.toLocaleString('en-US', { timeZone: 'America/New_York' }))) / 3600_000;
    if (offsetHours === 6) expect(nyTime).toBe('12:00 PM'); // except in the weeks the two switch clocks on different dates
    expect(nyPage).toContain('America/New York');
    expect(nyPage).toContain('Starts in');
    expect(nyPage).toContain('/schedules/schedule.js');
    // Without the cookie the page uses the zone the host entered (the script then sets the cookie).
    expect(await (await new WebClient(salon.url, { lang: 'fr' }).get(`/r/${id}`)).text()).toContain('à 18:00');
    await host.client.post(`/r/${id}/cancel`);
  });

  test('the room .ics and the host feed parse back: DTSTART, SUMMARY, URL, organizer, a VALARM 15 minutes before', async () => {
    const id = await scheduleOk({ title: 'Calendar, test', description: 'All about dates', startsAt: parisTomorrow(), timeZone: 'Europe/Paris' });
    const second = await scheduleOk({ title: 'Second', startsAt: localIn(3 * 86_400_000) });
    const row = await salon.db.selectFrom('scheduled_rooms').select('starts_at').where('id', '=', id).executeTakeFirstOrThrow();
    const res = await new WebClient(salon.url).get(`/r/${id}/calendar.ics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    const calendar = new ICAL.Component(ICAL.parse(await res.text()));
    const [event] = calendar.getAllSubcomponents('vevent');
    const vevent = new ICAL.Event(event!);
    expect(vevent.summary).toBe('Calendar, test');
    expect(vevent.startDate.toJSDate().toISOString()).toBe(row.starts_at);
    expect(String(event!.getFirstPropertyValue('url'))).toBe(`${salon.url}/r/${id}`);
    expect(String(event!.getFirstPropertyValue('organizer'))).toContain('mailto:');
    expect(event!.getFirstProperty('organizer')!.getParameter('cn')).toBe('sc_host (@sc_host)');
    const alarm = event!.getFirstSubcomponent('valarm')!;
    expect(alarm.getFirstPropertyValue('action')).toBe('DISPLAY');
    expect(String(alarm.getFirstPropertyValue('trigger'))).toBe('-PT15M');

    const feed = await new WebClient(salon.url).get('/@sc_host/calendar.ics');
    expect(feed.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    const events = new ICAL.Component(ICAL.parse(await feed.text())).getAllSubcomponents('vevent').map((e) => new ICAL.Event(e).summary);
    expect(events).toEqual(expect.arrayContaining(['Calendar, test', 'Second']));
    expect((await new WebClient(salon.url).get('/r/nosuchroom1/calendar.ics')).status).toBe(404);
    for (const room of [id, second]) await host.client.post(`/r/${room}/cancel`);
  });

  test('upcoming lists: home (followed hosts first), the profile (with the calendar link), the studio with edit and cancel', async () => {
    const id = await scheduleOk({ title: 'Listed', startsAt: localIn(5 * 86_400_000) });
    const home = await (await fan.client.fetch('/upcoming', { accept: 'html', headers: { 'hx-request': 'true', 'hx-target': 'home-upcoming' } })).text();
    expect(home).toContain('Listed');
    expect(home).not.toContain('<html');
    expect(await (await fan.client.get('/')).text()).toContain('hx-get="/upcoming"');
    const profile = await (await fan.client.get('/@sc_host/upcoming')).text();
    expect(profile).toContain('Listed');
    expect(profile).toContain('/@sc_host/calendar.ics');
    const studio = await (await host.client.get('/studio')).text();
    expect(studio).toContain('Listed');
    expect(studio).toContain(`/r/${id}/edit`);
    expect(studio).toContain(`/r/${id}/cancel`);
    expect(studio).toContain('href="/studio/schedule"');
    await host.client.post(`/r/${id}/cancel`);
  });
});

describe('a reminder due while the server was down', () => {
  test('is delivered after it starts again (late, not lost, once)', async () => {
    const dataDir = tempDir();
    const config = loadConfig({ flags: { host: '127.0.0.1', port: '0', dataDir, workers: '1', rtcListenIp: '127.0.0.1', webRtcPort: '0', trustProxy: 'true' }, env: {} });
    let running = await startSalon(config, createLogger('error'));
    const owner = await signUp(running.url, 'down_host');
    const created = await owner.client.post('/studio/schedule', { title: 'While down', timeZone: 'UTC', startsAt: localIn(60 * minute, 'UTC') });
    expect(created.status).toBe(201);
    const id = (await created.json()).id as string;
    await running.stop();
    // Time passes while the server is down: the room now starts in 10 minutes, its 15-minute notice is due.
    const { openDatabase } = await import('../../src/db/connection');
    const db = openDatabase(dataDir);
    await db.updateTable('scheduled_rooms').set({ starts_at: new Date(Date.now() + 10 * minute).toISOString() }).where('id', '=', id).execute();
    await db.destroy();
    running = await startSalon(config, createLogger('error'));
    try {
      const soon = () => running.db.selectFrom('notifications').selectAll().where('kind', '=', 'roomStartingSoon').execute();
      await waitFor(async () => (await soon()).length === 1, 5000, 'the late "starting soon" notice');
      await running.deps.schedules.processDue();
      expect(await soon()).toHaveLength(1);
      expect(JSON.parse((await soon())[0]!.payload).url).toBe(`/r/${id}`);
    } finally {
      await running.stop();
      (await import('node:fs')).rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

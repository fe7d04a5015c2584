// The whole HTTP route table on one screen (Miniflux's ui.go is the model): method, path, who may
// call it and what it does. The method + path list comes from the real app (createApp(...).routes);
// the guard and the words are written here, beside it. `bun scripts/route-table.ts` rewrites
// docs/routes.md; test/unit/route-table.test.ts fails when that file, or this table, is out of date.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp, type AppDeps } from '../src/app';
import { loadConfig } from '../src/config/config.load';

type Guard = 'anyone' | 'anonymous' | 'signed-in' | 'host' | 'room host' | 'room host or admin' | 'room host, co-hosts or admin' | 'admin' | 'room members';

/** Who may call each route, and what it does, by `METHOD path` as Elysia lists it. */
export const routeNotes: Record<string, { guard: Guard; does: string }> = {
  'GET /favicon.ico': { guard: 'anyone', does: 'redirects to the SVG icon' },
  'GET /static/:name': { guard: 'anyone', does: 'CSS, icons, htmx and the client bundle (hashed names cached for good)' },
  'GET /manifest.webmanifest': { guard: 'anyone', does: 'the web app manifest (instance name, icons, colours): the app installs' },
  'GET /offline': { guard: 'anyone', does: 'the page the service worker shows when there is no network' },
  'GET /healthz': { guard: 'anyone', does: 'health verdicts for monitoring (details for admins); 503 when a part is down' },
  'GET /': { guard: 'anyone', does: 'home: live rooms (rooms of people who blocked me left out)' },
  'GET /signup': { guard: 'anonymous', does: 'sign-up form (signed-in people go home)' },
  'GET /invite/:code': { guard: 'anyone', does: 'invitation link: to the sign-up form with the code filled in' },
  'POST /signup': { guard: 'anonymous', does: 'create an account (registration mode, invite, per-address limit) and sign in' },
  'GET /login': { guard: 'anonymous', does: 'log-in form (signed-in people go to `next`)' },
  'POST /login': { guard: 'anonymous', does: 'sign in (attempts limited), then to `next`' },
  'POST /logout': { guard: 'anyone', does: 'sign out: revoke this session, clear the cookie' },
  'GET /password/forgot': { guard: 'anyone', does: 'forgotten password: ask for a link by email (without email set up: ask an admin)' },
  'POST /password/forgot': { guard: 'anyone', does: 'email a reset link; the same answer whether or not an account matches (limited per address and per name)' },
  'GET /password/reset/:token': { guard: 'anyone', does: 'new password form of a reset link (unknown, used or expired: 404)' },
  'POST /password/reset/:token': { guard: 'anyone', does: 'set the new password (link used up, every session ended), then signed in afresh' },
  'GET /@:handle': { guard: 'anyone', does: 'profile page (suspended people: admins only)' },
  'GET /@:handle/followers': { guard: 'anyone', does: 'who follows them, paged' },
  'GET /@:handle/following': { guard: 'anyone', does: 'whom they follow, paged' },
  'POST /@:handle/follow': { guard: 'signed-in', does: 'follow (htmx: the button swaps itself)' },
  'POST /@:handle/unfollow': { guard: 'signed-in', does: 'unfollow (htmx: the button swaps itself)' },
  'POST /@:handle/block': { guard: 'signed-in', does: 'block: follows end both ways; they no longer see or join my rooms' },
  'POST /@:handle/unblock': { guard: 'signed-in', does: 'unblock' },
  'GET /avatars/:file': { guard: 'anyone', does: 'an avatar image' },
  'GET /settings': { guard: 'signed-in', does: 'my profile settings and whether I may host' },
  'POST /settings/profile': { guard: 'signed-in', does: 'save name, bio, language, avatar' },
  'GET /settings/sessions': { guard: 'signed-in', does: 'where I am signed in' },
  'POST /settings/sessions/:id/revoke': { guard: 'signed-in', does: 'sign out one of my sessions' },
  'GET /settings/invites': { guard: 'signed-in', does: 'my invitations and how many are left' },
  'POST /settings/invites': { guard: 'signed-in', does: 'create an invitation (within my quota; admins unlimited)' },
  'POST /settings/invites/:code/revoke': { guard: 'signed-in', does: 'revoke one of my invitations' },
  'GET /settings/data': { guard: 'signed-in', does: 'your data: download it, delete the account (what happens to rooms, replays and reports said first)' },
  'GET /settings/data/export': { guard: 'signed-in', does: 'everything kept about me as one JSON file (no secrets, nobody else\'s private data)' },
  'POST /settings/data/delete': { guard: 'signed-in', does: 'delete my account after typing my handle and password: sessions and room sockets end, hosted rooms, replays and clips go with their files, filed reports kept anonymised' },
  'GET /metrics': { guard: 'anyone', does: 'Prometheus metrics; 404 unless metricsToken (Bearer token, else 401) or metricsAllowLocal (loopback socket address only, else 403) is set' },
  'GET /admin': { guard: 'admin', does: 'dashboard: live rooms (join with moderator powers), media workers (CPU, routers, listener streams), sessions and sockets, storage, sign-ups and rooms per day (SVG charts), open reports' },
  'GET /admin/audit': { guard: 'admin', does: 'the audit log (admin and host moderation actions), newest first, filtered by action, actor, target, room and dates; read-only' },
  'GET /r/:id/analytics': { guard: 'room host, co-hosts or admin', does: "a room's numbers: peak and unique listeners, listening minutes, average time listened, listeners over time, talk time, reactions, hands, replay and clip plays" },
  'GET /admin/settings': { guard: 'admin', does: 'instance settings' },
  'POST /admin/settings': { guard: 'admin', does: 'save instance settings' },
  'GET /admin/storage': { guard: 'admin', does: 'storage used by recordings and clips, per host, against the quota' },
  'GET /admin/users': { guard: 'admin', does: 'people, searchable and paged' },
  'POST /admin/users': { guard: 'admin', does: 'create an account' },
  'POST /admin/users/:id/:action': { guard: 'admin', does: 'grant or revoke hosting, suspend, unsuspend, promote to admin' },
  'GET /admin/rooms': { guard: 'admin', does: 'live rooms with who is in them, to moderate' },
  'GET /admin/reports': { guard: 'admin', does: 'reports, open or handled: room, reporter, reported person, reason, time, who was on stage, the audio evidence and the actions' },
  'GET /admin/reports/:id/evidence': { guard: 'admin', does: "a report's audio evidence (Ogg Opus, Range requests), while it is kept" },
  'POST /admin/reports/:id/:action': { guard: 'admin', does: 'decide a report: dismiss, warn, remove (live), end (live), suspend, deleteReplay, deleteClip; the reporter is told it was handled' },
  'GET /studio/reports': { guard: 'signed-in', does: 'reports about my rooms, read-only, without who filed them' },
  'GET /admin/email': { guard: 'admin', does: 'SMTP settings (the password is never shown back)' },
  'POST /admin/email': { guard: 'admin', does: 'save SMTP settings (a blank password keeps the stored one)' },
  'POST /admin/email/test': { guard: 'admin', does: "send a test email to the admin's own address; shows success or the precise error" },
  'POST /admin/users/:id/reset-link': { guard: 'admin', does: 'make a one-time password reset link to hand over (logged); works without email' },
  'GET /admin/network': { guard: 'admin', does: 'https or not (people on other machines cannot speak over plain http), the media address, ports and TURN handed to browsers, the connectivity self-test' },
  'WS /admin/network/self-test': { guard: 'admin', does: "connectivity self-test socket: media signalling on a router of its own (no room), the browser's silence looped back; closed with the socket or after 60 s" },
  'GET /schedules/schedule.js': { guard: 'anyone', does: "scheduled rooms' script: remembers the browser's time zone (cookie), local times, live countdown" },
  'GET /studio/schedule': { guard: 'signed-in', does: 'the form to schedule a room (also in the studio)' },
  'POST /studio/schedule': { guard: 'host', does: 'schedule a room: in the future, within scheduleMaxDaysAhead, at most maxUpcomingPerHost; invitees told' },
  'GET /r/:id/edit': { guard: 'room host', does: "edit form of a scheduled room (others: 404)" },
  'POST /r/:id/edit': { guard: 'room host', does: 'change a scheduled room; a new time tells reminder holders and invitees' },
  'POST /r/:id/cancel': { guard: 'room host or admin', does: 'cancel a scheduled room; reminder holders and invitees told' },
  'POST /r/:id/start': { guard: 'room host', does: 'start a scheduled room from 15 minutes before (409 earlier); the live room keeps the id' },
  'POST /r/:id/invitation': { guard: 'signed-in', does: 'an invitee accepts or declines to speak or co-host (others: 403)' },
  'POST /r/:id/remind': { guard: 'signed-in', does: 'remind me when this scheduled room starts (htmx: the button swaps itself)' },
  'POST /r/:id/remind/cancel': { guard: 'signed-in', does: 'cancel my reminder' },
  'GET /r/:id/calendar.ics': { guard: 'anyone', does: 'the scheduled room as iCalendar (alarm 15 minutes before); hidden from people the host blocked' },
  'GET /@:handle/calendar.ics': { guard: 'anyone', does: "a host's upcoming rooms as a calendar feed to subscribe to" },
  'GET /upcoming': { guard: 'anyone', does: 'upcoming scheduled rooms (followed hosts first): page, htmx fragment for home, or JSON' },
  'GET /@:handle/upcoming': { guard: 'anyone', does: "a host's upcoming rooms: page, htmx fragment for the profile, or JSON" },
  'GET /studio': { guard: 'signed-in', does: 'my rooms and the form to start one' },
  'POST /studio/rooms': { guard: 'host', does: 'start a room (those allowed to host)' },
  'GET /r/:id': { guard: 'anyone', does: 'room page (scheduled, live or ended); unknown, malformed or hidden ids are 404' },
  'GET /r/:id/listeners': { guard: 'room host or admin', does: 'JSON list of signed-in listeners (host, co-hosts, admins)' },
  'POST /r/:id/end': { guard: 'room host or admin', does: 'end the room' },
  'POST /r/:id/remove': { guard: 'admin', does: 'remove someone from a live room; they cannot come back' },
  'POST /r/:id/report': { guard: 'signed-in', does: 'report the room or someone in it to the admins' },
  'WS /r/:id/ws': { guard: 'room members', does: 'room WebSocket: presence, stage, hands, reactions, media signalling' },
  'GET /r/:id/replay.opus': { guard: 'anyone', does: 'replay audio (Ogg Opus) with Range; who may hear it: public/unlisted anyone, private host+speakers+admins, else 404; ?download=1 when allowed' },
  'GET /r/:id/replay.m4a': { guard: 'anyone', does: 'replay audio (AAC) with Range, same rules as the Opus file' },
  'GET /r/:id/replay/peaks.json': { guard: 'anyone', does: 'waveform peaks of a replay (same visibility rules)' },
  'POST /r/:id/replay/played': { guard: 'anyone', does: 'count one play of a replay (once per client per 10 minutes)' },
  'GET /r/:id/chapters.json': { guard: 'anyone', does: 'Podcasting 2.0 chapters (1.2.0) of a ready replay from the speaker timeline (same visibility rules)' },
  'POST /r/:id/clips': { guard: 'signed-in', does: 'clip the last 30 s (live) or the 30 s before form field t (ms, replay); per the clip policy: anyone / hosts / off (403); unrecorded room 422' },
  'GET /c/:id': { guard: 'anyone', does: 'clip page (player, share link, Open Graph); visible to whoever may see its replay, else 404' },
  'GET /c/:id/audio': { guard: 'anyone', does: 'clip audio (AAC) with Range, same rules as its page; counts a play' },
  'GET /r/:id/card.png': { guard: 'anyone', does: 'share card (1200x630 PNG): live, scheduled, replay or ended; as the room page (blocked: 404); ETag' },
  'GET /c/:id/card.png': { guard: 'anyone', does: 'share card of a clip; as the clip page (private replay, blocked: 404)' },
  'GET /@:handle/card.png': { guard: 'anyone', does: 'share card of a profile (suspended people: admins only)' },
  'GET /embed/:id': { guard: 'anyone', does: 'embeddable player of a live room or replay (frame-ancestors *); 404 when embedding is off or not visible' },
  'GET /embed/c/:id': { guard: 'anyone', does: 'embeddable player of a clip (frame-ancestors *); 404 when embedding is off or not visible' },
  'GET /oembed': { guard: 'anyone', does: 'oEmbed JSON (rich iframe) for a room, replay or clip URL of this instance; 404 otherwise, 501 for xml' },
  'POST /c/:id/delete': { guard: 'signed-in', does: 'delete a clip (room host, clip maker or admin) with its file' },
  'GET /@:handle/podcast.rss': { guard: 'anyone', does: "host's podcast feed (RSS 2.0 + iTunes + Podcasting 2.0): public ready replays, liveItem while live" },
  'GET /@:handle/replays': { guard: 'anyone', does: "a profile's public replays (minus hidden) and recent clips: htmx fragment, page or JSON" },
  'GET /studio/replays': { guard: 'signed-in', does: "the host's own replays (all visibilities, with status) and the clips of their rooms" },
  'POST /r/:id/replay': { guard: 'room host or admin', does: 'edit a replay: title, description, visibility, downloads, clip policy, trim (re-runs the mix)' },
  'POST /r/:id/replay/delete': { guard: 'room host or admin', does: 'delete a replay: asks first, then with confirm=yes removes its files and rows' },
  'GET /r/:id/live.m3u8': { guard: 'anyone', does: "live HLS playlist of the room's stage mix (~1 s AAC segments; max-age=1, ETag; #EXT-X-ENDLIST once ended); blocked: 404, removed: 403, anonymous: 401 if the instance requires an account" },
  'GET /r/:id/live/:segment': { guard: 'anyone', does: 'one live HLS segment (<seq>.aac, ID3-timestamped ADTS), immutable for caches; same rules as the playlist; gone from the window: 404' },
  'POST /r/:id/replay/profile': { guard: 'signed-in', does: "a replay's speaker hides it from (or shows it on) their profile" },
  'GET /notifications': { guard: 'signed-in', does: 'my notifications, newest first (in-app only), paged with ?before=<id>' },
  'GET /notifications/stream': { guard: 'signed-in', does: 'the bell: Server-Sent Events (unread count + newest) for EventSource; others get the same once as JSON' },
  'POST /notifications/read': { guard: 'signed-in', does: 'mark all my notifications read' },
  'POST /notifications/:id/read': { guard: 'signed-in', does: "mark one of mine read (someone else's is 404); open=1 then goes to its link" },
  'GET /settings/notifications': { guard: 'signed-in', does: 'my notification choices (kind × channel) and my push devices' },
  'POST /settings/notifications': { guard: 'signed-in', does: 'save my choices: checked `<kind>.<channel>` boxes on, the rest off' },
  'POST /push/subscriptions': { guard: 'signed-in', does: 'register this device for web push (PushSubscription JSON; https public endpoints only)' },
  'POST /push/subscriptions/delete': { guard: 'signed-in', does: 'remove one of my push devices (endpoint or id)' },
  'DELETE /push/subscriptions': { guard: 'signed-in', does: 'same as POST /push/subscriptions/delete' },
  'POST /push/test': { guard: 'signed-in', does: 'send a test notification to each of my devices now' },
  'GET /sw.js': { guard: 'anyone', does: 'the service worker: shows pushed notifications, and the offline page when a page cannot be fetched (scope /)' },
};

/** The routes the app really serves, as `METHOD path` with the handler's source, in registration order. */
export function appRoutes(): { route: string; handlerSource: string }[] {
  const config = loadConfig({ flags: {}, env: {} });
  // Building the app only registers routes: no handler runs, so every service can be a stand-in.
  const standIn: unknown = new Proxy(function () {}, { get: (_t, key) => (key === 'then' ? undefined : standIn), apply: () => standIn });
  const deps = new Proxy({ config }, { get: (target, key) => (key in target ? target[key as 'config'] : standIn) }) as unknown as AppDeps;
  return createApp(deps).routes.map((r) => ({ route: `${r.method.toUpperCase()} ${r.path}`, handlerSource: String(r.handler) }));
}

export function routesMarkdown(routes = appRoutes().map((r) => r.route)): string {
  const rows = routes.map((route) => {
    const [method, path] = route.split(' ') as [string, string];
    const note = routeNotes[route];
    return `| ${method} | \`${path}\` | ${note?.guard ?? '**undocumented**'} | ${note?.does ?? ''} |`;
  });
  return `# HTTP routes

Every route Salon serves, in the order \`src/app.ts\` registers them. Generated by
\`bun scripts/route-table.ts\` from the real app (method and path) and the notes in that script (who
may call it, what it does); \`test/unit/route-table.test.ts\` fails when this file is out of date.

Who: **anyone** (signed in or not), **anonymous** (signed-in people are sent on), **signed-in**,
**host** (signed in and allowed to host), **room host** (the scheduled room's own host), **room host or admin**, **admin**, **room members** (whoever
the room admits: signed in, or an anonymous browser when the room allows listeners without accounts).
Guards are checked in the handlers (\`requireViewer\`, \`requireAdmin\`) and the services; JSON clients
(\`Accept: application/json\`) get JSON from the same routes.

| Method | Path | Who | What |
|---|---|---|---|
${rows.join('\n')}
`;
}

export const routesDocPath = join(import.meta.dir, '..', 'docs', 'routes.md');

if (import.meta.main) {
  writeFileSync(routesDocPath, routesMarkdown());
  console.log(`wrote ${routesDocPath}`);
}

// Sharing (issue 16): Open Graph / X card tags per page kind and language, the share cards (PNG
// 1200x630 that change when a room goes from live to replay), oEmbed (fields per the spec, 404s,
// 501), the embed pages (the only ones other sites may frame) and the instance switch that turns
// embeds off; then who may see each sharing route (the same visibility as the pages they stand for).
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { utcToLocalInput } from '../../src/schedules/time-zones';
import { makeReplay, type ReplayFixture } from '../support/replay-fixture';
import { startTestSalon, type TestSalon } from '../support/salon';
import { signUp, WebClient, type Account } from '../support/web-client';

let salon: TestSalon;
let host: Account, fan: Account, blocked: Account, admin: Account;
let roomId: string;
let scheduledId: string;
let clipId: string;
let fixture: ReplayFixture;
let liveCard: { etag: string; bytes: Uint8Array };
const idOf = async (handle: string) => (await salon.db.selectFrom('users').select('id').where('handle', '=', handle).executeTakeFirstOrThrow()).id;

/** The content of `<meta property|name="key" content="...">` in a page, unescaped, or undefined. */
function meta(page: string, key: string): string | undefined {
  const match = new RegExp(`<meta (?:property|name)="${key.replace(/[.:]/g, (c) => `\\${c}`)}" content="([^"]*)">`).exec(page);
  return match?.[1]?.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}
const oembedLink = (page: string) => /<link rel="alternate" type="application\/json\+oembed" href="([^"]+)"/.exec(page)?.[1]?.replace(/&amp;/g, '&');

/** Width and height from a PNG's IHDR chunk (after the 8-byte signature and the chunk's length and type). */
function pngSize(bytes: Uint8Array): { width: number; height: number } {
  expect([...bytes.slice(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(new TextDecoder().decode(bytes.slice(12, 16))).toBe('IHDR');
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}
const pageOf = async (path: string, lang = 'en', client = new WebClient(salon.url, { lang })) => {
  const res = await client.get(path);
  expect(res.status).toBe(200);
  return res.text();
};

beforeAll(async () => {
  salon = await startTestSalon();
  admin = await signUp(salon.url, 'sh_admin'); // the first account is the admin
  host = await signUp(salon.url, 'sh_host');
  fan = await signUp(salon.url, 'sh_fan');
  blocked = await signUp(salon.url, 'sh_blocked');
  await admin.client.post(`/admin/users/${await idOf('sh_host')}/grant-host`);
  await host.client.post('/@sh_blocked/block', {});
  const res = await host.client.post('/studio/rooms', { title: 'Café du matin' });
  roomId = (await res.json()).id;
  const scheduled = await host.client.post('/studio/schedule', { title: 'Planned talk', timeZone: 'Europe/Paris', startsAt: utcToLocalInput(new Date(Date.now() + 3 * 24 * 3600_000), 'Europe/Paris') });
  expect(scheduled.status).toBe(201);
  scheduledId = (await scheduled.json()).id;
}, 60_000);
afterAll(() => salon.dispose());

describe('a live room', () => {
  test('its page carries the Open Graph and X card tags, in the page language, without og:audio', async () => {
    const page = await pageOf(`/r/${roomId}`);
    expect(meta(page, 'og:title')).toBe('🔴 LIVE · Café du matin');
    expect(meta(page, 'og:type')).toBe('website');
    expect(meta(page, 'og:url')).toBe(`${salon.url}/r/${roomId}`);
    expect(meta(page, 'og:image')).toBe(`${salon.url}/r/${roomId}/card.png`);
    expect(meta(page, 'og:description')).toContain('Live now on Salon: sh_host');
    expect(meta(page, 'og:locale')).toBe('en_US');
    expect(meta(page, 'og:site_name')).toBe('Salon');
    expect(meta(page, 'twitter:card')).toBe('summary_large_image');
    expect(meta(page, 'twitter:image')).toBe(`${salon.url}/r/${roomId}/card.png`);
    expect(meta(page, 'og:audio')).toBeUndefined(); // live WebRTC is not a file
    expect(oembedLink(page)).toBe(`${salon.url}/oembed?format=json&url=${encodeURIComponent(`${salon.url}/r/${roomId}`)}`);
    expect(page).toContain('class="share-button"');
    const fr = await pageOf(`/r/${roomId}`, 'fr');
    expect(meta(fr, 'og:title')).toBe('🔴 EN DIRECT · Café du matin');
    expect(meta(fr, 'og:description')).toContain('En direct sur Salon : sh_host');
    expect(meta(fr, 'og:locale')).toBe('fr_FR');
    expect(fr).toContain('Partager');
  });

  test('its card is a 1200x630 PNG with an ETag, kept briefly, 304 when unchanged', async () => {
    const res = await fetch(`${salon.url}/r/${roomId}/card.png`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('cache-control')).toBe('public, max-age=30');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(pngSize(bytes)).toEqual({ width: 1200, height: 630 });
    liveCard = { etag: res.headers.get('etag')!, bytes };
    expect(liveCard.etag).toMatch(/^"[\w-]+"$/);
    const again = await fetch(`${salon.url}/r/${roomId}/card.png`, { headers: { 'if-none-match': liveCard.etag } });
    expect(again.status).toBe(304);
  }, 30_000);

  test('oEmbed answers a rich iframe per the spec; format=xml is 501; other sites and unknown pages 404', async () => {
    const url = `${salon.url}/r/${roomId}`;
    const res = await fetch(`${salon.url}/oembed?format=json&url=${encodeURIComponent(url)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const body = await res.json();
    expect(body).toMatchObject({ version: '1.0', type: 'rich', title: 'Café du matin', provider_name: 'Salon', provider_url: `${salon.url}/`, author_name: 'sh_host', author_url: `${salon.url}/@sh_host`, width: 560, height: 200 });
    expect(body.html).toBe(`<iframe src="${salon.url}/embed/${roomId}" width="560" height="200" style="border:0;max-width:100%" allow="autoplay" loading="lazy" title="Café du matin"></iframe>`);
    expect(body.thumbnail_url).toBe(`${salon.url}/r/${roomId}/card.png`);
    expect([body.thumbnail_width, body.thumbnail_height]).toEqual([1200, 630]);
    const small = await (await fetch(`${salon.url}/oembed?url=${encodeURIComponent(url)}&maxwidth=300&maxheight=120`)).json();
    expect([small.width, small.height, small.thumbnail_url]).toEqual([300, 120, undefined]);
    expect(small.html).toContain('width="300" height="120"');
    expect((await fetch(`${salon.url}/oembed?format=xml&url=${encodeURIComponent(url)}`)).status).toBe(501);
    expect((await fetch(`${salon.url}/oembed?url=${encodeURIComponent('https://elsewhere.example/r/' + roomId)}`)).status).toBe(404);
    expect((await fetch(`${salon.url}/oembed?url=${encodeURIComponent(`${salon.url}/r/nosuchroom`)}`)).status).toBe(404);
    expect((await fetch(`${salon.url}/oembed?url=${encodeURIComponent(`${salon.url}/studio`)}`)).status).toBe(404);
    expect((await fetch(`${salon.url}/oembed?url=not%20a%20url`)).status).toBe(404);
    expect((await fetch(`${salon.url}/oembed`)).status).toBe(400);
    // A scheduled room has nothing to play yet: no embed.
    expect((await fetch(`${salon.url}/oembed?url=${encodeURIComponent(`${salon.url}/r/${scheduledId}`)}`)).status).toBe(404);
  });

  test('the embed page of a live room links out to listen; only /embed/* may be framed', async () => {
    const res = await fetch(`${salon.url}/embed/${roomId}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain('frame-ancestors *');
    expect(res.headers.get('x-frame-options')).toBeNull();
    const page = await res.text();
    expect(page).toContain(`href="${salon.url}/r/${roomId}" target="_blank"`);
    expect(page).toContain('Listen on Salon');
    expect(page).toContain(`data-playlist="/r/${roomId}/live.m3u8"`); // one click plays the live HLS (share.js)
    expect(page).toContain('class="primary embed-play" hidden');
    expect(page).not.toContain('site-header');
    for (const path of [`/r/${roomId}`, `/r/${roomId}/card.png`, '/oembed?url=x', '/', '/embedded', `/c/nosuch`]) {
      const other = await fetch(`${salon.url}${path}`);
      expect(other.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(other.headers.get('x-frame-options')).toBe('DENY');
    }
  });
});

describe('after the room: the replay and a clip', () => {
  beforeAll(async () => {
    await host.client.post(`/r/${roomId}/end`, {});
    fixture = await makeReplay(salon, { roomId, hostId: await idOf('sh_host'), speakers: [{ userId: await idOf('sh_fan'), name: 'sh_fan' }], seconds: 12 });
    await salon.db.updateTable('recordings').set({ title: 'Café du matin' }).where('id', '=', fixture.recordingId).execute();
    const res = await fan.client.post(`/r/${roomId}/clips`, { t: '6000' });
    expect(res.status).toBe(201);
    clipId = (await res.json()).id;
  }, 60_000);

  test('the replay page has og:audio (the m4a) and its own description; the fr page too', async () => {
    const page = await pageOf(`/r/${roomId}`);
    expect(meta(page, 'og:title')).toBe('Café du matin');
    expect(meta(page, 'og:type')).toBe('music.song');
    expect(meta(page, 'og:audio')).toBe(`${salon.url}/r/${roomId}/replay.m4a`);
    expect(meta(page, 'og:audio:type')).toBe('audio/mp4');
    expect(meta(page, 'og:description')).toBe('Replay of a room by sh_host with sh_fan on Salon (0:12).');
    expect(oembedLink(page)).toBeTruthy();
    expect(page).toContain('id="replay-share"'); // the replay's own "share at this time" (Web Share, else copy)
    const fr = await pageOf(`/r/${roomId}`, 'fr');
    expect(meta(fr, 'og:description')).toBe('Rediffusion d’un salon de sh_host avec sh_fan sur Salon (0:12).');
  });

  test('the card changes from live to replay (new bytes, new ETag, kept longer)', async () => {
    const res = await fetch(`${salon.url}/r/${roomId}/card.png`, { headers: { 'if-none-match': liveCard.etag } });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).not.toBe(liveCard.etag);
    expect(res.headers.get('cache-control')).toBe('public, max-age=86400');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(pngSize(bytes)).toEqual({ width: 1200, height: 630 });
    expect(Buffer.from(bytes).equals(Buffer.from(liveCard.bytes))).toBe(false);
  }, 30_000);

  test('the clip page: og:audio of the clip, its card, its oEmbed and embed player', async () => {
    const page = await pageOf(`/c/${clipId}`);
    expect(meta(page, 'og:audio')).toBe(`${salon.url}/c/${clipId}/audio`);
    expect(meta(page, 'og:image')).toBe(`${salon.url}/c/${clipId}/card.png`);
    expect(meta(page, 'twitter:card')).toBe('summary_large_image');
    const card = await fetch(`${salon.url}/c/${clipId}/card.png`);
    expect(pngSize(new Uint8Array(await card.arrayBuffer()))).toEqual({ width: 1200, height: 630 });
    const oembed = await (await fetch(`${salon.url}/oembed?url=${encodeURIComponent(`${salon.url}/c/${clipId}`)}`)).json();
    expect(oembed.html).toContain(`src="${salon.url}/embed/c/${clipId}"`);
    const embed = await (await fetch(`${salon.url}/embed/c/${clipId}`)).text();
    expect(embed).toContain(`src="/c/${clipId}/audio"`);
  }, 30_000);

  test('the replay embed plays the m4a, from ?t= when given; oEmbed passes t on', async () => {
    const embed = await (await fetch(`${salon.url}/embed/${roomId}?t=5s`)).text();
    expect(embed).toContain(`src="/r/${roomId}/replay.m4a#t=5"`);
    const oembed = await (await fetch(`${salon.url}/oembed?url=${encodeURIComponent(`${salon.url}/r/${roomId}?t=5s`)}`)).json();
    expect(oembed.html).toContain(`src="${salon.url}/embed/${roomId}?t=5s"`);
  });
});

describe('scheduled rooms and profiles', () => {
  test('a scheduled room: its time in the description, a card, a share button', async () => {
    const page = await pageOf(`/r/${scheduledId}`);
    expect(meta(page, 'og:title')).toBe('Planned talk');
    expect(meta(page, 'og:description')).toMatch(/: a room by sh_host on Salon\.$/);
    expect(meta(page, 'og:description')).toMatch(/\d/); // the time
    expect(oembedLink(page)).toBeUndefined();
    expect(page).toContain('class="share-button"');
    const fr = await pageOf(`/r/${scheduledId}`, 'fr');
    expect(meta(fr, 'og:description')).toMatch(/ : un salon de sh_host sur Salon\.$/);
    const card = await fetch(`${salon.url}/r/${scheduledId}/card.png`);
    expect(card.headers.get('cache-control')).toBe('public, max-age=300');
    expect(pngSize(new Uint8Array(await card.arrayBuffer()))).toEqual({ width: 1200, height: 630 });
  }, 30_000);

  test('a profile: og:type profile and its card', async () => {
    const page = await pageOf('/@sh_host');
    expect(meta(page, 'og:type')).toBe('profile');
    expect(meta(page, 'og:title')).toBe('sh_host (@sh_host)');
    expect(meta(page, 'og:image')).toBe(`${salon.url}/@sh_host/card.png`);
    expect(meta(await pageOf('/@sh_host', 'fr'), 'og:description')).toBe('sh_host (@sh_host) sur Salon.');
    const card = await fetch(`${salon.url}/@sh_host/card.png`);
    expect(pngSize(new Uint8Array(await card.arrayBuffer()))).toEqual({ width: 1200, height: 630 });
    expect((await fetch(`${salon.url}/@nobody_here/card.png`)).status).toBe(404);
  }, 30_000);
});

describe('who may see the sharing routes (the visibility of their pages)', () => {
  type Who = 'anonymous' | 'fan' | 'host' | 'blocked' | 'admin';
  const everyone: Who[] = ['anonymous', 'fan', 'host', 'blocked', 'admin'];
  const clientOf = (who: Who) => (who === 'anonymous' ? new WebClient(salon.url) : { fan, host, blocked, admin }[who].client);
  const statuses = async (path: string) => {
    const out: [Who, number][] = [];
    for (const who of everyone) out.push([who, (await clientOf(who).fetch(path, { accept: 'html' })).status]);
    return out;
  };
  for (const visibility of ['public', 'unlisted', 'private'] as const) {
    test(`${visibility} replay: card, embed, oEmbed of the replay and of its clip`, async () => {
      await salon.db.updateTable('recordings').set({ visibility }).where('id', '=', fixture.recordingId).execute();
      // fan spoke in it (a track): a speaker may hear a private replay.
      const mayHear = (who: Who) => who !== 'blocked' && (visibility !== 'private' || who !== 'anonymous');
      const expectAll = async (path: string, ok: (who: Who) => number) => expect(await statuses(path)).toEqual(everyone.map((who) => [who, ok(who)]));
      // The card of an ended room without a replay they may hear still shows the (ended) room: its page is visible too.
      await expectAll(`/r/${roomId}/card.png`, (who) => (who === 'blocked' ? 404 : 200));
      await expectAll(`/embed/${roomId}`, (who) => (mayHear(who) ? 200 : 404));
      await expectAll(`/oembed?url=${encodeURIComponent(`${salon.url}/r/${roomId}`)}`, (who) => (mayHear(who) ? 200 : 404));
      await expectAll(`/c/${clipId}/card.png`, (who) => (mayHear(who) ? 200 : 404));
      await expectAll(`/embed/c/${clipId}`, (who) => (mayHear(who) ? 200 : 404));
      await expectAll(`/oembed?url=${encodeURIComponent(`${salon.url}/c/${clipId}`)}`, (who) => (mayHear(who) ? 200 : 404));
      await expectAll(`/r/${scheduledId}/card.png`, (who) => (who === 'blocked' ? 404 : 200));
    }, 60_000);
  }
});

describe('the instance switch', () => {
  test('embeddingAllowed=no: embed pages and oEmbed refused, no discovery link; on again restores them', async () => {
    await salon.db.updateTable('recordings').set({ visibility: 'public' }).where('id', '=', fixture.recordingId).execute();
    const res = await admin.client.post('/admin/settings', { ...salon.deps.settings.get(), embeddingAllowed: 'no' } as unknown as Record<string, string>);
    expect(res.status).toBeLessThan(400);
    expect(salon.deps.settings.get().embeddingAllowed).toBe('no');
    const embed = await fetch(`${salon.url}/embed/${roomId}`);
    expect(embed.status).toBe(404);
    expect(await embed.text()).toContain('Embedding is turned off on this instance.');
    expect((await fetch(`${salon.url}/embed/c/${clipId}`)).status).toBe(404);
    expect((await fetch(`${salon.url}/oembed?url=${encodeURIComponent(`${salon.url}/r/${roomId}`)}`)).status).toBe(404);
    const page = await pageOf(`/r/${roomId}`);
    expect(oembedLink(page)).toBeUndefined();
    expect(meta(page, 'og:title')).toBe('Café du matin'); // link previews stay
    await salon.deps.settings.update({ embeddingAllowed: 'yes' });
    expect((await fetch(`${salon.url}/embed/${roomId}`)).status).toBe(200);
  });
});

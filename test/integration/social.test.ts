// Profiles, follows, blocks, hosting eligibility and avatars through real HTTP.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startTestSalon, type TestSalon } from '../support/salon';
import { signUp, WebClient, type Account } from '../support/web-client';

let salon: TestSalon;
let admin: Account, ann: Account, ben: Account, cat: Account;
beforeAll(async () => {
  salon = await startTestSalon();
  admin = await signUp(salon.url, 'root_admin');
  [ann, ben, cat] = await Promise.all([signUp(salon.url, 'ann'), signUp(salon.url, 'ben'), signUp(salon.url, 'cat')]);
});
afterAll(() => salon.dispose());

const counts = async (handle: string) => {
  const p = await new WebClient(salon.url).json(`/@${handle}`);
  return { followers: p.followers, following: p.following };
};

describe('follow and unfollow', () => {
  test('counts move both ways and lists show the people', async () => {
    expect((await ben.client.post('/@ann/follow')).status).toBe(200);
    expect((await cat.client.post('/@ann/follow')).status).toBe(200);
    expect((await cat.client.post('/@ann/follow')).status).toBe(200); // idempotent
    expect(await counts('ann')).toEqual({ followers: 2, following: 0 });
    expect(await counts('cat')).toEqual({ followers: 0, following: 1 });
    const { followers } = await new WebClient(salon.url).json('/@ann/followers');
    expect(followers.map((f: { handle: string }) => f.handle).sort()).toEqual(['ben', 'cat']);
    const { following } = await new WebClient(salon.url).json('/@cat/following');
    expect(following.map((f: { handle: string }) => f.handle)).toEqual(['ann']);

    expect((await cat.client.post('/@ann/unfollow')).status).toBe(200);
    expect(await counts('ann')).toEqual({ followers: 1, following: 0 });
  });

  test('htmx gets the swapped button; a plain form goes back to the page it came from', async () => {
    // What htmx sends for the button's own form: it targets #follow-ann (and is boosted, like every form).
    const hx = await cat.client.post('/@ann/follow', {}, { accept: 'html', headers: { 'hx-request': 'true', 'hx-boosted': 'true', 'hx-target': 'follow-ann' } });
    expect(hx.status).toBe(200);
    const fragment = await hx.text();
    expect(fragment).toContain('id="follow-ann"');
    expect(fragment).toContain('/@ann/unfollow');
    expect(fragment).not.toContain('<html');
    const plain = await cat.client.post('/@ann/unfollow', {}, { accept: 'html', headers: { referer: `${salon.url}/@ann/followers` } });
    expect(plain.status).toBe(303);
    expect(plain.headers.get('location')).toBe('/@ann/followers');
  });

  test('the profile page shows counts and the right button, in both languages', async () => {
    const en = await (await ben.client.get('/@ann')).text();
    expect(en).toContain('<strong>1</strong> followers');
    expect(en).toContain('Unfollow');
    ben.client.lang = 'fr';
    const fr = await (await ben.client.get('/@ann')).text();
    ben.client.lang = 'en';
    expect(fr).toContain('<strong>1</strong> abonnés');
    expect(fr).toContain('Ne plus suivre');
  });

  test('follow needs an account, a real person, and not yourself', async () => {
    expect((await new WebClient(salon.url).post('/@ann/follow')).status).toBe(401);
    expect((await ann.client.post('/@nobody_here/follow')).status).toBe(404);
    const self = await ann.client.post('/@ann/follow');
    expect(self.status).toBe(422);
    expect((await self.json()).error).toBe('You cannot follow yourself');
    expect((await new WebClient(salon.url).get('/@nobody_here', 'html')).status).toBe(404);
  });
});

describe('blocks', () => {
  test('blocking removes follows both ways and stops following and joining', async () => {
    await ann.client.post('/@cat/follow');
    await cat.client.post('/@ann/follow');
    expect((await counts('ann')).followers).toBe(2);

    expect((await ann.client.post('/@cat/block')).status).toBe(200);
    expect(await counts('cat')).toEqual({ followers: 0, following: 0 });
    expect((await counts('ann')).followers).toBe(1);

    const refused = await cat.client.post('/@ann/follow');
    expect(refused.status).toBe(403);
    expect((await ann.client.post('/@cat/follow')).status).toBe(403); // the blocker cannot follow either, until unblocking

    const [annId, catId, benId] = await Promise.all(
      ['ann', 'cat', 'ben'].map(async (h) => (await salon.db.selectFrom('users').select('id').where('handle', '=', h).executeTakeFirstOrThrow()).id),
    );
    // The rooms feature asks this before letting someone into a host's room.
    const social = (await import('../../src/social/social.service')).SocialService;
    const service = new social(salon.db);
    expect(await service.canJoinRoomsOf(annId!, catId!)).toBe(false);
    expect(await service.canJoinRoomsOf(annId!, benId!)).toBe(true);
    expect(await service.canJoinRoomsOf(catId!, annId!)).toBe(true); // only the blocker's rooms are closed
    expect(await service.canJoinRoomsOf(annId!, null)).toBe(true); // anonymous listeners are not people one can block
  });

  test('blocks are private: the blocked person sees no trace of it', async () => {
    const page = await (await cat.client.get('/@ann')).text();
    expect(page).not.toMatch(/blocked|Unblock/i);
    const own = await (await ann.client.get('/@cat')).text();
    expect(own).toContain('Unblock');
  });

  test('unblocking allows following again', async () => {
    expect((await ann.client.post('/@cat/unblock')).status).toBe(200);
    expect((await cat.client.post('/@ann/follow')).status).toBe(200);
  });
});

describe('who may host', () => {
  test('below the threshold the settings page says why and how many followers are missing', async () => {
    await admin.client.post('/admin/settings', { hostMinFollowers: '3' });
    const page = await (await ben.client.get('/settings')).text();
    expect(page).toContain('You can host rooms once 3 people follow you. You have 0: 3 to go.');
    ben.client.lang = 'fr';
    const fr = await (await ben.client.get('/settings')).text();
    ben.client.lang = 'en';
    expect(fr).toContain('Vous en avez 0 : encore 3');
  });

  test('reaching the threshold allows hosting; so does an admin grant; admins always may', async () => {
    const hosting = async (handle: string) => {
      const user = await salon.db.selectFrom('users').selectAll().where('handle', '=', handle).executeTakeFirstOrThrow();
      const { HostingService } = await import('../../src/accounts/hosting.service');
      const { SettingsService } = await import('../../src/settings/settings.service');
      const { SocialService } = await import('../../src/social/social.service');
      const settings = new SettingsService(salon.db);
      await settings.load();
      return new HostingService(settings, new SocialService(salon.db)).eligibility(user);
    };
    // ann has ben and cat: 2 of 3.
    expect(await hosting('ann')).toMatchObject({ allowed: false, reason: 'tooFewFollowers', followers: 2, needed: 3 });
    await admin.client.post('/@ann/follow');
    expect(await hosting('ann')).toMatchObject({ allowed: true, reason: 'followers', followers: 3 });
    expect(await (await ann.client.get('/settings')).text()).toContain('You can host rooms.');

    expect(await hosting('ben')).toMatchObject({ allowed: false });
    const { id } = (await admin.client.json('/admin/users?q=ben')).users[0];
    expect((await admin.client.post(`/admin/users/${id}/grant-host`)).status).toBe(200);
    expect(await hosting('ben')).toMatchObject({ allowed: true, reason: 'granted', followers: 0 });
    expect((await admin.client.post(`/admin/users/${id}/revoke-host`)).status).toBe(200);
    expect(await hosting('ben')).toMatchObject({ allowed: false });

    expect(await hosting('root_admin')).toMatchObject({ allowed: true, reason: 'admin' });
  });
});

describe('profile editing and avatars', () => {
  // A real 1×1 PNG: uploads are decoded and re-encoded (see avatars.test.ts).
  const png = Uint8Array.from(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64'));
  const form = (fields: Record<string, string>, file?: { bytes: Uint8Array<ArrayBuffer> | string; name: string; type: string }) => {
    const data = new FormData();
    for (const [k, v] of Object.entries(fields)) data.set(k, v);
    if (file) data.set('avatar', new File([file.bytes], file.name, { type: file.type }));
    return data;
  };

  test('name, bio and language are saved and shown (escaped)', async () => {
    const res = await cat.client.post('/settings/profile', form({ displayName: 'Cat <3', bio: 'Talks about <b>jazz</b>', language: 'fr' }));
    expect(res.status).toBe(200);
    const page = await (await new WebClient(salon.url).get('/@cat')).text();
    expect(page).toContain('Cat &lt;3');
    expect(page).toContain('Talks about &lt;b&gt;jazz&lt;/b&gt;');
    // Her own pages now speak French whatever the browser says.
    expect(await (await cat.client.get('/settings')).text()).toContain('<html lang="fr">');
  });

  test('a PNG avatar is stored under the data dir and served as an image', async () => {
    const res = await cat.client.post('/settings/profile', form({ displayName: 'Cat', bio: '' }, { bytes: png, name: 'me.png', type: 'image/png' }));
    expect(res.status).toBe(200);
    const files = readdirSync(join(salon.dataDir, 'avatars'));
    expect(files.length).toBe(1);
    const page = await (await new WebClient(salon.url).get('/@cat')).text();
    const src = page.match(/src="(\/avatars\/[^"]+)"/)![1]!;
    const img = await new WebClient(salon.url).get(src);
    expect(img.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await img.arrayBuffer()).subarray(0, 8)).toEqual(png.subarray(0, 8));
  });

  test('a fake image is refused by its content, whatever its name, and the old avatar stays', async () => {
    const before = readdirSync(join(salon.dataDir, 'avatars'));
    const res = await cat.client.post('/settings/profile', form({ displayName: 'Cat' }, { bytes: '<?php evil(); ?>', name: 'x.png', type: 'image/png' }));
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({ field: 'avatar', error: 'This file is not a PNG, JPEG or WebP image.' });
    expect(readdirSync(join(salon.dataDir, 'avatars'))).toEqual(before);
    cat.client.lang = 'fr'; // the re-rendered form speaks the person's language
    const html = await cat.client.post('/settings/profile', form({ displayName: 'Cat' }, { bytes: 'GIF89a', name: 'x.gif', type: 'image/gif' }), { accept: 'html' });
    cat.client.lang = 'en';
    expect(await html.text()).toContain("Ce fichier n&#39;est pas une image PNG, JPEG ou WebP.");
  });

  test('an oversized image is refused', async () => {
    const big = new Uint8Array(2 * 1024 * 1024 + 10);
    big.set([0xff, 0xd8, 0xff]);
    const res = await cat.client.post('/settings/profile', form({ displayName: 'Cat' }, { bytes: big, name: 'big.jpg', type: 'image/jpeg' }));
    expect(res.status).toBe(413);
    expect((await res.json()).field).toBe('avatar');
  });

  test('bad profile fields name the field; nothing is changed', async () => {
    const res = await cat.client.post('/settings/profile', form({ displayName: '', bio: 'x'.repeat(301) }));
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.errors.map((e: { field: string }) => e.field)).toEqual(['displayName', 'bio']);
    expect((await new WebClient(salon.url).json('/@cat')).displayName).toBe('Cat');
  });

  test('removing the avatar deletes the file', async () => {
    expect((await cat.client.post('/settings/profile', form({ displayName: 'Cat', removeAvatar: '1' }))).status).toBe(200);
    expect(readdirSync(join(salon.dataDir, 'avatars'))).toEqual([]);
    expect(existsSync(join(salon.dataDir, 'avatars'))).toBe(true);
  });

  test('avatar paths cannot escape the avatars folder', async () => {
    expect((await new WebClient(salon.url).get('/avatars/..%2F..%2Fsalon.sqlite')).status).toBe(404);
  });
});

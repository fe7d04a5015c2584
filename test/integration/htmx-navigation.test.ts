// How htmx requests are answered: a form that succeeds navigates with HX-Location (an ajax
// navigation that keeps the preserved #player), a session change reloads the page (HX-Redirect),
// and fragments go only to requests that target the fragment's element.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startTestSalon, type TestSalon } from '../support/salon';
import { signUp, type Account } from '../support/web-client';

let salon: TestSalon;
let ann: Account, ben: Account;
const boosted = { 'hx-request': 'true', 'hx-boosted': 'true' };

beforeAll(async () => {
  salon = await startTestSalon();
  [ann, ben] = [await signUp(salon.url, 'nav_ann'), await signUp(salon.url, 'nav_ben')];
});
afterAll(() => salon.dispose());

describe('htmx navigation after a form', () => {
  test('a boosted form that succeeds answers HX-Location, not a full page load', async () => {
    const res = await ann.client.post('/settings/profile', { displayName: 'Ann' }, { accept: 'html', headers: boosted });
    expect(res.status).toBe(204);
    expect(res.headers.get('hx-location')).toBe('/@nav_ann');
    expect(res.headers.get('hx-redirect')).toBeNull();
  });

  test('the same form without htmx still gets a 303', async () => {
    const res = await ann.client.post('/settings/profile', { displayName: 'Ann' }, { accept: 'html' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/@nav_ann');
  });

  test('a follow button targeting itself gets its fragment; a boosted follow elsewhere navigates', async () => {
    const own = await ann.client.post('/@nav_ben/follow', {}, { accept: 'html', headers: { ...boosted, 'hx-target': 'follow-nav_ben' } });
    expect(own.status).toBe(200);
    expect(await own.text()).toContain('id="follow-nav_ben"');
    const page = await ann.client.post('/@nav_ben/unfollow', {}, { accept: 'html', headers: { ...boosted, referer: `${salon.url}/@nav_ben/followers` } });
    expect(page.status).toBe(204);
    expect(page.headers.get('hx-location')).toBe('/@nav_ben/followers');
  });

  test('signing out reloads the page (a new identity), with HX-Redirect', async () => {
    const res = await ben.client.post('/logout', {}, { accept: 'html', headers: boosted });
    expect(res.status).toBe(204);
    expect(res.headers.get('hx-redirect')).toBe('/');
    expect(res.headers.get('hx-location')).toBeNull();
  });
});

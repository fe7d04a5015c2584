// The TURN REST API credentials (coturn use-auth-secret), recomputed independently with node:crypto.
import { describe, expect, test } from 'bun:test';
import { createHmac } from 'node:crypto';
import { iceServersFor } from '../../src/media/turn-credentials';

const config = { turnUrls: 'turn:turn.example.org:3478?transport=udp,turns:turn.example.org:5349', turnSecret: 's3cret', turnCredentialTtlSeconds: 3600 };
const now = Date.UTC(2030, 0, 1, 12, 0, 0, 750); // ms, not on a second

describe('iceServersFor', () => {
  test('one entry with every URL, a username "<expiry>:<id>" and base64(HMAC-SHA1(secret, username))', () => {
    const servers = iceServersFor(config, 'person-42', now);
    expect(servers).toHaveLength(1);
    const [server] = servers;
    expect(server!.urls).toEqual(['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349']);
    const [expiry, id, ...rest] = server!.username!.split(':');
    expect(rest).toEqual([]); // exactly one ':'
    expect(Number(expiry)).toBe(Math.floor(now / 1000) + 3600);
    expect(id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(server!.credential).toBe(createHmac('sha1', 's3cret').update(server!.username!).digest('base64'));
  });

  test('the id is opaque: stable per participant, different between participants, no trace of the participant id', () => {
    const idOf = (participant: string, secret = 's3cret') =>
      iceServersFor({ ...config, turnSecret: secret }, participant, now)[0]!.username!.split(':')[1]!;
    expect(idOf('42')).toBe(idOf('42'));
    expect(idOf('42')).not.toBe(idOf('43'));
    expect(idOf('42')).not.toBe(idOf('42', 'another secret')); // keyed: nobody without the secret can test guesses
    expect(idOf('person:with:colons')).not.toContain(':');
    for (const participant of ['42', 'alice', 'person-7f3a']) expect(idOf(participant)).not.toContain(participant);
  });

  test('the expiry moves with the clock and the TTL', () => {
    const later = iceServersFor({ ...config, turnCredentialTtlSeconds: 86400 }, 'p', now + 10_000)[0]!;
    expect(Number(later.username!.split(':')[0])).toBe(Math.floor(now / 1000) + 10 + 86400);
    const fresh = iceServersFor(config, 'p')[0]!;
    expect(Number(fresh.username!.split(':')[0])).toBeCloseTo(Date.now() / 1000 + 3600, -1);
  });

  test('no URLs: no ICE servers', () => {
    expect(iceServersFor({ ...config, turnUrls: '' }, 'p', now)).toEqual([]);
  });

  test('no secret: only the STUN URLs, without credentials (a browser rejects a turn: URL without them)', () => {
    const noSecret = { ...config, turnSecret: '' };
    expect(iceServersFor(noSecret, 'p', now)).toEqual([]);
    expect(iceServersFor({ ...noSecret, turnUrls: 'stun:stun.example.org:3478, turn:turn.example.org' }, 'p', now)).toEqual([
      { urls: ['stun:stun.example.org:3478'] },
    ]);
  });
});

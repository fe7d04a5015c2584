// Who may hear a live room over HLS (server-enforced, like joining it): anonymous, listener,
// speaker, co-host, host, removed, blocked, admin — for the playlist and a segment; anonymous
// listeners refused when the instance requires an account to listen.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { everyone, setUpRoleMatrix, type RoleMatrix, type Who } from '../support/role-matrix';
import { startTestSalon, waitFor, type TestSalon } from '../support/salon';

let salon: TestSalon;
let matrix: RoleMatrix;
let roomId: string;
let segmentUri: string;

beforeAll(async () => {
  salon = await startTestSalon();
  matrix = await setUpRoleMatrix(salon, 'hx');
  roomId = matrix.roomId;
  const playlist = await (await matrix.people.host.client.get(`/r/${roomId}/live.m3u8`)).text();
  segmentUri = playlist.split('\n').find((line) => line.endsWith('.aac'))!;
  expect(segmentUri).toMatch(/^live\/\d+\.aac$/);
}, 60_000);
afterAll(async () => {
  await salon.deps.hls.close();
  await salon.dispose();
});

const clientOf = (who: Who) => matrix.clientOf(who);
const expected: Record<Who, number> = { anonymous: 200, listener: 200, speaker: 200, cohost: 200, host: 200, removed: 403, blocked: 404, admin: 200 };

describe('authorization matrix for live HLS', () => {
  test('GET /r/:id/live.m3u8 and a segment: everyone who may join the room; removed 403; blocked 404 (blocks are private)', async () => {
    for (const who of everyone) {
      const playlist = await clientOf(who).get(`/r/${roomId}/live.m3u8`, 'json');
      const segment = await clientOf(who).get(`/r/${roomId}/${segmentUri}`, 'json');
      expect([who, playlist.status, segment.status]).toEqual([who, expected[who], expected[who]]);
    }
  });

  test('an instance that requires an account to listen refuses anonymous HLS listeners (401), not signed-in ones', async () => {
    await salon.deps.settings.update({ requireAccountToListen: 'yes' });
    try {
      for (const who of everyone) {
        const res = await clientOf(who).get(`/r/${roomId}/live.m3u8`, 'json');
        expect([who, res.status]).toEqual([who, who === 'anonymous' ? 401 : expected[who]]);
      }
    } finally {
      await salon.deps.settings.update({ requireAccountToListen: 'no' });
    }
  });

  test('an ended room: the final playlist for a while, with the same refusals', async () => {
    matrix.hostWs.send({ type: 'end' });
    await waitFor(() => !salon.deps.live.get(roomId), 10_000, 'the room to end');
    for (const who of everyone) {
      const res = await clientOf(who).get(`/r/${roomId}/live.m3u8`, 'json');
      expect([who, res.status]).toEqual([who, expected[who]]);
      if (res.status === 200) expect(await res.text()).toContain('#EXT-X-ENDLIST');
    }
  });
});

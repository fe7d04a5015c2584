// The people of an authorization matrix: one live room, and someone in each role towards it
// (listener, speaker, co-host, host, removed, blocked by the host), plus an admin and anonymous.
// Matrix tests ask every route with every one of them and check who gets in.
import { expect } from 'bun:test';
import { RoomClient } from './room-client';
import { waitFor, type TestSalon } from './salon';
import { signUp, WebClient, type Account } from './web-client';

export type Who = 'anonymous' | 'listener' | 'speaker' | 'cohost' | 'host' | 'removed' | 'blocked' | 'admin';
export const everyone: Who[] = ['anonymous', 'listener', 'speaker', 'cohost', 'host', 'removed', 'blocked', 'admin'];

export interface RoleMatrix {
  people: Record<Exclude<Who, 'anonymous'>, Account>;
  /** Their participant id in the room ("u:<user id>"). */
  personId: Record<Exclude<Who, 'anonymous'>, string>;
  roomId: string;
  hostWs: RoomClient;
  clientOf(who: Who): WebClient;
  idOf(handle: string): Promise<number>;
}

/** Signs everyone up (`<prefix>_<role>`; the admin first, as the instance's first account) and seats them. */
export async function setUpRoleMatrix(salon: TestSalon, prefix: string): Promise<RoleMatrix> {
  const idOf = async (handle: string) => (await salon.db.selectFrom('users').select('id').where('handle', '=', handle).executeTakeFirstOrThrow()).id;
  const people = {} as RoleMatrix['people'];
  const personId = {} as RoleMatrix['personId'];
  people.admin = await signUp(salon.url, `${prefix}_admin`);
  personId.admin = `u:${await idOf(`${prefix}_admin`)}`;
  for (const who of ['host', 'listener', 'speaker', 'cohost', 'removed', 'blocked'] as const) {
    people[who] = await signUp(salon.url, `${prefix}_${who}`);
    personId[who] = `u:${await idOf(`${prefix}_${who}`)}`;
  }
  await people.admin.client.post(`/admin/users/${await idOf(`${prefix}_host`)}/grant-host`);
  const started = await people.host.client.post('/studio/rooms', { title: 'Matrix' });
  expect(started.status).toBe(201);
  const roomId = (await started.json()).id as string;
  const hostWs = await RoomClient.join(people.host.client, salon.url, roomId);
  for (const who of ['listener', 'speaker', 'cohost', 'removed', 'blocked'] as const) {
    await people[who].client.get(`/r/${roomId}`);
    const ws = await RoomClient.join(people[who].client, salon.url, roomId);
    if (who === 'speaker' || who === 'cohost') {
      await hostWs.request({ type: who === 'cohost' ? 'inviteCohost' : 'inviteToSpeak', target: personId[who] }, (m) => m.type === 'invited' && m.id === personId[who]);
      await ws.request({ type: 'acceptInvite' }, (m) => m.type === 'roleChanged' && m.id === personId[who]);
    }
  }
  hostWs.send({ type: 'remove', target: personId.removed });
  await people.host.client.post(`/@${prefix}_blocked/block`, {});
  const room = () => salon.deps.live.get(roomId)!;
  await waitFor(() => !room().state.get(personId.blocked) && !room().state.get(personId.removed));
  return { people, personId, roomId, hostWs, idOf, clientOf: (who) => (who === 'anonymous' ? new WebClient(salon.url) : people[who].client) };
}

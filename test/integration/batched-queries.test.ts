// Lists (follower pages, admin users, home cards) read their per-row data in one query, whatever
// the number of rows; the answers match the one-person queries. Real SQLite file.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { rmSync } from 'node:fs';
import type { KyselyPlugin } from 'kysely';
import { findUserById, findUsersByIds, insertUser } from '../../src/accounts/users.repository';
import { openDatabase, type Db } from '../../src/db/connection';
import type { User } from '../../src/db/schema';
import { migrateToLatest } from '../../src/db/migrator';
import { SocialService } from '../../src/social/social.service';
import { tempDir } from '../support/salon';

const dir = tempDir();
let db: Db;
let queries = 0;
let counted: Db; // the same database, counting every query sent through it
const people: User[] = [];

beforeAll(async () => {
  db = openDatabase(dir);
  await migrateToLatest(db);
  const counter: KyselyPlugin = {
    transformQuery: (args) => (queries++, args.node),
    transformResult: async (args) => args.result,
  };
  counted = db.withPlugin(counter);
  for (let i = 0; i < 8; i++) {
    people.push(await insertUser(db, { handle: `p${i}`, email: `p${i}@example.org`, password_hash: 'x', display_name: `P ${i}` }));
  }
  const social = new SocialService(db);
  const [viewer, ...others] = people as [User, ...User[]];
  await social.follow(viewer, others[0]!);
  await social.follow(others[0]!, viewer);
  await social.follow(viewer, others[1]!);
  await social.follow(others[2]!, viewer);
  await social.block(viewer, others[3]!);
  for (const other of others.slice(4)) await social.follow(other, others[0]!);
});
afterAll(async () => {
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

const countQueries = async <T>(run: () => Promise<T>): Promise<{ result: T; queries: number }> => {
  const before = queries;
  const result = await run();
  return { result, queries: queries - before };
};

test('relationships of a whole list: one query, the same answers as one by one', async () => {
  const social = new SocialService(counted);
  const viewer = people[0]!;
  const ids = people.map((p) => p.id);
  const { result, queries: used } = await countQueries(() => social.relationships(viewer, ids));
  expect(used).toBe(1);
  expect([...result.keys()]).toEqual(ids);
  for (const person of people) expect(result.get(person.id)).toEqual(await social.relationship(viewer, person));
  expect(result.get(people[1]!.id)).toEqual({ following: true, followedBy: true, blocking: false });
  expect(result.get(people[4]!.id)).toEqual({ following: false, followedBy: false, blocking: true });
  expect(result.get(viewer.id)).toEqual({ following: false, followedBy: false, blocking: false }); // yourself

  const anonymous = await countQueries(() => social.relationships(null, ids));
  expect(anonymous.queries).toBe(0);
  expect(anonymous.result.get(people[1]!.id)).toEqual({ following: false, followedBy: false, blocking: false });
});

test('follow counts of a whole list: one query, the same answers as one by one', async () => {
  const social = new SocialService(counted);
  const ids = people.map((p) => p.id);
  const { result, queries: used } = await countQueries(() => social.countsOf(ids));
  expect(used).toBe(1);
  for (const person of people) expect(result.get(person.id)).toEqual(await social.counts(person.id));
  expect(result.get(people[1]!.id)).toEqual({ followers: 4, following: 1 }); // the viewer and p5..p7;
  expect((await countQueries(() => social.countsOf([]))).queries).toBe(0);
});

test('users by id: one query, repeated and unknown ids are fine', async () => {
  const ids = [people[2]!.id, people[5]!.id, people[2]!.id, 999_999];
  const { result, queries: used } = await countQueries(() => findUsersByIds(counted, ids));
  expect(used).toBe(1);
  expect([...result.keys()].sort()).toEqual([people[2]!.id, people[5]!.id].sort());
  expect(result.get(people[5]!.id)).toEqual((await findUserById(db, people[5]!.id))!);
  expect(result.has(999_999)).toBe(false);
});

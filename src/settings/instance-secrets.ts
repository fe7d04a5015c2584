// Secrets this instance makes for itself at first start and keeps in the database (never shown in
// the admin settings): losing them only means anonymous listeners get a fresh identity.
import type { Db } from '../db/connection';
import { randomToken } from '../shared/random';

export type SecretName = 'anonymousListener';

/** The named secret, created on first use. Concurrent first uses agree on one value. */
export async function instanceSecret(db: Db, name: SecretName): Promise<string> {
  await db.insertInto('instance_secrets').values({ name, value: randomToken(32) }).onConflict((oc) => oc.doNothing()).execute();
  const row = await db.selectFrom('instance_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow();
  return row.value;
}

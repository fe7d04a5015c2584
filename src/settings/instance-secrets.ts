// Secrets this instance makes for itself at first start and keeps in the database (never shown in
// the admin settings): losing them only means anonymous listeners get a fresh identity.
import type { Db } from '../db/connection';
import { randomToken } from '../shared/random';

/** `vapid`: the web push key pair (JSON), made at first start: a new pair would orphan every push subscription. */
export type SecretName = 'anonymousListener' | 'vapid';

/** The named secret, created on first use. Concurrent first uses agree on one value. */
export async function instanceSecret(db: Db, name: SecretName, make: () => string = () => randomToken(32)): Promise<string> {
  await db.insertInto('instance_secrets').values({ name, value: make() }).onConflict((oc) => oc.doNothing()).execute();
  const row = await db.selectFrom('instance_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow();
  return row.value;
}

// argon2id through Bun.password. Unknown accounts still cost one verification, so response time
// does not reveal which handles exist.
export const hashPassword = (password: string) => Bun.password.hash(password, { algorithm: 'argon2id' });

// Made on first need, not at import: every `salon` command imports this module.
let dummyHash: Promise<string> | undefined;

export async function verifyPassword(password: string, hash: string | undefined): Promise<boolean> {
  if (!hash) {
    await Bun.password.verify(password, await (dummyHash ??= hashPassword('not-a-real-password')));
    return false;
  }
  return Bun.password.verify(password, hash);
}

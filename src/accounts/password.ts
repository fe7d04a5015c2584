// argon2id through Bun.password. Unknown accounts still cost one verification, so response time
// does not reveal which handles exist.
const dummyHash = Bun.password.hash('not-a-real-password', { algorithm: 'argon2id' });

export const hashPassword = (password: string) => Bun.password.hash(password, { algorithm: 'argon2id' });

export async function verifyPassword(password: string, hash: string | undefined): Promise<boolean> {
  if (!hash) {
    await Bun.password.verify(password, await dummyHash);
    return false;
  }
  return Bun.password.verify(password, hash);
}

// What happens to accounts that live rooms must follow at once: a session ends (log out, revoke),
// an account is suspended, someone blocks someone. Services announce; the live rooms act.
export type AccountEvent =
  | { type: 'sessionsEnded'; sessionIds: string[] }
  | { type: 'accountSuspended'; userId: number }
  | { type: 'userBlocked'; blockerId: number; blockedId: number };

export class AccountEvents {
  private readonly listeners = new Set<(event: AccountEvent) => void>();

  subscribe(listener: (event: AccountEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Listeners run synchronously: when the announcing call returns, live rooms have acted. */
  announce(event: AccountEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

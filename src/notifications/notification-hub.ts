// Who is watching their bell right now (open /notifications/stream connections), by person: told
// when a notification reaches their inbox or they read some, so the unread count updates live.
export type InboxChange = { type: 'created'; notificationId: number } | { type: 'read' };
type Listener = (change: InboxChange) => void;

export class NotificationHub {
  private readonly listeners = new Map<number, Set<Listener>>();

  /** Returns the unsubscribe function. */
  watch(userId: number, listener: Listener): () => void {
    let set = this.listeners.get(userId);
    if (!set) this.listeners.set(userId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (!set.size) this.listeners.delete(userId);
    };
  }

  announce(userId: number, change: InboxChange): void {
    const set = this.listeners.get(userId);
    if (!set) return;
    for (const listener of set) {
      try {
        listener(change);
      } catch {
        // a closed stream; its own cleanup removes it
      }
    }
  }

  /** Of these people, the ones watching (a fan-out only looks up those). */
  watching(userIds: Iterable<number>): number[] {
    const found: number[] = [];
    for (const id of userIds) if (this.listeners.has(id)) found.push(id);
    return found;
  }

  get size(): number {
    return this.listeners.size;
  }
}

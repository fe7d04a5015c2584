// Reading and updating accounts for the routes (which never reach the database themselves).
import type { Db } from '../db/connection';
import type { User } from '../db/schema';
import { countUsers, findUserByHandle, findUserById, findUsersByIds, searchUsers, updateUser } from './users.repository';

export interface ProfileChanges {
  displayName: string;
  bio: string;
  language: string | null;
  avatarFile: string | null;
}

export class UsersService {
  constructor(private readonly db: Db) {}

  count = () => countUsers(this.db);
  byId = (id: number) => findUserById(this.db, id);
  byHandle = (handle: string) => findUserByHandle(this.db, handle);
  /** Several accounts in one query (lists of rooms or people). */
  byIds = (ids: readonly number[]) => findUsersByIds(this.db, ids);
  search = (query: string, limit: number, offset: number) => searchUsers(this.db, query, limit, offset);

  async updateProfile(user: User, changes: ProfileChanges): Promise<void> {
    await updateUser(this.db, user.id, { display_name: changes.displayName, bio: changes.bio, language: changes.language, avatar_file: changes.avatarFile });
  }
}

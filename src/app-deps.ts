// The services every feature plugin may use, built once at start-up (see services.ts).
import type { HostingService } from './accounts/hosting.service';
import type { LoginService } from './accounts/login.service';
import type { RegistrationService } from './accounts/registration.service';
import type { SessionsService } from './accounts/sessions.service';
import type { UsersService } from './accounts/users.service';
import type { AdminService } from './admin/admin.service';
import type { SalonConfig } from './config/config.schema';
import type { Db } from './db/connection';
import type { InvitesService } from './invites/invites.service';
import type { Logger } from './log';
import type { MediaWorkerPool } from './media/worker-pool';
import type { AvatarStore } from './profiles/avatar.service';
import type { SettingsService } from './settings/settings.service';
import type { SocialService } from './social/social.service';
import type { RateLimiter } from './shared/rate-limiter';
import type { RequestContexts } from './web/request-context';
import type { LiveRooms } from './rooms/live/live-rooms';
import type { RoomsService } from './rooms/rooms.service';
import type { MediaRooms } from './media/media-rooms';
import type { AnonymousListeners } from './rooms/anonymous-listener';
import type { JobQueue } from './jobs/job-queue';
import type { RoomRecorders } from './recording/room-recorders';

export interface AppDeps {
  config: SalonConfig;
  db: Db;
  pool: MediaWorkerPool;
  log: Logger;
  settings: SettingsService;
  sessions: SessionsService;
  users: UsersService;
  registration: RegistrationService;
  login: LoginService;
  social: SocialService;
  hosting: HostingService;
  invites: InvitesService;
  admin: AdminService;
  avatars: AvatarStore;
  limiter: RateLimiter;
  contexts: RequestContexts;
  live: LiveRooms;
  anonymous: AnonymousListeners;
  rooms: RoomsService;
  media: MediaRooms;
  jobs: JobQueue;
  recorders: RoomRecorders;
}

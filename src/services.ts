// The composition root: builds every service once, in dependency order.
import { AccountEvents } from './accounts/account-events';
import { HostingService } from './accounts/hosting.service';
import { LoginService } from './accounts/login.service';
import { RegistrationService } from './accounts/registration.service';
import { SessionsService } from './accounts/sessions.service';
import { UsersService } from './accounts/users.service';
import { AdminService } from './admin/admin.service';
import type { AppDeps } from './app-deps';
import type { SalonConfig } from './config/config.schema';
import type { Db } from './db/connection';
import { InvitesService } from './invites/invites.service';
import type { Logger } from './log';
import type { MediaWorkerPool } from './media/worker-pool';
import { AvatarStore } from './profiles/avatar.service';
import { SettingsService } from './settings/settings.service';
import { SocialService } from './social/social.service';
import { RateLimiter } from './shared/rate-limiter';
import { RequestContexts } from './web/request-context';
import { LiveRooms } from './rooms/live/live-rooms';
import { RoomsService } from './rooms/rooms.service';
import { MediaRooms } from './media/media-rooms';
import { AnonymousListeners } from './rooms/anonymous-listener';
import { enforceAccountChanges } from './rooms/live/account-enforcement';
import { instanceSecret } from './settings/instance-secrets';
import { JobQueue } from './jobs/job-queue';
import { RoomRecorders, finaliseRecordingKind } from './recording/room-recorders';
import { finaliseRecordingJob } from './recording/mix/finalise-recording.job';
import { createNotifications } from './notifications/create-notifications';
import { ClipsService } from './recording/clips/clips.service';
import { ReplaysService } from './recording/replay/replays.service';
import { SchedulesService } from './schedules/schedules.service';
import { MailSettingsStore } from './mail/mail-settings';
import { Mailer } from './mail/mailer';
import { EmailChannel } from './mail/email-channel';
import { PasswordResetService } from './accounts/password-reset.service';
import { EvidenceBuffers } from './reports/evidence-buffers';
import { ShareCards } from './sharing/card/share-cards';
import { ReportsService } from './reports/reports.service';
import { SalonMetrics } from './metrics/salon-metrics';
import { AccountDeletion } from './accounts/account-deletion.service';
import { AuditLog } from './audit/audit-log';
import { auditLiveRooms } from './audit/room-audit';
import { RoomAnalytics } from './analytics/room-analytics';
import { DashboardService } from './analytics/dashboard';
import { LiveStreams } from './hls/live-streams';

export async function createServices(base: { config: SalonConfig; db: Db; pool: MediaWorkerPool; log: Logger }): Promise<AppDeps> {
  const { config, db } = base;
  const audit = new AuditLog(db, base.log); // first: every admin and host action is recorded
  const settings = new SettingsService(db);
  await settings.load();
  const accountEvents = new AccountEvents();
  const sessions = new SessionsService(db, accountEvents);
  const limiter = new RateLimiter();
  const mailSettings = new MailSettingsStore(db);
  await mailSettings.load();
  const mailer = new Mailer(mailSettings, { publicUrl: config.publicUrl });
  const social = new SocialService(db, accountEvents);
  const { notifications, push } = await createNotifications({ config, db, log: base.log, settings, limiter, social });
  notifications.addChannel(new EmailChannel({ db, mailer, instanceName: () => settings.get().instanceName })); // reminders and the rest by email, for those who turn it on
  const hosting = new HostingService(settings, social);
  const live = new LiveRooms({ db, log: base.log, settings });
  auditLiveRooms(live, accountEvents, audit); // before the enforcement: a host's block is logged while the person is still in the room
  enforceAccountChanges(accountEvents, live);
  const anonymous = new AnonymousListeners(await instanceSecret(db, 'anonymousListener'));
  const media = new MediaRooms(live, base.pool, base.log, config.routerListenerLimit);
  const jobs = new JobQueue(db, base.log);
  // After the media plane: a room's recorder taps its MediaRoom.
  const recorders = new RoomRecorders({ db, log: base.log, live, media, settings, jobs, dataDir: config.dataDir, ffmpeg: config.ffmpegPath });
  // Report evidence: each live room's rolling buffer of its stage audio, through the same tap as recording.
  const evidence = new EvidenceBuffers({ log: base.log, live, media, settings, dataDir: config.dataDir, ffmpeg: config.ffmpegPath, now: () => Date.now() });
  // Live HLS: each live room's stage mix as ~1 s AAC segments, started on the first playlist request.
  const hls = new LiveStreams({ log: base.log, live, media, dataDir: config.dataDir, ffmpeg: config.ffmpegPath, now: () => Date.now() });
  jobs.register(finaliseRecordingKind, finaliseRecordingJob({ db, log: base.log, dataDir: config.dataDir, ffmpeg: config.ffmpegPath, ffprobe: config.ffprobePath, onReady: notifications.replayReady }));
  const services = {
    ...base,
    // After the media plane: a room's analytics observer listens to its MediaRoom's speaking events.
    roomAnalytics: new RoomAnalytics({ db, log: base.log, live, media }),
    dashboard: new DashboardService({ db, live, media, pool: base.pool, dataDir: config.dataDir }),
    audit,
    settings,
    sessions,
    users: new UsersService(db),
    limiter,
    social,
    registration: new RegistrationService(db, settings),
    login: new LoginService(db, limiter),
    hosting,
    live,
    anonymous,
    rooms: new RoomsService({ db, live, hosting, social, settings, notifications, audit }),
    media,
    jobs,
    recorders,
    clips: new ClipsService({ db, log: base.log, live, recorders, settings, social, limiter, dataDir: config.dataDir, ffmpeg: config.ffmpegPath }),
    replays: new ReplaysService({ db, log: base.log, social, jobs, limiter, dirOf: (id) => recorders.dirOf(id) }),
    invites: new InvitesService(db, settings),
    admin: new AdminService(db, accountEvents, audit),
    avatars: new AvatarStore(config.dataDir),
    cards: new ShareCards({ log: base.log }), // share images, drawn on first use
    contexts: new RequestContexts({ config, sessions, settings }),
    notifications,
    push,
    mailSettings,
    mailer,
    passwordResets: new PasswordResetService({ db, mailer, sessions, settings, limiter, log: base.log }),
    metrics: new SalonMetrics({ db, live, media, pool: base.pool }),
    accountDeletion: new AccountDeletion({ db, log: base.log, live, sessions, recorders, avatars: new AvatarStore(config.dataDir), dataDir: config.dataDir }),
  };
  const reports = new ReportsService({ ...services, notifications, evidence, dataDir: config.dataDir, ffmpeg: config.ffmpegPath, now: () => Date.now() });
  services.rooms.reports = reports; // reports filed from a room (socket or form) go through the reports service
  // Scheduled rooms start through the rooms service and tell people through the notifications.
  return { ...services, reports, evidence, hls, schedules: new SchedulesService({ ...services, notifier: services.notifications }) };
}

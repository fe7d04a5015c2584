// /settings/data: "Your data". Download everything the server keeps about me (JSON), and delete my
// account after typing my handle and my password (what happens to my rooms, replays and reports is
// said on the page: see account-deletion.service.ts).
import { Elysia, t } from 'elysia';
import { accountDeletedPage, yourDataPage } from '../../views/your-data.page';
import type { AppDeps } from '../app-deps';
import type { User } from '../db/schema';
import { AppError } from '../shared/errors';
import { FormInvalid } from '../shared/form-errors';
import { serializeCookie, sessionCookie } from '../web/cookies';
import { requireViewer } from '../web/guards';
import { formRejected, json, page } from '../web/respond';
import { exportAccountData } from './account-data.service';

const deleteBody = t.Object({
  handle: t.Optional(t.String({ maxLength: 100 })),
  password: t.Optional(t.String({ maxLength: 1000 })),
  _csrf: t.Optional(t.String({ maxLength: 200 })),
});

/** Wrong confirmations per account before a pause: the password field must not become a guessing oracle. */
const confirmationsPerWindow = 10;
const confirmationWindowMs = 15 * 60_000;

export function yourDataRoutes(deps: Pick<AppDeps, 'db' | 'contexts' | 'limiter' | 'accountDeletion'>) {
  const counts = async (user: User) => {
    const count = (n: { n: number | string | bigint } | undefined) => Number(n?.n ?? 0);
    const [rooms, replays, clips, reports] = await Promise.all([
      deps.db.selectFrom('rooms').select((eb) => eb.fn.countAll().as('n')).where('host_id', '=', user.id).executeTakeFirst(),
      deps.db.selectFrom('recordings').select((eb) => eb.fn.countAll().as('n')).where('host_id', '=', user.id).executeTakeFirst(),
      deps.db.selectFrom('clips').select((eb) => eb.fn.countAll().as('n')).where('created_by', '=', user.id).executeTakeFirst(),
      deps.db.selectFrom('reports').select((eb) => eb.fn.countAll().as('n')).where('reporter_id', '=', user.id).executeTakeFirst(),
    ]);
    return { rooms: count(rooms), replays: count(replays), clips: count(clips), reports: count(reports) };
  };
  return new Elysia({ name: 'your-data' })
    .derive(({ request, server }) => deps.contexts.build(request, server).then((ctx) => ({ ctx })))
    .get('/settings/data', async ({ ctx }) => {
      const user = requireViewer(ctx);
      return page(ctx, yourDataPage(ctx, { user, counts: await counts(user), errors: [] }));
    })
    .get('/settings/data/export', async ({ ctx }) => {
      const user = requireViewer(ctx);
      const data = await exportAccountData(deps.db, user, deps.contexts.expectedOrigin(ctx.request));
      const day = new Date().toISOString().slice(0, 10);
      const response = json(ctx, data);
      response.headers.set('content-disposition', `attachment; filename="salon-${user.handle}-${day}.json"`);
      response.headers.set('cache-control', 'no-store');
      return response;
    })
    .post(
      '/settings/data/delete',
      async ({ ctx, body }) => {
        const user = requireViewer(ctx);
        const typed = { handle: body.handle ?? '', password: body.password ?? '' };
        try {
          if (!deps.limiter.hit(`account-delete:${user.id}`, confirmationsPerWindow, confirmationWindowMs).allowed) {
            throw new AppError('tooMany', 'Too many attempts: wait a quarter of an hour');
          }
          await deps.accountDeletion.checkConfirmation(user, typed);
        } catch (error) {
          if (!(error instanceof FormInvalid)) throw error;
          const current = await counts(user);
          return formRejected(ctx, error, (errors) => yourDataPage(ctx, { user, counts: current, errors, values: { handle: typed.handle } }));
        }
        const summary = await deps.accountDeletion.delete(user);
        ctx.setCookies.push(serializeCookie(sessionCookie, '', { secure: ctx.secureCookies, maxAgeSeconds: 0 }));
        const signedOut = { ...ctx, viewer: null, sessionId: null };
        if (ctx.wantsJson) return json(ctx, { ok: true, deleted: summary });
        return page(signedOut, accountDeletedPage(signedOut));
      },
      { body: deleteBody },
    );
}

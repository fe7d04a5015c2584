// GET / — what this instance is (and, with the rooms issue, who is live).
import { Elysia } from 'elysia';
import { homePage } from '../../views/home.page';
import type { AppDeps } from '../app-deps';
import { page } from '../web/respond';

export const homeRoutes = (deps: AppDeps) =>
  new Elysia({ name: 'home' })
    .derive(({ request, server }) => deps.contexts.build(request, server).then((ctx) => ({ ctx })))
    .get('/', ({ ctx }) => page(ctx, homePage(ctx, { description: ctx.settings.instanceDescription })));

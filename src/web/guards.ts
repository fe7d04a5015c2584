// Authorization at the server: handlers call these before acting.
import type { User } from '../db/schema';
import { Forbidden, Unauthorized } from '../shared/errors';
import type { RequestContext } from './request-context';

export function requireViewer(ctx: RequestContext): User {
  if (!ctx.viewer) throw new Unauthorized();
  return ctx.viewer;
}

export function requireAdmin(ctx: RequestContext): User {
  const viewer = requireViewer(ctx);
  if (viewer.role !== 'admin') throw new Forbidden('Admins only');
  return viewer;
}

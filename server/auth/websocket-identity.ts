/**
 * Who opened a watching WebSocket (the supervisor feed, the admin pages' change feed).
 *
 * The token comes in `?token=`, because browsers cannot set WebSocket headers, and a refusal is
 * sent after the upgrade as a close code with the reason: a page can read a close code, never a
 * refused upgrade's status. The role is the one stored now, not the token's: a demoted or
 * deleted person stops watching at once.
 */
import type { FastifyRequest } from 'fastify';
import type { Directory } from '../directory/directory.ts';
import { AppError } from '../shared/errors.ts';
import type { Role, TokenService } from './tokens.ts';

export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_FORBIDDEN = 4403;

export interface Watcher {
  tenantId: string;
  userId: string;
}

/** Why this user may not watch, as stored now (null: they may). */
export async function watchRefusal(
  directory: Directory,
  { tenantId, userId }: Watcher,
  roles: readonly Role[],
): Promise<AppError | null> {
  const user = await directory.user(tenantId, userId);
  if (!user) return new AppError('unauthorized', 'the user of this token no longer exists');
  return roles.includes(user.role)
    ? null
    : new AppError('forbidden', `requires role ${roles.join(' or ')}`);
}

/** The watcher named by the request's `?token=`, or the refusal to close the socket with. */
export async function identifyWatcher(
  request: FastifyRequest,
  tokens: TokenService,
  directory: Directory,
  roles: readonly Role[],
): Promise<Watcher | AppError> {
  try {
    const token = (request.query as { token?: unknown } | undefined)?.token;
    if (typeof token !== 'string' || !token)
      return new AppError('unauthorized', 'missing token: connect with ?token=<session token>');
    const { tenantId, userId } = await tokens.verify(token);
    const watcher = { tenantId, userId };
    return (await watchRefusal(directory, watcher, roles)) ?? watcher;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
}

/** The close code for a refusal: 4403 for a role that may not watch, 4401 otherwise. */
export function closeCodeFor(refusal: AppError): number {
  return refusal.reason === 'forbidden' ? CLOSE_FORBIDDEN : CLOSE_UNAUTHORIZED;
}

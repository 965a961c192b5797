/**
 * `/api/admin/changes`: a WebSocket that tells an admin's page which of its lists another admin
 * (or the API key) changed, so every open admin page shows a new person, group or number without
 * a reload (protocol/admin-protocol.ts). For the tenant's admins only, as stored now.
 *
 * It authenticates like `/api/session` (token in `?token=`, because browsers cannot set
 * WebSocket headers): a bad token gets the upgrade and close code 4401, anyone but an admin
 * 4403, each with the reason, since a browser can read a close code but never a refused
 * upgrade's status. An admin who is deactivated or demoted meanwhile is closed the same way at
 * the next change to the tenant's people.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Heartbeat } from '../session/heartbeat.ts';
import { AppError } from '../shared/errors.ts';
import { AdminFeedConnection } from './admin-feed-connection.ts';

export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_FORBIDDEN = 4403;

interface Admin {
  tenantId: string;
  userId: string;
}

const routes: FastifyPluginAsync = async (app) => {
  const { tokens, directory, config, adminChanges, accounts } = app.services;
  const heartbeat = new Heartbeat<AdminFeedConnection>(config.heartbeatSeconds * 1000);
  const connections = new Set<AdminFeedConnection>();
  app.addHook('onClose', async () => heartbeat.stop());

  /** Why this user may not watch (null: they may). Re-read from the database each time. */
  async function refusal(tenantId: string, userId: string): Promise<AppError | null> {
    const user = await directory.user(tenantId, userId);
    if (!user) return new AppError('unauthorized', 'the user of this token no longer exists');
    return user.role === 'admin' ? null : new AppError('forbidden', 'requires role admin');
  }

  async function identify(request: FastifyRequest): Promise<Admin | AppError> {
    try {
      const token = (request.query as { token?: unknown } | undefined)?.token;
      if (typeof token !== 'string' || !token)
        return new AppError('unauthorized', 'missing token: connect with ?token=<session token>');
      const { tenantId, userId } = await tokens.verify(token);
      return (await refusal(tenantId, userId)) ?? { tenantId, userId };
    } catch (error) {
      if (error instanceof AppError) return error;
      throw error;
    }
  }

  const closeWith = (connection: AdminFeedConnection, error: AppError) =>
    connection.close(
      error.reason === 'forbidden' ? CLOSE_FORBIDDEN : CLOSE_UNAUTHORIZED,
      error.message,
    );

  // A deactivated admin's pages close at once, like their console tabs.
  const stopSigningOut = accounts.onDeactivated((tenantId, userId) => {
    for (const connection of [...connections])
      if (connection.tenantId === tenantId && connection.userId === userId)
        closeWith(connection, new AppError('unauthorized', 'account deactivated'));
  });

  /** After a change to the tenant's people: an admin who was demoted stops watching. */
  async function recheck(tenantId: string): Promise<void> {
    for (const connection of [...connections]) {
      if (connection.tenantId !== tenantId) continue;
      const error = await refusal(tenantId, connection.userId);
      if (error) closeWith(connection, error);
    }
  }
  const stopRechecking = accounts.onChanged((tenantId) => {
    recheck(tenantId).catch((error: unknown) =>
      app.log.error({ err: error }, 'admin changes: re-checking admins failed'),
    );
  });
  app.addHook('onClose', async () => {
    stopSigningOut();
    stopRechecking();
  });

  const identities = new WeakMap<FastifyRequest, Admin | AppError>();
  app.get(
    '/admin/changes',
    {
      websocket: true,
      schema: { hide: true },
      preValidation: async (request) => {
        identities.set(request, await identify(request));
      },
    },
    (socket, request) => {
      const identity = identities.get(request) ?? new AppError('unauthorized', 'unauthorized');
      const connection = new AdminFeedConnection(
        socket,
        identity instanceof AppError ? '' : identity.tenantId,
        identity instanceof AppError ? '' : identity.userId,
        config.heartbeatSeconds,
        request.log,
      );
      if (identity instanceof AppError) return closeWith(connection, identity);
      // The feed takes no commands; anything sent is ignored.
      const stopWatching = adminChanges.watch(identity.tenantId, (sections) =>
        connection.changed(sections),
      );
      connections.add(connection);
      heartbeat.targets.add(connection);
      connection.sayAlive();
      socket.on('close', () => {
        stopWatching();
        connections.delete(connection);
        heartbeat.targets.delete(connection);
      });
    },
  );
};

export default routes;

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
import {
  closeCodeFor,
  identifyWatcher,
  watchRefusal,
  type Watcher,
} from '../auth/websocket-identity.ts';
import { Heartbeat } from '../session/heartbeat.ts';
import { AppError } from '../shared/errors.ts';
import { AdminFeedConnection } from './admin-feed-connection.ts';

const ADMIN_ONLY = ['admin'] as const;

const routes: FastifyPluginAsync = async (app) => {
  const { tokens, directory, config, adminChanges, accounts } = app.services;
  const heartbeat = new Heartbeat<AdminFeedConnection>(config.heartbeatSeconds * 1000);
  const connections = new Set<AdminFeedConnection>();
  app.addHook('onClose', async () => heartbeat.stop());

  const closeWith = (connection: AdminFeedConnection, error: AppError) =>
    connection.close(closeCodeFor(error), error.message);

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
      const error = await watchRefusal(directory, connection, ADMIN_ONLY);
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

  const identities = new WeakMap<FastifyRequest, Watcher | AppError>();
  app.get(
    '/admin/changes',
    {
      websocket: true,
      schema: { hide: true },
      preValidation: async (request) => {
        identities.set(request, await identifyWatcher(request, tokens, directory, ADMIN_ONLY));
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

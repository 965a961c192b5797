/**
 * `/api/session`: the agent WebSocket. The token comes from `?token=` (browsers cannot set
 * headers on a WebSocket) or `Authorization: Bearer`. A bad or expired token still gets the
 * upgrade and is then closed with 4401 and the reason, because a browser can read a close code
 * but never the status of a refused upgrade.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../shared/errors.ts';
import { SessionConnection, type SessionIdentity } from './session-connection.ts';
import { Heartbeat } from './heartbeat.ts';
import { CLOSE_UNAUTHORIZED } from '../auth/websocket-identity.ts';

/** Close code for "your credentials are not good": the client should sign in again. */
/** Close code for "this user has too many tabs open" (MAX_SESSIONS_PER_USER). */
export const CLOSE_TOO_MANY_SESSIONS = 4429;

function tokenOf(request: FastifyRequest): string {
  const fromQuery = (request.query as { token?: unknown } | undefined)?.token;
  if (typeof fromQuery === 'string' && fromQuery) return fromQuery;
  const match = request.headers.authorization?.match(/^Bearer\s+(\S+)$/i);
  if (match) return match[1];
  throw new AppError('unauthorized', 'missing token: connect with ?token=<session token>');
}

/**
 * `?resume=<sessionId>` from a tab whose socket was lost. Anything that is not plausibly one of
 * our ids is ignored (the tab simply gets a fresh session, as when the old one expired).
 */
function resumeIdOf(request: FastifyRequest): string | undefined {
  const resume = (request.query as { resume?: unknown } | undefined)?.resume;
  return typeof resume === 'string' && /^[0-9a-f-]{36}$/.test(resume) ? resume : undefined;
}

export default async function sessionGateway(app: FastifyInstance): Promise<void> {
  const { tokens, directory, config, sessions } = app.services;
  const identities = new WeakMap<FastifyRequest, SessionIdentity | AppError>();
  const heartbeat = new Heartbeat<SessionConnection>(config.heartbeatSeconds * 1000);
  const connections = heartbeat.targets;
  const connectionsById = new Map<string, SessionConnection>();
  /** Open sockets per user (`tenant/user`), for MAX_SESSIONS_PER_USER. */
  const sessionsPerUser = new Map<string, number>();

  async function identify(request: FastifyRequest): Promise<SessionIdentity | AppError> {
    try {
      const claims = await tokens.verify(tokenOf(request));
      const [user, tenant] = await Promise.all([
        directory.user(claims.tenantId, claims.userId),
        directory.tenant(claims.tenantId),
      ]);
      if (!user || !tenant)
        return new AppError('unauthorized', 'the user of this token no longer exists');
      return { user, tenant };
    } catch (error) {
      if (error instanceof AppError) return error;
      throw error;
    }
  }

  app.get(
    '/session',
    {
      websocket: true,
      schema: { hide: true },
      // Authentication happens before the upgrade handler runs, so the handler can attach its
      // listeners synchronously and no early frame is lost.
      preValidation: async (request) => {
        identities.set(request, await identify(request));
      },
    },
    (socket, request) => {
      const identity = identities.get(request);
      if (!identity || identity instanceof AppError) {
        socket.close(CLOSE_UNAUTHORIZED, identity?.message ?? 'unauthorized');
        return;
      }
      const resumeSessionId = resumeIdOf(request);
      // The tab came back before its old socket was noticed dead: that socket gives way.
      const previous = resumeSessionId ? connectionsById.get(resumeSessionId) : undefined;
      if (previous?.belongsTo(identity)) previous.supersede();
      const userKey = `${identity.tenant.id}/${identity.user.id}`;
      const open = sessionsPerUser.get(userKey) ?? 0;
      if (open >= config.maxSessionsPerUser) {
        socket.close(
          CLOSE_TOO_MANY_SESSIONS,
          `at most ${config.maxSessionsPerUser} sessions per user; close another tab`,
        );
        return;
      }
      sessionsPerUser.set(userKey, open + 1);
      const connection = new SessionConnection({
        socket,
        identity,
        backend: sessions.backend,
        resumeSeconds: config.sessionResumeSeconds,
        reloadGraceSeconds: config.sessionReloadGraceSeconds,
        resumeSessionId,
        log: request.log,
        draining: () => sessions.draining(),
        onSessionId: (identified) => connectionsById.set(identified.sessionId, identified),
        onClosed: (closed) => {
          const left = (sessionsPerUser.get(userKey) ?? 1) - 1;
          if (left > 0) sessionsPerUser.set(userKey, left);
          else sessionsPerUser.delete(userKey);
          connections.delete(closed);
          if (connectionsById.get(closed.sessionId) === closed)
            connectionsById.delete(closed.sessionId);
        },
      });
      connections.add(connection);
    },
  );

  // A node leaving a cluster: its sockets close without ending their sessions; the tabs resume
  // them on other nodes.
  sessions.onHandOver?.(() => {
    for (const connection of [...connections]) connection.handOver();
  });
  // An admin deactivated the person: their tabs close for good (no resume) with 4401.
  const stopSigningOut = app.services.accounts.onDeactivated((tenantId, userId) => {
    for (const connection of [...connections])
      if (connection.isOf(tenantId, userId)) connection.signOut('account deactivated');
  });
  app.addHook('onClose', async () => stopSigningOut());
  app.addHook('onClose', async () => heartbeat.stop());
}

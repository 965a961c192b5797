/**
 * `/api/supervisor/*`: the live feed and the supervisor's actions, for a tenant's supervisors
 * and admins only. The tenant always comes from the token; another tenant's ids are unknown ids.
 *
 * The feed authenticates like `/api/session` (token in `?token=`, because browsers cannot set
 * WebSocket headers): a bad token gets the upgrade and close code 4401, an agent's token 4403,
 * each with the reason, since a browser can read a close code but never a refused upgrade's status.
 */
import { randomUUID } from 'node:crypto';
import { Type } from 'typebox';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { TrackSource } from 'livekit-server-sdk';
import type { WebSocket } from 'ws';
import {
  ForcePresenceBody,
  MonitorCredentials,
  MonitorRequest,
  type MonitorMode,
} from '../../protocol/supervisor-protocol.ts';
import { Presence } from '../../protocol/session-protocol.ts';
import { authenticateUser } from '../auth/request-auth.ts';
import type { TokenClaims } from '../auth/tokens.ts';
import { closeCodeFor, identifyWatcher } from '../auth/websocket-identity.ts';
import { AppError, notFound } from '../shared/errors.ts';
import { bearerSecurity, errorResponses } from '../shared/schemas.ts';
import { scopeToTenant } from '../shared/tenant-scope.ts';
import { validatorCompiler } from '../shared/validation.ts';
import { callRoomName, mintRoomToken, partyIdentity } from '../media/livekit-tokens.ts';
import type { MediaBackend } from '../media/media-backend.ts';
import { Heartbeat } from '../session/heartbeat.ts';
import { FeedConnection } from './feed-connection.ts';
import { FeedRelay } from '../cluster/feed-relay.ts';
import { FORWARDED_HEADER } from '../cluster/http-forwarding.ts';
import type { SupervisorFeed } from './supervisor-feed.ts';

const SUPERVISOR_ROLES: TokenClaims['role'][] = ['supervisor', 'admin'];
const tags = ['supervisor'];
const security = bearerSecurity;

/** Monitor tokens are only needed to connect, like the parties' join tokens. */
const MONITOR_TOKEN_TTL_SECONDS = 10 * 60;

export interface SupervisorRouteOptions {
  feed: SupervisorFeed;
  backend: MediaBackend;
}

function requireSupervisor(claims: TokenClaims): void {
  if (!SUPERVISOR_ROLES.includes(claims.role))
    throw new AppError('forbidden', 'requires role supervisor or admin');
}

/**
 * What a supervisor's token allows in a call's room. Monitoring: subscribe only, hidden, so the
 * parties never see it. Whisper and barge: a visible participant who may also publish a
 * microphone and nothing else; who hears it is decided by the client's track subscription
 * permissions (for a whisper, the agent only).
 */
const SUPERVISOR_GRANTS = {
  listening: { canSubscribe: true, canPublish: false, canPublishData: false, hidden: true },
  speaking: {
    canSubscribe: true,
    canPublish: true,
    canPublishSources: [TrackSource.MICROPHONE],
    canPublishData: false,
    hidden: false,
  },
};

const UserIdParams = Type.Object({ userId: Type.String({ minLength: 1, maxLength: 64 }) });
const CallIdParams = Type.Object({ callId: Type.String({ minLength: 1, maxLength: 64 }) });

const routes: FastifyPluginAsyncTypebox<SupervisorRouteOptions> = async (
  app,
  { feed, backend },
) => {
  app.setValidatorCompiler(validatorCompiler);
  const { tokens, directory, router, config, cluster, accounts } = app.services;
  const heartbeat = new Heartbeat<FeedConnection>(config.heartbeatSeconds * 1000);
  // In a cluster the feed is computed on the tenant's owner and relayed by the node the page reached.
  const relay = cluster
    ? new FeedRelay(
        cluster,
        feed,
        config.heartbeatSeconds * 1000,
        app.log.child({ module: 'feed-relay' }),
      )
    : null;
  app.addHook('onClose', async () => heartbeat.stop());

  // ------------------------------------------------------------------ the feed

  interface FeedWatcher {
    tenant: { id: string; name: string };
    userId: string;
  }
  const feedIdentities = new WeakMap<FastifyRequest, FeedWatcher | AppError>();

  /** The watcher and its tenant (its name and id), or the refusal to close the feed with. */
  async function feedIdentity(request: FastifyRequest): Promise<FeedWatcher | AppError> {
    const watcher = await identifyWatcher(request, tokens, directory, SUPERVISOR_ROLES);
    if (watcher instanceof AppError) return watcher;
    const tenant = await directory.tenant(watcher.tenantId);
    if (!tenant) return new AppError('unauthorized', 'the user of this token no longer exists');
    return { tenant, userId: watcher.userId };
  }

  // A deactivated supervisor's feeds close at once, like their tabs. In a cluster the event
  // reaches every node (AccountEvents are relayed), so the feeds a node relays close there
  // and those it serves to other nodes close on it.
  const openFeeds = new Map<WebSocket, FeedWatcher>();
  const stopSigningOut = accounts.onDeactivated((tenantId, userId) => {
    const refusal = new AppError('unauthorized', 'account deactivated');
    for (const [socket, watcher] of [...openFeeds])
      if (watcher.tenant.id === tenantId && watcher.userId === userId)
        socket.close(closeCodeFor(refusal), refusal.message);
  });
  app.addHook('onClose', async () => stopSigningOut());

  app.get(
    '/supervisor/feed',
    {
      websocket: true,
      schema: { hide: true },
      preValidation: async (request) => {
        feedIdentities.set(request, await feedIdentity(request));
      },
    },
    (socket, request) => {
      const watcher = feedIdentities.get(request);
      if (!watcher || watcher instanceof AppError) {
        const refusal = watcher ?? new AppError('unauthorized', 'unauthorized');
        socket.close(closeCodeFor(refusal), refusal.message);
        return;
      }
      const identity = watcher.tenant;
      openFeeds.set(socket, watcher);
      let unsubscribe: (() => void) | null = null;
      let closed = false;
      const connection = new FeedConnection(socket, request.log);
      socket.on('close', () => {
        closed = true;
        openFeeds.delete(socket);
        heartbeat.targets.delete(connection);
        unsubscribe?.();
      });
      const goLive = () => {
        if (closed || connection.live) return;
        connection.live = true;
        heartbeat.targets.add(connection);
      };
      const close = (code: number, reason: string) => socket.close(code, reason);
      // The feed takes no commands; anything sent is ignored.
      if (relay) {
        const token = (request.query as { token: string }).token;
        unsubscribe = request.headers[FORWARDED_HEADER]
          ? relay.serveOwned(identity, connection, goLive, close)
          : relay.serve(identity, token, connection, goLive, close);
        return;
      }
      feed
        .subscribe(identity, connection)
        .then((stop) => {
          if (closed) return stop();
          unsubscribe = stop;
          connection.live = true;
          heartbeat.targets.add(connection);
        })
        .catch((error) => {
          request.log.error({ err: error }, 'supervisor feed snapshot failed');
          socket.close(1011, 'feed unavailable');
        });
    },
  );

  // ------------------------------------------------------------------ actions

  const actionRoutes: FastifyPluginAsyncTypebox = async (actions) => {
    actions.setValidatorCompiler(validatorCompiler);
    scopeToTenant(actions, async (request) => {
      const claims = await authenticateUser(request);
      requireSupervisor(claims);
      return claims;
    });

    actions.post(
      '/supervisor/agents/:userId/presence',
      {
        schema: {
          tags,
          security,
          summary: 'Force an agent away or offline',
          params: UserIdParams,
          body: ForcePresenceBody,
          response: {
            200: Type.Object({ userId: Type.String(), presence: Presence }),
            ...errorResponses(400, 401, 403, 404, 409, 413, 415),
          },
        },
      },
      async (request) => {
        const { tenantId } = request;
        const { userId } = request.params;
        const user = await directory.user(tenantId, userId);
        if (!user) throw notFound(`user ${userId}`);
        const presence = router.forcePresence(tenantId, userId, request.body.presence);
        if (presence === null) throw new AppError('wrong-state', `user ${userId} is not online`);
        return { userId, presence };
      },
    );

    actions.post(
      '/supervisor/calls/:callId/monitor',
      {
        schema: {
          tags,
          security,
          summary:
            'Join a connected call: listen unseen (monitor), speak to the agent only (whisper) or to everyone (barge)',
          params: CallIdParams,
          body: MonitorRequest,
          response: {
            200: MonitorCredentials,
            ...errorResponses(400, 401, 403, 404, 409, 413, 415),
          },
        },
        // No body at all is the plain monitor of the first version of this route.
        preValidation: async (request) => {
          request.body ??= {};
        },
      },
      async (request) => {
        const { tenantId } = request;
        const { callId } = request.params;
        const call = router.liveCall(tenantId, callId);
        if (!call) throw notFound(`call ${callId}`);
        if (call.status !== 'connected')
          throw new AppError('wrong-state', `call ${callId} is ${call.status}, not connected`);
        const mode: MonitorMode = request.body?.mode ?? 'monitor';
        const answeredBy = router
          .liveCallsOf(tenantId)
          .find((live) => live.id === callId)?.answeredBy;
        const claims = await authenticateUser(request);
        const user = await directory.user(tenantId, claims.userId);
        const room = callRoomName(tenantId, callId);
        const grant = {
          room,
          // Distinct prefixes: call media ignores both, and a monitor never shows as a party.
          identity: `${mode === 'monitor' ? 'monitor' : 'supervisor'}:${claims.userId}:${randomUUID()}`,
          name: user?.displayName ?? 'Supervisor',
        };
        const token = await mintRoomToken(
          backend.apiKey,
          backend.apiSecret,
          grant,
          SUPERVISOR_GRANTS[mode === 'monitor' ? 'listening' : 'speaking'],
          MONITOR_TOKEN_TTL_SECONDS,
        );
        return {
          url: backend.publicUrl,
          room,
          token,
          identity: grant.identity,
          mode,
          agentIdentity: answeredBy
            ? partyIdentity('agent', answeredBy.id, answeredBy.sessionId)
            : null,
        };
      },
    );
  };
  await app.register(actionRoutes);
};

export default routes;

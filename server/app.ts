/**
 * Builds the call-control application: plugins, the one error handler, and every feature's
 * routes. `main.ts` runs it as a process; tests build it on a random port.
 */
import Fastify, { LogController, type FastifyInstance, type FastifyReply } from 'fastify';
import websocket from '@fastify/websocket';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { DestinationStream } from 'pino';
import type { Config } from './config.ts';
import { openDatabase, type Database } from './db/database.ts';
import { TokenService } from './auth/tokens.ts';
import { loadOrCreateJwtSecret } from './auth/jwt-secret.ts';
import { DatabaseDirectory } from './directory/database-directory.ts';
import type { Directory } from './directory/directory.ts';
import { CallRouter } from './routing/index.ts';
import { CallRecords } from './calls/call-records.ts';
import { CallLimits } from './calls/call-limits.ts';
import { registerErrorHandler } from './shared/error-handler.ts';
import { registerApiDocs } from './shared/api-docs.ts';
import { registerSecurityHeaders } from './shared/security-headers.ts';
import { registerConsole } from './shared/console.ts';
import { validatorCompiler } from './shared/validation.ts';
import { malformedUrlText } from './shared/text.ts';
import { serializeRequest } from './shared/log-redaction.ts';
import { websocketErrorHandler } from './shared/websocket-errors.ts';
import type { Scheduler } from './shared/scheduler.ts';
import authRoutes from './auth/routes.ts';
import subscriberRoutes from './tenants/subscriber-routes.ts';
import ringGroupRoutes from './ring-groups/routes.ts';
import callRoutes from './calls/routes.ts';
import directoryRoutes from './directory/directory-routes.ts';
import sessionGateway from './session/gateway.ts';
import { startMediaBackend } from './media/media-backend.ts';
import { CallMedia } from './media/call-media.ts';
import { ScriptedCalls } from './media-script/scripted-calls.ts';
import livekitWebhookRoutes, { ownWebhookUrl } from './media/webhook-routes.ts';
import supervisorRoutes from './supervisor/routes.ts';
import assignRoute from './supervisor/assign-route.ts';
import { SupervisorFeed } from './supervisor/supervisor-feed.ts';
import { SupervisorRepository } from './supervisor/supervisor-repository.ts';
import { QueueFeed } from './queues/queue-feed.ts';
import { QueueGroupsRepository } from './queues/queue-groups-repository.ts';
import dispositionRoutes from './wrap-up/disposition-routes.ts';
import wrapUpRoutes from './wrap-up/wrap-up-routes.ts';
import apiKeyRoutes from './api-keys/routes.ts';
import { WrapUpRepository } from './wrap-up/wrap-up-repository.ts';
import { WrapUpStamps } from './wrap-up/wrap-up-stamps.ts';
import phoneNumberRoutes from './phone-numbers/routes.ts';
import { PhoneNumberRepository } from './phone-numbers/phone-number-repository.ts';
import { SipService } from './sip/sip-service.ts';
import historyRoutes from './reports/history-routes.ts';
import { reportRoutes, timeZoneRoutes } from './reports/report-routes.ts';
import { SessionCommands } from './session/session-commands.ts';
import { LocalSessionBackend, type SessionGatewayServices } from './session/session-backend.ts';
import { PhoneDialing } from './sip/phone-dialing.ts';
import { ClusterNode } from './cluster/cluster-node.ts';
import peopleRoutes from './people/people-routes.ts';
import { AccountEvents } from './people/account-events.ts';
import { forgetApiKeys } from './auth/request-auth.ts';
import { AdminChanges } from './admin/admin-changes.ts';
import adminFeedRoutes from './admin/admin-feed-route.ts';
import { registerClusterForwarding } from './cluster/http-forwarding.ts';

export interface Services {
  config: Config;
  database: Database;
  tokens: TokenService;
  directory: Directory;
  records: CallRecords;
  router: CallRouter;
  /** LiveKit rooms and credentials for answered calls; `media.embedded` is the embedded media server, if any. */
  media: CallMedia;
  /** Media scripts of server-side calls (`POST /api/calls` with `script`). */
  scripts: ScriptedCalls;
  /** Phones through LiveKit SIP (server/sip), when LIVEKIT_SIP_URI is set. */
  sip?: SipService;
  /** Caps on live calls per user, API key and tenant. */
  limits: CallLimits;
  /** Where the agent gateway hands its tabs' commands: this process, or the tenant's owner node. */
  sessions: SessionGatewayServices;
  /** This node of a cluster (REDIS_URL); undefined in one process. */
  cluster?: ClusterNode;
  /** Pushes each tab its agent's ring groups' queues (`queues` frames). */
  queues: QueueFeed;
  /** What admins change about people: deactivations close tabs, changes are pushed (people/). */
  accounts: AccountEvents;
  /** Which admin lists changed, for the open admin pages (`/api/admin/changes`, admin/). */
  adminChanges: AdminChanges;
}

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
  }
}

export type App = FastifyInstance;

/** Request bodies larger than this are refused with 413 before any handler runs. */
export const BODY_LIMIT_BYTES = 64 * 1024;

export interface BuildOptions {
  /** Where the log goes instead of stdout (tests read it). */
  logStream?: DestinationStream;
  /** Call media's clock and timers (tests move a ManualScheduler instead of sleeping). */
  mediaScheduler?: Scheduler;
}

export async function buildApp(
  config: Config,
  existingDatabase?: Database,
  { logStream, mediaScheduler }: BuildOptions = {},
): Promise<App> {
  const database =
    existingDatabase ??
    (await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir === 'memory' ? undefined : config.dataDir,
    }));
  const secret = config.jwtSecret ?? (await loadOrCreateJwtSecret(database));
  const tokens = new TokenService(secret, config.tokenTtlSeconds);
  const directory = new DatabaseDirectory(database);

  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: ['req.headers.authorization'],
      // Tokens ride in query strings (WebSocket URLs): every logged URL is redacted.
      serializers: { req: serializeRequest },
      ...(logStream ? { stream: logStream } : {}),
    },
    bodyLimit: BODY_LIMIT_BYTES,
    // Behind the proxies named in TRUST_PROXY, request.protocol and request.ip are the client's.
    ...(config.trustProxy ? { trustProxy: config.trustProxy } : {}),
    // Slow clients cannot hold connections: the whole request, its headers, and idle sockets
    // are timed (Fastify leaves the request timeout off by default). Node checks them every
    // second; upgraded WebSockets have their own heartbeat instead.
    requestTimeout: config.httpRequestTimeoutSeconds * 1000,
    connectionTimeout: config.httpIdleTimeoutSeconds * 1000,
    keepAliveTimeout: Math.min(72_000, config.httpIdleTimeoutSeconds * 1000),
    http: {
      headersTimeout:
        Math.min(config.httpHeadersTimeoutSeconds, config.httpRequestTimeoutSeconds) * 1000,
      connectionsCheckingInterval: 1000,
    },
    // Tokens ride in the WebSocket URL; never log full URLs with them.
    logController: new LogController({
      disableRequestLogging: (request) =>
        config.logLevel !== 'debug' ||
        request.url.startsWith('/api/session') ||
        request.url.startsWith('/api/supervisor/feed'),
    }),
    // Malformed URLs never reach the error handler; give them the same error shape anyway.
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      reply.status(400).send({ error: 'bad-request', message: error.message, statusCode: 400 });
    },
  }).withTypeProvider<TypeBoxTypeProvider>();
  // Refuse (rather than strip or coerce) unknown properties and wrong types everywhere.
  app.setValidatorCompiler(validatorCompiler);
  // Ids in paths and query parameters follow the shared text rule even where no schema names them.
  app.addHook('onRequest', async (request, reply) => {
    const problem = malformedUrlText(request.url);
    if (problem)
      return reply.status(400).send({ error: 'bad-request', message: problem, statusCode: 400 });
  });
  const records = new CallRecords(database, app.log.child({ module: 'call-records' }));

  // Without LIVEKIT_URL this starts the embedded media server, which posts its webhooks back here.
  const backend = await startMediaBackend(config, {
    webhookUrl: () => ownWebhookUrl(app.server),
    logger: app.log.child({ module: 'media-server' }),
  });
  // The embedded server's webhooks come back here, to a port known only once we listen.
  app.addHook('onListen', async () => backend.refreshWebhookUrl());
  const media = new CallMedia(backend, app.log.child({ module: 'media' }), {
    leaveGraceMs: config.mediaLeaveGraceMs,
    reconcileSeconds: config.mediaReconcileSeconds,
    scheduler: mediaScheduler,
  });
  const scripts = new ScriptedCalls(backend, app.log.child({ module: 'media-script' }), {
    mediaDir: config.scriptMediaDir,
    ffmpegPath: config.ffmpegPath,
  });
  const supervisorFeed = new SupervisorFeed(new SupervisorRepository(database), {
    // Wrap-up stamps too: an agent's handle time counts their finished after-call work.
    flushRecords: async () => {
      await records.flush();
      await wrapUpStamps.flush();
    },
    heartbeatSeconds: config.heartbeatSeconds,
    log: app.log.child({ module: 'supervisor-feed' }),
  });
  const cluster = config.cluster
    ? new ClusterNode({
        redisUrl: config.cluster.redisUrl,
        prefix: config.cluster.prefix,
        nodeId: config.cluster.nodeId,
        leaseMs: config.cluster.leaseMs,
        resumeMs: config.sessionResumeSeconds * 1000,
        log: app.log.child({ module: 'cluster' }),
      })
    : undefined;
  const router = new CallRouter({
    config,
    directory,
    bus: cluster?.bus,
    log: app.log.child({ module: 'routing' }),
    callEvents: {
      callPlaced: (call) => {
        media.callPlaced(call);
        scripts.callPlaced(call);
      },
      phoneAnswered: (call) => media.phoneAnswered(call),
      callAnswered: (call) => {
        media.callAnswered(call);
        scripts.callAnswered(call);
      },
      callTransferred: (call, from, to) => media.callTransferred(call, from, to),
      sessionResumed: (sessionId) => media.sessionResumed(sessionId),
      callEnded: (call) => {
        media.callEnded(call);
        scripts.callEnded(call);
        supervisorFeed.callEnded(call);
      },
    },
  });
  records.follow(router);
  const wrapUpStamps = new WrapUpStamps(
    new WrapUpRepository(database),
    () => records.flush(),
    app.log.child({ module: 'wrap-up' }),
  );
  wrapUpStamps.follow(router);
  const limits = new CallLimits(config);
  limits.follow(router);
  media.attach(router);
  scripts.attach(router);
  const { sip: sipConfig } = config;
  const sip = sipConfig
    ? new SipService({
        config: { ...config, sip: sipConfig },
        backend,
        router,
        media,
        numbers: new PhoneNumberRepository(database),
        directory,
        database,
        records,
        log: app.log.child({ module: 'sip' }),
      })
    : undefined;
  supervisorFeed.attach(router);
  const queues = new QueueFeed(new QueueGroupsRepository(database), {
    log: app.log.child({ module: 'queues' }),
  });
  queues.attach(router);
  const sessionCommands = new SessionCommands(router, {
    heartbeatSeconds: config.heartbeatSeconds,
    limits,
    phones: new PhoneDialing(config.sip, new PhoneNumberRepository(database), sip),
    recordsWritten: () => records.flush(),
    tenantSkillNames: async (tenantId) =>
      (await directory.tenantSkills(tenantId)).map((skill) => skill.name),
    log: app.log.child({ module: 'session' }),
  });
  cluster?.attach(router, sessionCommands);
  // The limits count live calls in memory: a tenant's new owner counts the calls it adopts.
  cluster?.onTenantAdopted((snapshot) => limits.adopt(snapshot.calls));
  cluster?.onTenantGone((tenantId) => limits.forgetTenant(tenantId));
  // Connected calls' rooms live on in LiveKit: the new owner follows them (a party's leave ends
  // the call, the call's end closes the room), and the old one lets them be.
  cluster?.onTenantAdopted((snapshot) => media.adoptCalls(snapshot.calls));
  cluster?.onTenantGone((tenantId) => media.releaseTenant(tenantId));
  // The queue feed's last-sent views are only true while this node owns the tenant: another
  // owner's frames overtake them, so it forgets them when the tenant leaves and tells every tab
  // afresh when it takes the tenant over.
  cluster?.onTenantAdopted((_snapshot, tenantId) => queues.tenantAdopted(tenantId));
  cluster?.onTenantGone((tenantId) => queues.forgetTenant(tenantId));
  const sessions: SessionGatewayServices = cluster
    ? {
        backend: cluster.backend,
        draining: () => cluster.isDraining,
        onHandOver: (listener) => cluster.onHandOver(listener),
      }
    : {
        backend: new LocalSessionBackend(
          router.bus,
          sessionCommands,
          config.sessionResumeSeconds * 1000,
        ),
        draining: () => false,
      };

  const accounts = new AccountEvents(cluster?.accountRelay);
  // A revoked key is forgotten by this node's key cache (and, relayed, by every other node's).
  accounts.onApiKeyRevoked(() => forgetApiKeys(database));
  const adminChanges = new AdminChanges(undefined, cluster?.adminChangesRelay);
  // Every node hears of a change to people through AccountEvents: no second relay for it.
  accounts.onChanged((tenantId) => adminChanges.changedHere(tenantId, 'people'));
  app.addHook('onClose', async () => adminChanges.stop());
  app.decorate('services', {
    config,
    database,
    tokens,
    directory,
    records,
    router,
    media,
    scripts,
    sip,
    limits,
    sessions,
    cluster,
    queues,
    accounts,
    adminChanges,
  });
  registerErrorHandler(app);
  await registerSecurityHeaders(app, { mediaUrl: backend.publicUrl });
  // Before the routes, so its hook covers them all.
  if (cluster) registerClusterForwarding(app, cluster, config.cluster?.advertiseUrl);
  // Before the WebSocket plugin's own preClose (which closes every socket as if its tab left):
  // this node's tenants go to the others first, and its sockets close as "reconnect elsewhere".
  if (cluster) app.addHook('preClose', async () => cluster.handOver());
  await registerApiDocs(app);
  await app.register(websocket, {
    options: { maxPayload: 16 * 1024 },
    errorHandler: websocketErrorHandler(app.log.child({ module: 'websocket' })),
  });

  await app.register(authRoutes, { prefix: '/api' });
  await app.register(subscriberRoutes, { prefix: '/api' });
  await app.register(ringGroupRoutes, { prefix: '/api' });
  await app.register(apiKeyRoutes, { prefix: '/api' });
  await app.register(peopleRoutes, { prefix: '/api' });
  await app.register(callRoutes, { prefix: '/api' });
  await app.register(directoryRoutes, { prefix: '/api' });
  await app.register(sessionGateway, { prefix: '/api' });
  await app.register(livekitWebhookRoutes, { prefix: '/api' });
  await app.register(supervisorRoutes, { prefix: '/api', feed: supervisorFeed, backend });
  await app.register(assignRoute, { prefix: '/api' });
  await app.register(dispositionRoutes, { prefix: '/api' });
  await app.register(wrapUpRoutes, { prefix: '/api' });
  await app.register(phoneNumberRoutes, { prefix: '/api' });
  await app.register(adminFeedRoutes, { prefix: '/api' });
  await app.register(historyRoutes, { prefix: '/api' });
  await app.register(reportRoutes, { prefix: '/api' });
  await app.register(timeZoneRoutes, { prefix: '/api' });
  await registerConsole(app, config.consoleDir, config.consoleUrl);

  app.addHook('onClose', async () => {
    supervisorFeed.close();
    queues.close();
    router.stop();
    await cluster?.close();
    await sip?.close();
    await scripts.close();
    await media.close();
    await records.flush();
    await wrapUpStamps.flush();
    if (!existingDatabase) await database.close();
  });
  // Calls a previous process left unfinished (it crashed mid-call) are recorded as failed; in a
  // cluster another node may still be running them (or take them over), so they are left alone.
  if (cluster) await cluster.start();
  else await records.recoverUnfinished();
  sip?.start();
  return app;
}

/**
 * Test harness for call control: a real server on a random port, an in-memory PGlite database
 * (or PostgreSQL with `{ databaseUrl }`), two tenants, and helpers to make users, tokens and
 * ring groups. Tests talk to it over real HTTP (fetch) and real WebSockets, never through
 * private members.
 *
 *   import { startTestServer, requestJson } from '../test/harness.ts';
 *
 *   const server = await startTestServer({ ringTimeoutSeconds: 1 }); // any Config field
 *   after(() => server.close());
 *
 *   const ada = await server.createAgent('ada@t.test', 'Ada Lovelace'); // { user, token, address }
 *   const group = await server.tenant.createRingGroup('support', [ada.user.id]); // address /group/support
 *   const ws = new WebSocket(server.sessionUrl(ada.token));        // ws://…/api/session?token=…
 *   const res = await requestJson(server.url, 'GET', '/api/ring-groups', { token: server.apiKey });
 *
 *   server.otherTenant has the same helpers, for "another tenant's id is unknown" checks.
 *   createUser('sam@t.test', { role: 'supervisor', password: 'pass-word' }) also enables login.
 *
 * Defaults: logs silent (TEST_LOG_LEVEL=debug to see them), fixed JWT secret, tokens valid
 * 5 minutes, 1 s heartbeat, 2 s ring timeout, 10 s max queue wait, 1 s retry, 200 ms linger,
 * no console, the embedded media server on a free port (`app.services.media`). With
 * `MEDIA_BACKEND=livekit` every test server gets its own real livekit-server instead (free
 * loopback ports, generated keys, webhooks to this server: tools/livekit/livekit-server.ts),
 * exactly as LIVEKIT_URL configures production; `mediaWebhooks: false` (either backend) keeps
 * the media server's webhooks from ever arriving. `createPostgresTestSchema()` gives a throw-away PostgreSQL schema (or null when
 * PostgreSQL is unreachable: skip visibly with `t.skip('PostgreSQL not reachable')`).
 * Siblings: `openTestDatabase()` (test-database.ts) for repository tests without a server;
 * `expectRefused()` / `malformedBodies()` (bad-requests.ts) for bad-input tables.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import pg from 'pg';
import { buildApp, type App } from '../app.ts';
import { loadConfig, type Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import type { Role } from '../auth/tokens.ts';
import type { Scheduler } from '../shared/scheduler.ts';
import {
  privateAddress,
  type RingGroupRecord,
  type TenantRecord,
  type UserRecord,
} from '../directory/directory.ts';
import {
  RingGroupRepository,
  type RingGroupSettings,
} from '../ring-groups/ring-group-repository.ts';
import { TenantRepository } from '../tenants/tenant-repository.ts';
import { openTestDatabase } from './test-database.ts';
import { startLivekitServer, type LivekitServer } from '../../tools/livekit/livekit-server.ts';

/**
 * Which media server test servers use: `embedded` (default) or `livekit` (a real
 * livekit-server per test server), from MEDIA_BACKEND. Tests never branch on it.
 */
export const mediaBackend: 'embedded' | 'livekit' =
  process.env.MEDIA_BACKEND === 'livekit' ? 'livekit' : 'embedded';

/**
 * `TEST_SERVER=cluster` runs a test file against a two-node cluster instead of one process
 * (`npm run test:cluster`, the single-node acceptance suites): an owner node and a gateway
 * node in this process, on one Redis (a fresh key prefix) and one PostgreSQL (a fresh schema).
 * Every tenant the harness creates is owned by the owner node, and the test talks only to the
 * gateway (`url`, `sessionUrl`), so every request, socket frame and push crosses nodes through
 * Redis; `app` is the owner's, whose routing state tests may read.
 */
export const testServerKind: 'process' | 'cluster' =
  process.env.TEST_SERVER === 'cluster' ? 'cluster' : 'process';

export interface TestServerOptions {
  /** false: the media server's webhooks never reach call control (a lost webhook, every time). */
  mediaWebhooks?: boolean;
  /** Overrides MEDIA_BACKEND, for the few tests about how the backend is chosen. */
  mediaBackend?: 'embedded' | 'livekit';
  /** Call media's clock and timers: a ManualScheduler lets a test move its grace periods. */
  mediaScheduler?: Scheduler;
}

export interface TestUser {
  user: UserRecord;
  /** A session token for this user (valid for config.tokenTtlSeconds). */
  token: string;
  expiresAt: number;
  /** The user's dialable address, /private/<username>. */
  address: string;
}

export interface CreateUserOptions {
  name?: string;
  role?: Role;
  /** Set one to let the user sign in through POST /api/auth/login (hashing costs ~0.1 s). */
  password?: string;
}

export interface TestTenant extends TenantRecord {
  apiKey: string;
  createUser(reference: string, options?: CreateUserOptions): Promise<TestUser>;
  createAgent(reference: string, name?: string): Promise<TestUser>;
  /** Creates the group directly in the database; unspecified timings come from the config. */
  createRingGroup(
    name: string,
    memberIds: string[],
    settings?: Partial<RingGroupSettings>,
  ): Promise<RingGroupRecord>;
}

export interface TestServer {
  /** http://127.0.0.1:<port> (no trailing slash). */
  url: string;
  /** ws://127.0.0.1:<port>/api/session */
  wsUrl: string;
  sessionUrl(token: string): string;
  app: App;
  config: Config;
  database: Database;
  /** The main tenant and its API key; createAgent/createUser below are its helpers. */
  tenant: TestTenant;
  apiKey: string;
  otherTenant: TestTenant;
  createUser: TestTenant['createUser'];
  createAgent: TestTenant['createAgent'];
  /** A tenant with its API key, for tests needing more than two. */
  createTenant(name: string): Promise<TestTenant>;
  close(): Promise<void>;
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig({}),
    host: '127.0.0.1',
    port: 0,
    dataDir: 'memory',
    jwtSecret: 'switchboard-test-secret-not-for-production',
    logLevel: process.env.TEST_LOG_LEVEL ?? 'silent',
    consoleDir: '/nonexistent/switchboard-console',
    tokenTtlSeconds: 300,
    heartbeatSeconds: 1,
    // A lost tab's calls end a second after its socket, so tests of that end stay quick.
    sessionResumeSeconds: 1,
    sessionReloadGraceSeconds: 1,
    ringTimeoutSeconds: 2,
    maxQueueWaitSeconds: 10,
    retryIntervalSeconds: 1,
    endedCallLingerMs: 200,
    // No after-call work unless a test is about it: most tests take the next call at once.
    wrapUpSeconds: 0,
    notReadyAfterMissedCall: false,
    // Each test server starts its own embedded media server on a free port.
    mediaPort: 0,
    ...overrides,
  };
}

export async function startTestServer(
  overrides: Partial<Config> = {},
  {
    mediaWebhooks = true,
    mediaBackend: backend = mediaBackend,
    mediaScheduler,
  }: TestServerOptions = {},
): Promise<TestServer> {
  let livekit: LivekitServer | undefined;
  if (backend === 'livekit' && !overrides.livekitUrl) {
    // LiveKit's webhook URL is fixed when it starts, so call control's port is chosen first.
    const port = overrides.port || (await freePort());
    livekit = await startLivekitServer({
      webhookUrls: [
        mediaWebhooks
          ? `http://127.0.0.1:${port}/api/livekit/webhook`
          : `http://127.0.0.1:${await freePort()}/nowhere`,
      ],
    });
    overrides = {
      ...overrides,
      port,
      livekitUrl: livekit.url,
      livekitApiKey: livekit.apiKey,
      livekitApiSecret: livekit.apiSecret,
    };
  }
  if (testServerKind === 'cluster')
    return startClusterTestServer(overrides, livekit, mediaWebhooks);
  const config = testConfig(overrides);
  // With a databaseUrl the app opens (and closes) PostgreSQL itself.
  const ownDatabase = config.databaseUrl ? undefined : await openTestDatabase();
  const app = await buildApp(config, ownDatabase, { mediaScheduler });
  if (!mediaWebhooks)
    app.addHook('onListen', async () => app.services.media.embedded?.setWebhookUrl(undefined));
  const close = async () => {
    await app.close();
    await ownDatabase?.close();
    await livekit?.stop();
  };
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await close();
    throw error;
  }
  const { port } = app.server.address() as { port: number };
  const url = `http://127.0.0.1:${port}`;
  const wsUrl = `ws://127.0.0.1:${port}/api/session`;
  const database = app.services.database;
  const createTenant = (name: string) => makeTestTenant(app, name);
  const tenant = await createTenant('tenant-a');
  const otherTenant = await createTenant('tenant-b');
  return {
    url,
    wsUrl,
    sessionUrl: (token) => `${wsUrl}?token=${encodeURIComponent(token)}`,
    app,
    config: { ...config, port },
    database,
    tenant,
    apiKey: tenant.apiKey,
    otherTenant,
    createUser: tenant.createUser,
    createAgent: tenant.createAgent,
    createTenant,
    close,
  };
}

async function makeTestTenant(app: App, name: string): Promise<TestTenant> {
  const { database, tokens, config } = app.services;
  const tenants = new TenantRepository(database);
  const ringGroups = new RingGroupRepository(database);
  const { tenant, apiKey } = await tenants.createTenant(name);
  const createUser = async (
    reference: string,
    options: CreateUserOptions = {},
  ): Promise<TestUser> => {
    const { user } = await tenants.findOrCreateUser(tenant.id, {
      reference,
      displayName: options.name,
      role: options.role ?? 'agent',
      password: options.password,
    });
    const issued = await tokens.issue({ tenantId: tenant.id, userId: user.id, role: user.role });
    return { user, ...issued, address: privateAddress(user.username) };
  };
  return {
    ...tenant,
    apiKey,
    createUser,
    createAgent: (reference, name) => createUser(reference, { name, role: 'agent' }),
    createRingGroup: (groupName, memberIds, settings = {}) =>
      ringGroups.create(tenant.id, {
        name: groupName,
        memberIds,
        ringTimeoutSeconds: config.ringTimeoutSeconds,
        maxWaitSeconds: config.maxQueueWaitSeconds,
        retryIntervalSeconds: config.retryIntervalSeconds,
        wrapUpSeconds: config.wrapUpSeconds,
        ...settings,
      }),
  };
}

export interface JsonResponse<Body = any> {
  status: number;
  body: Body;
  headers: Headers;
}

export interface RequestOptions {
  /** Sent as `Authorization: Bearer <token>`: a session token or an API key. */
  token?: string;
  /** Serialized as JSON with content-type application/json. */
  body?: unknown;
  /** Sent as is (for malformed input); set content-type in `headers` yourself. */
  rawBody?: string;
  headers?: Record<string, string>;
}

/** One HTTP request; the body is parsed as JSON when there is one. */
export async function requestJson<Body = any>(
  baseUrl: string,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<JsonResponse<Body>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let payload: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    payload = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body: payload });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? JSON.parse(text) : undefined,
    headers: response.headers,
  };
}

export const postgresTestUrl =
  process.env.DATABASE_TEST_URL || 'postgres://root@127.0.0.1:5432/test';

export interface PostgresTestSchema {
  /** A connection string whose search_path is the fresh schema: pass it as databaseUrl. */
  url: string;
  /** Drops the schema and everything in it; close databases using it first. */
  drop(): Promise<void>;
}

/** A fresh, uniquely named schema in the test PostgreSQL, or null when it is unreachable. */
export async function createPostgresTestSchema(): Promise<PostgresTestSchema | null> {
  const schema = `switchboard_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const run = async (sql: string) => {
    const client = new pg.Client({
      connectionString: postgresTestUrl,
      connectionTimeoutMillis: 3000,
    });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  // Only an unreachable server means "skip"; any other failure is a real test failure.
  const probe = new pg.Client({ connectionString: postgresTestUrl, connectionTimeoutMillis: 3000 });
  try {
    await probe.connect();
  } catch {
    return null;
  }
  await probe.end();
  await run(`CREATE SCHEMA ${schema}`);
  const url = new URL(postgresTestUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return { url: url.toString(), drop: () => run(`DROP SCHEMA ${schema} CASCADE`) };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** See testServerKind. Throws when Redis or PostgreSQL is missing: the run asked for a cluster. */
async function startClusterTestServer(
  overrides: Partial<Config>,
  livekit: LivekitServer | undefined,
  mediaWebhooks: boolean,
): Promise<TestServer> {
  const { openTestRedis } = await import('../cluster/testing/test-redis.ts');
  const redis = await openTestRedis();
  if (!redis)
    throw new Error('TEST_SERVER=cluster needs Redis (REDIS_URL, default 127.0.0.1:6379)');
  const schema = overrides.databaseUrl ? null : await createPostgresTestSchema();
  if (!overrides.databaseUrl && !schema) {
    await redis.close();
    throw new Error('TEST_SERVER=cluster needs PostgreSQL (the nodes share it)');
  }
  const base = testConfig({ ...overrides, databaseUrl: overrides.databaseUrl ?? schema!.url });
  const node = (nodeId: string, port: number): Config => ({
    ...base,
    port,
    cluster: { redisUrl: redis.url, prefix: redis.prefix, nodeId, leaseMs: 3_000 },
  });
  // One after the other: the first migrates the schema. LiveKit's webhooks (a fixed port) reach
  // the gateway, which hands them to the owner.
  const build = async (config: Config) => {
    const app = await buildApp(config);
    if (!mediaWebhooks)
      app.addHook('onListen', async () => app.services.media.embedded?.setWebhookUrl(undefined));
    return app;
  };
  const owner = await build(node('owner', 0));
  const apps: App[] = [owner];
  const close = async () => {
    for (const app of apps.reverse()) await app.close();
    await schema?.drop().catch(() => {});
    await redis.close();
    await livekit?.stop();
  };
  let gateway: App;
  try {
    await owner.listen({ host: base.host, port: 0 });
    gateway = await build(node('gateway', base.port));
    apps.push(gateway);
    await gateway.listen({ host: base.host, port: base.port });
  } catch (error) {
    await close();
    throw error;
  }
  const { port } = gateway.server.address() as { port: number };
  const url = `http://127.0.0.1:${port}`;
  const wsUrl = `ws://127.0.0.1:${port}/api/session`;
  const createTenant = async (name: string) => {
    const tenant = await makeTestTenant(owner, name);
    // A new tenant goes to the first node that asks for it: the owner asks first.
    await owner.services.cluster!.ownerOf(tenant.id);
    return tenant;
  };
  const tenant = await createTenant('tenant-a');
  const otherTenant = await createTenant('tenant-b');
  return {
    url,
    wsUrl,
    sessionUrl: (token) => `${wsUrl}?token=${encodeURIComponent(token)}`,
    app: owner,
    config: { ...base, port },
    database: owner.services.database,
    tenant,
    apiKey: tenant.apiKey,
    otherTenant,
    createUser: tenant.createUser,
    createAgent: tenant.createAgent,
    createTenant,
    close,
  };
}

/**
 * A real cluster for tests: call-control nodes as separate `node server/main.ts` processes on
 * their own loopback ports, one real Redis (a fresh key prefix) and one real PostgreSQL (a fresh
 * schema). The harness migrates the schema, creates a tenant with its API key and issues tokens
 * itself (the nodes share JWT_SECRET), then talks to the nodes only over HTTP and WebSockets.
 * `kill()` is `kill -9`; `stop()` is SIGTERM (a rolling restart); `restart()` starts the node
 * again under the same name. Each node's output goes to a log file, printed when it exits badly.
 *
 *   const cluster = await startCluster({ nodes: 3 });   // null when Redis or PostgreSQL is missing
 *   const ada = await cluster.tenant.createAgent('ada@c.test', 'Ada');
 *   const tab = await AgentClient.connect(cluster.nodes[1]!.sessionUrl(ada.token));
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openDatabase, type Database } from '../../db/database.ts';
import { TokenService } from '../../auth/tokens.ts';
import { TenantRepository } from '../../tenants/tenant-repository.ts';
import {
  RingGroupRepository,
  type RingGroupSettings,
} from '../../ring-groups/ring-group-repository.ts';
import { privateAddress } from '../../directory/directory.ts';
import { createPostgresTestSchema, type TestUser } from '../../test/harness.ts';
import { openTestRedis, type TestRedis } from './test-redis.ts';

const JWT_SECRET = 'switchboard-cluster-test-secret';
const repoRoot = new URL('../../../', import.meta.url).pathname;

export interface ClusterNodeProcess {
  name: string;
  port: number;
  url: string;
  sessionUrl(token: string, resume?: string): string;
  readonly running: boolean;
  /** The process id while it runs (the benchmark reads its CPU time and memory). */
  readonly pid: number | undefined;
  /** kill -9: no goodbye, no hand-over. */
  kill(): Promise<void>;
  /** SIGTERM: hands its tenants over and closes its sockets (a rolling restart). */
  stop(): Promise<void>;
  /** Starts it again (same name and port). */
  restart(): Promise<void>;
  log(): Promise<string>;
}

export interface ClusterTenant {
  id: string;
  apiKey: string;
  createAgent(reference: string, name?: string): Promise<TestUser>;
  /** A person of another role (a supervisor watching the feed, an admin), with a token. */
  createUser(reference: string, name: string, role: 'supervisor' | 'admin'): Promise<TestUser>;
  createRingGroup(
    name: string,
    memberIds: string[],
    settings?: Partial<RingGroupSettings>,
  ): Promise<{ id: string; name: string }>;
}

/** A redis-server of the test's own (append-only file, so a restart keeps its data). */
export interface PrivateRedis {
  /** Stops it (SIGKILL): every node loses Redis until `start()`. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

export interface TestCluster {
  nodes: ClusterNodeProcess[];
  /** Set with `privateRedis: true`. */
  redisServer?: PrivateRedis;
  tenant: ClusterTenant;
  redis: TestRedis;
  database: Database;
  /** Another tenant with its API key (the first one is `tenant`). */
  createTenant(name: string): Promise<ClusterTenant>;
  /** The node that owns the tenant now (from its Redis lease), if any. */
  ownerOf(tenantId: string): Promise<ClusterNodeProcess | undefined>;
  close(): Promise<void>;
}

export interface ClusterOptions {
  nodes?: number;
  /** Extra environment for every node (RING_TIMEOUT_SECONDS, …). */
  env?: Record<string, string>;
  /** Run a redis-server of its own (for outages) instead of the machine's Redis. */
  privateRedis?: boolean;
  /** The nodes' ports (from `freePort()`), when something must know them before they start. */
  ports?: number[];
}

export async function startCluster(options: ClusterOptions = {}): Promise<TestCluster | null> {
  const redisServer = options.privateRedis ? await startPrivateRedis() : undefined;
  if (options.privateRedis && !redisServer) return null;
  const redis = await openTestRedis(redisServer?.url);
  if (!redis) return null;
  const schema = await createPostgresTestSchema();
  if (!schema) {
    await redis.close();
    return null;
  }
  // Migrated once here, so the nodes never race each other's migrations.
  const database = await openDatabase({ databaseUrl: schema.url });
  const tokens = new TokenService(JWT_SECRET, 3600);
  const logDir = await mkdtemp(join(tmpdir(), 'switchboard-cluster-'));
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    DATABASE_URL: schema.url,
    REDIS_URL: redis.url,
    REDIS_PREFIX: redis.prefix,
    JWT_SECRET,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL || 'info',
    CLUSTER_LEASE_MS: '1500',
    HEARTBEAT_SECONDS: '1',
    SESSION_RESUME_SECONDS: '10',
    RING_TIMEOUT_SECONDS: '20',
    ENDED_CALL_LINGER_MS: '200',
    WRAP_UP_SECONDS: '0',
    MEDIA_PORT: '0',
    CONSOLE_DIR: '/nonexistent/switchboard-console',
    ...options.env,
  };
  // The embedded media server per node, unless the test gives the nodes a LiveKit.
  if (!options.env?.LIVEKIT_URL) delete env.LIVEKIT_URL;

  const nodes: ClusterNodeProcess[] = [];
  const count = options.nodes ?? 3;
  for (let index = 0; index < count; index++)
    nodes.push(
      await nodeProcess(`n${index + 1}`, options.ports?.[index] ?? (await freePort()), env, logDir),
    );
  await Promise.all(nodes.map((node) => node.restart()));

  const tenants = new TenantRepository(database);
  const ringGroups = new RingGroupRepository(database);
  const createTenant = async (name: string): Promise<ClusterTenant> => {
    const { tenant: record, apiKey } = await tenants.createTenant(name);
    const createUser = async (
      reference: string,
      displayName: string | undefined,
      role: 'agent' | 'supervisor' | 'admin',
    ): Promise<TestUser> => {
      const { user } = await tenants.findOrCreateUser(record.id, { reference, displayName, role });
      const issued = await tokens.issue({ tenantId: record.id, userId: user.id, role: user.role });
      return { user, ...issued, address: privateAddress(user.username) };
    };
    return {
      id: record.id,
      apiKey,
      createAgent: (reference, displayName) => createUser(reference, displayName, 'agent'),
      createUser,
      createRingGroup: (groupName, memberIds, settings = {}) =>
        ringGroups.create(record.id, {
          name: groupName,
          memberIds,
          ringTimeoutSeconds: 20,
          maxWaitSeconds: 600,
          retryIntervalSeconds: 1,
          wrapUpSeconds: 0,
          ...settings,
        }),
    };
  };
  const tenant = await createTenant(`cluster-${Date.now()}`);

  return {
    nodes,
    redisServer: redisServer ?? undefined,
    tenant,
    createTenant,
    redis,
    database,
    async ownerOf(tenantId) {
      const lease = await redis.redis.get(redis.keys.lease(tenantId));
      const name = lease?.slice(0, lease.lastIndexOf(':'));
      return nodes.find((node) => node.name === name);
    },
    async close() {
      await Promise.all(nodes.map((node) => node.kill()));
      await database.close();
      await schema.drop().catch(() => {});
      await redis.close();
      await redisServer?.stop();
    },
  };
}

async function nodeProcess(
  name: string,
  port: number,
  env: Record<string, string>,
  logDir: string,
): Promise<ClusterNodeProcess> {
  const logFile = join(logDir, `${name}.log`);
  const logStream = createWriteStream(logFile, { flags: 'a' });
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  const url = `http://127.0.0.1:${port}`;

  const node: ClusterNodeProcess = {
    name,
    port,
    url,
    sessionUrl: (token, resume) =>
      `ws://127.0.0.1:${port}/api/session?token=${encodeURIComponent(token)}${resume ? `&resume=${resume}` : ''}`,
    get running() {
      return child !== null;
    },
    get pid() {
      return child?.pid;
    },
    async kill() {
      if (!child) return;
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (!child) return;
      child.kill('SIGTERM');
      await exited;
    },
    async restart() {
      if (child) await node.kill();
      const started = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
        cwd: repoRoot,
        env: { ...env, PORT: String(port), NODE_ID: name },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = started;
      started.stdout.pipe(logStream, { end: false });
      started.stderr.pipe(logStream, { end: false });
      exited = new Promise((resolve) =>
        started.once('exit', () => {
          if (child === started) child = null;
          resolve();
        }),
      );
      const deadline = Date.now() + 60_000;
      for (;;) {
        if (!child) throw new Error(`node ${name} exited at start:\n${await node.log()}`);
        const healthy = await fetch(`${url}/api/health`)
          .then((response) => response.ok)
          .catch(() => false);
        if (healthy) return;
        if (Date.now() > deadline)
          throw new Error(`node ${name} did not start:\n${await node.log()}`);
        await sleep(100);
      }
    },
    log: () => readFile(logFile, 'utf8').catch(() => ''),
  };
  return node;
}

export async function startPrivateRedis(): Promise<(PrivateRedis & { url: string }) | null> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-redis-'));
  let child: ChildProcess | null = null;
  const server = {
    url: `redis://127.0.0.1:${port}`,
    async start() {
      const started = spawn(
        'redis-server',
        [
          '--bind',
          '127.0.0.1',
          '--port',
          String(port),
          '--dir',
          dir,
          '--save',
          '',
          '--appendonly',
          'yes',
          '--appendfsync',
          'always',
        ],
        { stdio: 'ignore' },
      );
      child = started;
      const spawned = await new Promise<boolean>((resolve) => {
        started.once('error', () => resolve(false));
        started.once('spawn', () => resolve(true));
      });
      if (!spawned) throw new Error('redis-server could not be started');
      for (let tries = 0; tries < 100; tries++) {
        const ready = await new Promise<boolean>((resolve) => {
          const socket = createConnection(port, '127.0.0.1');
          socket.once('connect', () => (socket.destroy(), resolve(true)));
          socket.once('error', () => resolve(false));
        });
        if (ready) return;
        await sleep(50);
      }
      throw new Error('redis-server did not start');
    },
    async stop() {
      const running = child;
      if (!running) return;
      child = null;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGKILL');
      await exited;
    },
  };
  try {
    await server.start();
  } catch {
    return null;
  }
  return server;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

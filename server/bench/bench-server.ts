/**
 * The server side of `npm run bench:server`, run as its own process so the load generator's
 * 1,000 clients do not share an event loop with the server they measure. It seeds one tenant
 * with agents in ring groups, serves on a random port, and answers memory questions over IPC
 * (after a full GC, so idle sessions are measured, not garbage).
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { TenantRepository } from '../tenants/tenant-repository.ts';
import { RingGroupRepository } from '../ring-groups/ring-group-repository.ts';
import { cpuByThread } from './thread-cpu.ts';

export interface BenchSetup {
  url: string;
  apiKey: string;
  groups: { name: string; agentTokens: string[] }[];
}

export type BenchRequest =
  | { type: 'memory' }
  | { type: 'cpu' }
  | { type: 'profile-start' }
  | { type: 'profile-stop'; path: string }
  /** Every bench group rings with this strategy from the next call on. */
  | { type: 'strategy'; strategy: string }
  | { type: 'stop' };
export type BenchReply =
  | { type: 'ready'; setup: BenchSetup }
  | { type: 'memory'; heapUsed: number; rss: number }
  | {
      type: 'cpu';
      micros: number;
      /** The kernel's part of `micros`. */
      systemMicros: number;
      /** The same by OS thread name (Linux; empty elsewhere). */
      threads: Record<string, number>;
      loopDelayP99Ms: number;
      loopDelayMaxMs: number;
    }
  | { type: 'profiled'; path: string }
  | { type: 'strategy-set'; strategy: string };

const agentCount = Number(process.env.BENCH_AGENTS ?? 1000);
const groupSize = Number(process.env.BENCH_GROUP_SIZE ?? 20);

// On disk by default, as `npm start` and a deployment without PostgreSQL run the embedded
// database (on its own thread); BENCH_DATA_DIR=memory measures the in-thread engine the test
// suites use.
const dataDir =
  process.env.BENCH_DATA_DIR === 'memory'
    ? 'memory'
    : await mkdtemp(join(tmpdir(), 'switchboard-bench-'));
const config = {
  // BENCH_DATABASE_URL=postgres://… measures with PostgreSQL, whose work runs off this thread.
  ...loadConfig({ DATABASE_URL: process.env.BENCH_DATABASE_URL }),
  port: 0,
  dataDir,
  logLevel: 'warn',
  consoleDir: '/nonexistent',
  jwtSecret: 'bench-secret',
  tokenTtlSeconds: 3600,
  ringTimeoutSeconds: 20,
  endedCallLingerMs: 1000,
  // Every member is accepted at once again: after-call work (30 s by default) would keep each
  // call's winner out of the group's next calls, which then never ring the whole group.
  wrapUpSeconds: 0,
  mediaPort: 0,
  // The benchmark is one API key placing calls as fast as asked: the abuse caps stay out of it.
  maxLiveCallsPerApiKey: 1_000_000,
  maxLiveCallsPerTenant: 1_000_000,
};
const app = await buildApp(config);
await app.listen({ host: '127.0.0.1', port: 0 });
const { port } = app.server.address() as { port: number };

const { database, tokens } = app.services;
const { tenant, apiKey } = await new TenantRepository(database).createTenant('bench');
const userIds = Array.from({ length: agentCount }, () => randomUUID());
// One statement for all agents: seeding 1,000 users one by one would dominate the run.
await database.query(
  `INSERT INTO users (id, tenant_id, reference, username, display_name, role)
   SELECT id, $1, 'agent' || n || '@bench.test', 'agent' || n, 'Agent ' || n, 'agent'
   FROM unnest($2::text[]) WITH ORDINALITY AS t(id, n)`,
  [tenant.id, userIds],
);
const ringGroups = new RingGroupRepository(database);
const groups: BenchSetup['groups'] = [];
const groupIds: string[] = [];
for (let start = 0; start < agentCount; start += groupSize) {
  const memberIds = userIds.slice(start, start + groupSize);
  const name = `bench-${start / groupSize}`;
  const group = await ringGroups.create(tenant.id, {
    name,
    memberIds,
    ringTimeoutSeconds: 20,
    maxWaitSeconds: 600,
    retryIntervalSeconds: 1,
    // The bench measures routing: a winner is available again as soon as it hangs up.
    wrapUpSeconds: 0,
  });
  groupIds.push(group.id);
  const agentTokens = await Promise.all(
    memberIds.map(
      async (userId) => (await tokens.issue({ tenantId: tenant.id, userId, role: 'agent' })).token,
    ),
  );
  groups.push({ name, agentTokens });
}

const profiler = new Session();
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();
const send = (reply: BenchReply) => process.send!(reply);
const collectGarbage = (globalThis as { gc?: () => void }).gc;

async function answer(request: BenchRequest): Promise<void> {
  if (request.type === 'memory') {
    for (let round = 0; round < 3; round++) {
      collectGarbage?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    const usage = process.memoryUsage();
    send({ type: 'memory', heapUsed: usage.heapUsed, rss: usage.rss });
  } else if (request.type === 'cpu') {
    // Also how late the event loop ran since the last question: the server's share of any tail.
    const usage = process.cpuUsage();
    send({
      type: 'cpu',
      micros: usage.user + usage.system,
      systemMicros: usage.system,
      threads: cpuByThread(),
      loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
      loopDelayMaxMs: loopDelay.max / 1e6,
    });
    loopDelay.reset();
  } else if (request.type === 'profile-start') {
    // Profiles only the load phase: seeding and connecting would drown it.
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  } else if (request.type === 'profile-stop') {
    const { profile } = await profiler.post('Profiler.stop');
    await writeFile(request.path, JSON.stringify(profile));
    send({ type: 'profiled', path: request.path });
  } else if (request.type === 'strategy') {
    for (const id of groupIds)
      await ringGroups.update(tenant.id, id, { strategy: request.strategy });
    app.services.router.ringGroupsChanged(tenant.id);
    send({ type: 'strategy-set', strategy: request.strategy });
  } else if (request.type === 'stop') {
    await app.close();
    if (dataDir !== 'memory') await rm(dataDir, { recursive: true, force: true });
    process.exit(0);
  }
}
// A failure ends the bench's server process (unhandled rejection), which the bench reports.
process.on('message', (request: BenchRequest) => void answer(request));

send({ type: 'ready', setup: { url: `http://127.0.0.1:${port}`, apiKey, groups } });

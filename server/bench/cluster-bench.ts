/**
 * `npm run bench:cluster`: call control as a cluster under load, against the same load on one
 * node. Starts BENCH_NODES call-control processes (server/cluster/testing/cluster-harness.ts: one
 * Redis prefix, one PostgreSQL schema), BENCH_TENANTS tenants with ring groups of
 * BENCH_GROUP_SIZE, BENCH_AGENTS agent sessions spread over the nodes (agent i on node i mod n),
 * then places BENCH_RATE calls/s for BENCH_SECONDS through the nodes' HTTP APIs (round robin).
 * Each call rings its whole group and is cancelled by its caller (POST …/hangup) once it does.
 * It prints, p50/p95/p99:
 *   time-to-ring        POST /api/calls → every member's tab holding the call ringing
 *   cancel propagation  POST …/hangup → every member's tab showing it ended
 * CPU per call (all nodes' user+system time during the load / calls) and memory per session
 * (all nodes' RSS growth from connecting the sessions), then the same on one node, and the
 * ratio (the cluster's overhead). Then the failover: ringing calls in every tenant, `kill -9`
 * of the node owning most tenants; its tabs reconnect to the others with `?resume=`; time from
 * the kill to every tab resumed, and to every ringing call ringing again at all its members
 * (p50/p99), and calls lost (must be 0).
 * Targets: time-to-ring p99 < 30 ms at 3 nodes; failover p99 < 5 s; 0 calls lost.
 *
 * Full size (the lead runs it): BENCH_NODES=3 BENCH_AGENTS=3000 BENCH_TENANTS=30 BENCH_RATE=100
 * BENCH_SECONDS=30 (the defaults). Smoke: BENCH_AGENTS=120 BENCH_TENANTS=3 BENCH_RATE=10
 * BENCH_SECONDS=5. BENCH_BASELINE=0 skips the one-node run.
 */
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import type { CallView, ServerMessage } from '../../protocol/session-protocol.ts';
import { requestJson } from '../test/harness.ts';
import {
  startCluster,
  type ClusterNodeProcess,
  type TestCluster,
} from '../cluster/testing/cluster-harness.ts';
import { summarize, type Summary } from './bench-stats.ts';

const nodeCount = Number(process.env.BENCH_NODES ?? 3);
const agentCount = Number(process.env.BENCH_AGENTS ?? 3000);
const tenantCount = Number(process.env.BENCH_TENANTS ?? 30);
const groupSize = Number(process.env.BENCH_GROUP_SIZE ?? 10);
const rate = Number(process.env.BENCH_RATE ?? 100);
const seconds = Number(process.env.BENCH_SECONDS ?? 30);
const baseline = process.env.BENCH_BASELINE !== '0';

/** A light tab: reports each call's first ringing and its end, reconnects with ?resume=. */
class Tab {
  socket!: WebSocket;
  sessionId = '';
  node: ClusterNodeProcess;
  private readonly statuses = new Map<string, string>();
  onRinging: (tab: Tab, call: CallView) => void = () => {};
  onEnded: (tab: Tab, call: CallView) => void = () => {};
  onResumed: (tab: Tab) => void = () => {};

  constructor(
    node: ClusterNodeProcess,
    readonly token: string,
    readonly groupKey: string,
  ) {
    this.node = node;
  }

  connect(resume?: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(this.node.sessionUrl(this.token, resume));
      this.socket = socket;
      socket.on('error', (error) => reject(error));
      socket.on('message', (data) => {
        const message = JSON.parse(data.toString()) as ServerMessage;
        if (message.type === 'hello') {
          this.sessionId = message.sessionId;
          if (resume) {
            this.statuses.clear(); // what it shows from now on counts again
            this.onResumed(this);
            resolve();
          } else socket.send(JSON.stringify({ type: 'online' }));
        } else if (message.type === 'registered') resolve();
        else if (message.type === 'incoming_calls') this.receive(message.calls);
      });
    });
  }

  /** After its node died: every ringing call counts again (the failover's "ringing again"). */
  forget(): void {
    this.statuses.clear();
  }

  private receive(calls: CallView[]): void {
    for (const call of calls) {
      if (this.statuses.get(call.id) === call.status) continue;
      this.statuses.set(call.id, call.status);
      if (call.status === 'ringing') this.onRinging(this, call);
      else if (call.status === 'disconnected') this.onEnded(this, call);
    }
  }

  close(): void {
    this.socket.removeAllListeners('close');
    this.socket.terminate();
  }
}

const cpuMs = (pid: number | undefined) => {
  if (!pid) return 0;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, 100 Hz
};
const rssKb = (pid: number | undefined) => {
  if (!pid) return 0;
  const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/);
  return Number(match?.[1] ?? 0);
};
const sum = (nodes: ClusterNodeProcess[], read: (pid: number | undefined) => number) =>
  nodes.reduce((total, node) => total + read(node.pid), 0);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Setup {
  cluster: TestCluster;
  tabs: Tab[];
  groups: { key: string; tenantIndex: number; address: string; tabs: Tab[] }[];
  apiKeys: string[];
  tenantIds: string[];
}

async function setUp(nodes: number): Promise<Setup> {
  const cluster = await startCluster({
    nodes,
    env: {
      LOG_LEVEL: 'warn',
      RING_TIMEOUT_SECONDS: '60',
      MEDIA_RECONCILE_SECONDS: '3600',
      MAX_LIVE_CALLS_PER_API_KEY: '100000',
      MAX_LIVE_CALLS_PER_TENANT: '100000',
      NOT_READY_AFTER_MISSED_CALL: 'false',
    },
  });
  if (!cluster) throw new Error('bench:cluster needs Redis and PostgreSQL');
  const tabs: Tab[] = [];
  const groups: Setup['groups'] = [];
  const apiKeys: string[] = [];
  const tenantIds: string[] = [];
  const perTenant = Math.ceil(agentCount / tenantCount);
  let agentIndex = 0;
  for (let t = 0; t < tenantCount; t++) {
    const tenant =
      t === 0 ? cluster.tenant : await cluster.createTenant(`bench-${t}-${Date.now()}`);
    apiKeys.push(tenant.apiKey);
    tenantIds.push(tenant.id);
    for (let g = 0; g * groupSize < perTenant; g++) {
      const members = await Promise.all(
        Array.from({ length: Math.min(groupSize, perTenant - g * groupSize) }, (_, m) =>
          tenant.createAgent(`a${t}-${g}-${m}@bench.test`, `Agent ${t}.${g}.${m}`),
        ),
      );
      const group = await tenant.createRingGroup(
        `g${g}`,
        members.map((member) => member.user.id),
        { ringTimeoutSeconds: 60 },
      );
      const key = `${t}/${group.name}`;
      const groupTabs = members.map(
        (member) => new Tab(cluster.nodes[agentIndex++ % nodes], member.token, key),
      );
      tabs.push(...groupTabs);
      groups.push({ key, tenantIndex: t, address: `/group/${group.name}`, tabs: groupTabs });
    }
  }
  return { cluster, tabs, groups, apiKeys, tenantIds };
}

interface LoadResult {
  nodes: number;
  calls: number;
  timeToRing: Summary;
  cancel: Summary;
  cpuMsPerCall: number;
  kbPerSession: number;
  failures: number;
}

async function load(setup: Setup): Promise<LoadResult> {
  const { cluster, tabs, groups, apiKeys } = setup;
  const nodes = cluster.nodes;
  const rssBefore = sum(nodes, rssKb);
  for (let start = 0; start < tabs.length; start += 50)
    await Promise.all(tabs.slice(start, start + 50).map((tab) => tab.connect()));
  await sleep(1000);
  const kbPerSession = (sum(nodes, rssKb) - rssBefore) / tabs.length;

  const placedAt = new Map<string, number>();
  const rungBy = new Map<string, number>();
  const cancelledAt = new Map<string, number>();
  const endedBy = new Map<string, number>();
  const timeToRing: number[] = [];
  const cancel: number[] = [];
  const groupOfCall = new Map<string, Setup['groups'][number]>();
  let failures = 0;
  let sent = 0;
  const hangup = async (callId: string) => {
    const group = groupOfCall.get(callId)!;
    cancelledAt.set(callId, performance.now());
    const via = nodes[sent++ % nodes.length];
    const done = await requestJson(via.url, 'POST', `/api/calls/${callId}/hangup`, {
      token: apiKeys[group.tenantIndex],
    }).catch(() => null);
    if (done?.status !== 200) failures++;
  };
  // A call's pushes may reach the tabs before the POST's answer reaches the bench: ringing is
  // counted by call id whatever arrives first, and the cancel goes once both are in.
  const allRungAt = new Map<string, number>();
  const cancelWhenReady = (callId: string) => {
    const group = groupOfCall.get(callId);
    if (!group || !allRungAt.has(callId) || cancelledAt.has(callId)) return;
    timeToRing.push(allRungAt.get(callId)! - placedAt.get(callId)!);
    void hangup(callId);
  };
  for (const tab of tabs) {
    tab.onRinging = (_tab, call) => {
      const rung = (rungBy.get(call.id) ?? 0) + 1;
      rungBy.set(call.id, rung);
      if (rung === groupSize || rung === groupOfCall.get(call.id)?.tabs.length) {
        allRungAt.set(call.id, performance.now());
        cancelWhenReady(call.id);
      }
    };
    tab.onEnded = (_tab, call) => {
      const group = groupOfCall.get(call.id);
      if (!group || !cancelledAt.has(call.id)) return;
      const ended = (endedBy.get(call.id) ?? 0) + 1;
      endedBy.set(call.id, ended);
      if (ended === group.tabs.length) cancel.push(performance.now() - cancelledAt.get(call.id)!);
    };
  }

  const cpuBefore = sum(nodes, cpuMs);
  const total = Math.round(rate * seconds);
  const startedAt = performance.now();
  const placing: Promise<void>[] = [];
  for (let index = 0; index < total; index++) {
    const due = startedAt + (index * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const group = groups[index % groups.length];
    const via = nodes[index % nodes.length];
    const at = performance.now();
    placing.push(
      requestJson(via.url, 'POST', '/api/calls', {
        token: apiKeys[group.tenantIndex],
        body: { from: { name: `Bench ${index}`, address: '+15550100' }, to: group.address },
      }).then(
        (placed) => {
          if (placed.status !== 201) return void failures++;
          groupOfCall.set(placed.body.id, group);
          placedAt.set(placed.body.id, at);
          cancelWhenReady(placed.body.id);
        },
        () => void failures++,
      ),
    );
  }
  await Promise.all(placing);
  const settleUntil = performance.now() + 10_000;
  while (cancel.length + failures < total && performance.now() < settleUntil) await sleep(100);
  const cpuMsPerCall = (sum(nodes, cpuMs) - cpuBefore) / total;
  return {
    nodes: nodes.length,
    calls: total,
    timeToRing: summarize(timeToRing),
    cancel: summarize(cancel),
    cpuMsPerCall,
    kbPerSession,
    failures: failures + (total - cancel.length - failures),
  };
}

async function failover(
  setup: Setup,
): Promise<{ resumed: Summary; ringingAgain: Summary; lost: number }> {
  const { cluster, tabs, groups, apiKeys } = setup;
  // One ringing call per tenant's first group.
  const firstGroups = groups.filter(
    (group, index) =>
      groups.findIndex((other) => other.tenantIndex === group.tenantIndex) === index,
  );
  const ringingCalls = new Map<string, Setup['groups'][number]>();
  for (const group of firstGroups) {
    const placed = await requestJson(cluster.nodes[0].url, 'POST', '/api/calls', {
      token: apiKeys[group.tenantIndex],
      body: { from: { name: 'Failover', address: '+15550100' }, to: group.address },
    });
    ringingCalls.set(placed.body.id, group);
  }
  await sleep(1500);
  // The node that owns the most tenants.
  const owners = new Map<string, number>();
  for (const tenantId of await cluster.redis.redis.smembers(cluster.redis.keys.tenants())) {
    const owner = await cluster.ownerOf(tenantId);
    if (owner) owners.set(owner.name, (owners.get(owner.name) ?? 0) + 1);
  }
  const victimName = [...owners].sort((a, b) => b[1] - a[1])[0]?.[0] ?? cluster.nodes[0].name;
  const victim = cluster.nodes.find((node) => node.name === victimName)!;
  const survivors = cluster.nodes.filter((node) => node !== victim);
  // Measured: the calls of the tenants the victim owns (the others' calls are not touched).
  for (const [callId, group] of [...ringingCalls])
    if ((await cluster.ownerOf(setup.tenantIds[group.tenantIndex])) !== victim)
      ringingCalls.delete(callId);

  const resumed: number[] = [];
  const ringingAgain = new Map<string, number>();
  const ringingAgainMs: number[] = [];
  let killedAt = 0;
  for (const tab of tabs) {
    tab.forget();
    tab.onRinging = (_tab, call) => {
      const group = ringingCalls.get(call.id);
      if (!group || !killedAt) return;
      const count = (ringingAgain.get(call.id) ?? 0) + 1;
      ringingAgain.set(call.id, count);
      if (count === group.tabs.length) ringingAgainMs.push(performance.now() - killedAt);
    };
    tab.onResumed = () => resumed.push(performance.now() - killedAt);
  }
  const orphans = tabs.filter((tab) => tab.node === victim);
  killedAt = performance.now();
  await victim.kill();
  await Promise.all(
    orphans.map(async (tab, index) => {
      tab.node = survivors[index % survivors.length]!;
      tab.forget();
      await tab.connect(tab.sessionId).catch(() => {});
    }),
  );
  const until = performance.now() + 15_000;
  while (ringingAgainMs.length < ringingCalls.size && performance.now() < until) await sleep(100);
  return {
    resumed: summarize(resumed),
    ringingAgain: summarize(ringingAgainMs),
    lost: ringingCalls.size - ringingAgainMs.length,
  };
}

const line = (name: string, summary: Summary) =>
  `  ${name.padEnd(20)} p50 ${summary.p50.toFixed(1)} ms  p95 ${summary.p95.toFixed(1)} ms  p99 ${summary.p99.toFixed(1)} ms  (n=${summary.count})`;

function print(result: LoadResult): void {
  console.log(
    `\n${result.nodes} node(s): ${agentCount} sessions, ${tenantCount} tenants, ${rate} calls/s for ${seconds} s (${result.calls} calls)`,
  );
  console.log(line('time-to-ring', result.timeToRing));
  console.log(line('cancel propagation', result.cancel));
  console.log(
    `  CPU per call ${result.cpuMsPerCall.toFixed(2)} ms (all nodes)   memory per session ${result.kbPerSession.toFixed(1)} kB RSS   failed calls ${result.failures}`,
  );
}

const results: LoadResult[] = [];
const setup = await setUp(nodeCount);
try {
  const result = await load(setup);
  results.push(result);
  print(result);
  if (nodeCount > 1) {
    const failed = await failover(setup);
    console.log(`\nfailover (kill -9 of the busiest owner):`);
    console.log(line('every tab resumed', failed.resumed));
    console.log(line('ringing again', failed.ringingAgain));
    console.log(`  calls lost ${failed.lost}`);
    console.log(
      `  targets: failover p99 < 5000 ms: ${failed.ringingAgain.p99 < 5000 ? 'PASS' : 'FAIL'}; 0 lost: ${failed.lost === 0 ? 'PASS' : 'FAIL'}`,
    );
  }
} finally {
  for (const tab of setup.tabs) tab.close();
  await setup.cluster.close();
}
if (baseline && nodeCount > 1) {
  const single = await setUp(1);
  try {
    const result = await load(single);
    print(result);
    const cluster = results[0];
    console.log(
      `\ncluster overhead (${nodeCount} nodes / 1 node): time-to-ring p99 ×${(cluster.timeToRing.p99 / result.timeToRing.p99).toFixed(2)}, cancel p99 ×${(cluster.cancel.p99 / result.cancel.p99).toFixed(2)}, CPU per call ×${(cluster.cpuMsPerCall / result.cpuMsPerCall).toFixed(2)}`,
    );
  } finally {
    for (const tab of single.tabs) tab.close();
    await single.cluster.close();
  }
}
const first = results[0];
console.log(
  `target: time-to-ring p99 < 30 ms at ${nodeCount} nodes: ${first.timeToRing.p99 < 30 ? 'PASS' : 'FAIL'} (${first.timeToRing.p99.toFixed(1)} ms)`,
);
process.exit(0);

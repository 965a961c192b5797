/**
 * `npm run bench:server`: call control under a steady load of group calls.
 *
 * Starts the server in a child process (bench-server.ts), connects 1,000 agent sessions in
 * ring groups of 20, then places calls through POST /api/calls at a steady rate. For every
 * call one member accepts as soon as the whole group holds it ringing, and hangs up shortly
 * after. It prints, as p50/p95/p99:
 *   time-to-ring        dial → every member's client holding the call ringing
 *   cancel propagation  the winning accept → every other member's client showing answered_elsewhere
 * and the server's memory per idle connected session (heap and RSS, after a full GC).
 * Targets on a 2-core machine: p99 < 50 ms for both at 50 calls/s; < 64 kB per idle session.
 *
 * Knobs: BENCH_AGENTS (1000), BENCH_GROUP_SIZE (20), BENCH_RATE (50 calls/s),
 * BENCH_SECONDS (20), BENCH_WARMUP_SECONDS (2), BENCH_HOLD_MS (200), BENCH_PROFILE (a file: CPU profile
 * of the server during the load), BENCH_DATA_DIR=disk (embedded database on disk, not in memory),
 * BENCH_SERVER_FLAGS (extra Node flags for the server process).
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { BenchReply, BenchRequest, BenchSetup } from './bench-server.ts';
import { BenchAgent, type AgentEvents } from './bench-agent.ts';
import { summarize, type Summary } from './bench-stats.ts';

const rate = Number(process.env.BENCH_RATE ?? 50);
const seconds = Number(process.env.BENCH_SECONDS ?? 20);
const warmupSeconds = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const holdMs = Number(process.env.BENCH_HOLD_MS ?? 200);

interface TrackedCall {
  sequence: number;
  groupIndex: number;
  measured: boolean;
  dialedAt: number;
  ringing: number;
  acceptedAt?: number;
  elsewhere: number;
}

const child = fork(fileURLToPath(new URL('./bench-server.ts', import.meta.url)), [], {
  execArgv: [
    '--import',
    'tsx',
    '--expose-gc',
    ...(process.env.BENCH_SERVER_FLAGS?.split(' ').filter(Boolean) ?? []),
  ],
  env: process.env,
});
const replies: BenchReply[] = [];
const replyWaiters: (() => void)[] = [];
child.on('message', (reply: BenchReply) => {
  replies.push(reply);
  replyWaiters.splice(0).forEach((wake) => wake());
});
async function nextReply<T extends BenchReply['type']>(
  type: T,
): Promise<Extract<BenchReply, { type: T }>> {
  for (;;) {
    const index = replies.findIndex((reply) => reply.type === type);
    if (index >= 0) return replies.splice(index, 1)[0] as Extract<BenchReply, { type: T }>;
    await new Promise<void>((wake) => replyWaiters.push(wake));
  }
}
const ask = (request: BenchRequest) => child.send(request);
async function serverMemory() {
  ask({ type: 'memory' });
  return nextReply('memory');
}

console.log('starting call control and seeding agents …');
const { setup } = (await nextReply('ready')) as { setup: BenchSetup };
const wsUrl = `${setup.url.replace('http', 'ws')}/api/session`;
const groupSize = setup.groups[0]!.agentTokens.length;
const sessionCount = setup.groups.reduce((sum, group) => sum + group.agentTokens.length, 0);

const calls = new Map<string, TrackedCall>();
const timeToRing: number[] = [];
const cancelPropagation: number[] = [];
let errorFrames = 0;
let completedCalls = 0;

const events: AgentEvents = {
  ringing(agent, call) {
    const tracked = calls.get(call.params.sequence!);
    if (!tracked || ++tracked.ringing !== groupSize) return;
    if (tracked.measured) timeToRing.push(performance.now() - tracked.dialedAt);
    // The whole group holds the call: the chosen member accepts now.
    const winner = agents[tracked.groupIndex]![tracked.sequence % groupSize]!;
    tracked.acceptedAt = performance.now();
    winner.send({ type: 'call.accept', callId: call.id });
  },
  answeredElsewhere(_agent, call) {
    const tracked = calls.get(call.params.sequence!);
    if (!tracked?.acceptedAt || ++tracked.elsewhere !== groupSize - 1) return;
    if (tracked.measured) cancelPropagation.push(performance.now() - tracked.acceptedAt);
  },
  connected(agent, call) {
    setTimeout(() => {
      agent.send({ type: 'call.hangup', callId: call.id });
      completedCalls++;
      calls.delete(call.params.sequence!);
    }, holdMs);
  },
  error(_agent, message) {
    errorFrames++;
    if (errorFrames <= 5) console.error('error frame:', message);
  },
};

const before = await serverMemory();
console.log(`connecting ${sessionCount} sessions …`);
const agents: BenchAgent[][] = setup.groups.map((_, groupIndex) =>
  Array.from(
    { length: groupSize },
    (_, memberIndex) => new BenchAgent(groupIndex, memberIndex, events),
  ),
);
const flat = agents.flat();
for (let start = 0; start < flat.length; start += 50) {
  await Promise.all(
    flat
      .slice(start, start + 50)
      .map((agent) =>
        agent.connect(wsUrl, setup.groups[agent.groupIndex]!.agentTokens[agent.memberIndex]!),
      ),
  );
}
await new Promise((resolve) => setTimeout(resolve, 1000)); // let the post-online group refreshes finish
const after = await serverMemory();

console.log(`placing ${rate} calls/s: ${warmupSeconds} s warm-up, then ${seconds} s measured …`);
const intervalMs = 1000 / rate;
const warmupCalls = Math.round(warmupSeconds * rate);
const totalCalls = warmupCalls + Math.round(seconds * rate);
let dialFailures = 0;
ask({ type: 'cpu' });
const cpuBefore = (await nextReply('cpu')).micros;
const clientLoopDelay = monitorEventLoopDelay({ resolution: 5 });
clientLoopDelay.enable();
const profilePath = process.env.BENCH_PROFILE;
if (profilePath) ask({ type: 'profile-start' });
const startedAt = performance.now();
for (let sequence = 0; sequence < totalCalls; sequence++) {
  const dueAt = startedAt + sequence * intervalMs;
  const wait = dueAt - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const groupIndex = sequence % setup.groups.length;
  const tracked: TrackedCall = {
    sequence,
    groupIndex,
    measured: sequence >= warmupCalls,
    dialedAt: performance.now(),
    ringing: 0,
    elsewhere: 0,
  };
  calls.set(String(sequence), tracked);
  void fetch(`${setup.url}/api/calls`, {
    method: 'POST',
    headers: { authorization: `Bearer ${setup.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      from: 'Bench caller',
      to: `/group/${setup.groups[groupIndex]!.name}`,
      params: { sequence: String(sequence) },
    }),
  }).then(async (response) => {
    await response.arrayBuffer();
    if (response.status !== 201) dialFailures++;
  });
}
const achievedRate = (totalCalls / (performance.now() - startedAt)) * 1000;
ask({ type: 'cpu' });
const serverCpu = await nextReply('cpu');
const serverCpuMsPerCall = (serverCpu.micros - cpuBefore) / 1000 / totalCalls;
clientLoopDelay.disable();
if (profilePath) {
  ask({ type: 'profile-stop', path: profilePath });
  console.log(`server CPU profile of the load phase: ${(await nextReply('profiled')).path}`);
}
const drainDeadline = performance.now() + 10_000;
while (completedCalls < totalCalls && performance.now() < drainDeadline)
  await new Promise((resolve) => setTimeout(resolve, 50));

const format = (summary: Summary) =>
  `p50 ${summary.p50.toFixed(1)} ms · p95 ${summary.p95.toFixed(1)} ms · p99 ${summary.p99.toFixed(1)} ms · max ${summary.max.toFixed(1)} ms (n=${summary.count})`;
const ring = summarize(timeToRing);
const cancel = summarize(cancelPropagation);
const heapPerSession = (after.heapUsed - before.heapUsed) / sessionCount / 1024;
const rssPerSession = (after.rss - before.rss) / sessionCount / 1024;
const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');

console.log(`
Switchboard call-control bench
  sessions            ${sessionCount} in ${setup.groups.length} ring groups of ${groupSize}
  load                ${totalCalls} calls at ${achievedRate.toFixed(1)} calls/s (${warmupCalls} warm-up), ${completedCalls} completed, ${dialFailures} dial failures, ${errorFrames} error frames
  time-to-ring        ${format(ring)}   [target p99 < 50 ms: ${verdict(ring.p99 < 50)}]
  cancel propagation  ${format(cancel)}   [target p99 < 50 ms: ${verdict(cancel.p99 < 50)}]
  server CPU          ${serverCpuMsPerCall.toFixed(2)} ms per call (${((serverCpuMsPerCall * achievedRate) / 10).toFixed(0)} % of one core at this rate)
  event-loop delay    server p99 ${serverCpu.loopDelayP99Ms.toFixed(1)} ms (max ${serverCpu.loopDelayMaxMs.toFixed(1)}) · load generator p99 ${(clientLoopDelay.percentile(99) / 1e6).toFixed(1)} ms (max ${(clientLoopDelay.max / 1e6).toFixed(1)})
  memory per idle session  heap ${heapPerSession.toFixed(1)} kB · rss ${rssPerSession.toFixed(1)} kB   [target < 64 kB: ${verdict(Math.max(heapPerSession, rssPerSession) < 64)}]
    (server heap ${(before.heapUsed / 1048576).toFixed(1)} → ${(after.heapUsed / 1048576).toFixed(1)} MB, rss ${(before.rss / 1048576).toFixed(1)} → ${(after.rss / 1048576).toFixed(1)} MB)
`);

await Promise.all(flat.map((agent) => agent.close()));
ask({ type: 'stop' });
await new Promise((resolve) => child.once('exit', resolve));
process.exit(0);

/**
 * `npm run bench:server`: call control under a steady load of group calls.
 *
 * Starts the server in a child process (bench-server.ts), connects 1,000 agent sessions in
 * ring groups of 20, then places calls through POST /api/calls at a steady rate, once per ring
 * strategy (the groups are switched between runs). With ring-all one member accepts as soon as
 * the whole group holds the call ringing; with longest-idle, round-robin and sequential the one
 * member rung accepts. The winner hangs up shortly after. It prints, as p50/p95/p99:
 *   time-to-ring        dial → every member's client holding the call ringing (ring-all), or
 *                       the chosen member's (the other strategies): one line per strategy
 *   cancel propagation  the winning accept → every other member's client showing answered_elsewhere
 *                       (ring-all)
 * and the server's memory per idle connected session (heap and RSS, after a full GC).
 * It also prints the server's CPU per call, from the first dial until every call ended and
 * lingered out, less what the idle server spends meanwhile (the whole process, and by thread:
 * main, database worker, media server worker, V8's helpers), and the frames the agents received
 * per call, by type.
 * Targets on a 2-core machine: p99 < 50 ms for each at 50 calls/s; < 64 kB per idle session;
 * ≤ 3 ms of server CPU per ring-all call that rings 20 agents (issue #12 §4).
 *
 * Knobs: BENCH_STRATEGIES (ring-all,longest-idle,round-robin,sequential), BENCH_AGENTS (1000),
 * BENCH_GROUP_SIZE (20), BENCH_RATE (50 calls/s),
 * BENCH_SECONDS (20), BENCH_WARMUP_SECONDS (2), BENCH_HOLD_MS (200), BENCH_PROFILE (a file: CPU profile
 * of the server during the load), BENCH_DATA_DIR=disk (embedded database on disk, not in memory),
 * BENCH_SERVER_FLAGS (extra Node flags for the server process).
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { BenchReply, BenchRequest, BenchSetup } from './bench-server.ts';
import { BenchAgent, received, type AgentEvents } from './bench-agent.ts';
import { summarize, type Summary } from './bench-stats.ts';

const rate = Number(process.env.BENCH_RATE ?? 50);
const seconds = Number(process.env.BENCH_SECONDS ?? 20);
const warmupSeconds = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const holdMs = Number(process.env.BENCH_HOLD_MS ?? 200);
/** How long the idle server's own CPU is sampled before each run. */
const IDLE_SAMPLE_MS = 2_000;
const strategies = (process.env.BENCH_STRATEGIES ?? 'ring-all,longest-idle,round-robin,sequential')
  .split(',')
  .map((name) => name.trim())
  .filter(Boolean);

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
const groupSize = setup.groups[0].agentTokens.length;
const sessionCount = setup.groups.reduce((sum, group) => sum + group.agentTokens.length, 0);

const calls = new Map<string, TrackedCall>();
let timeToRing: number[] = [];
let cancelPropagation: number[] = [];
let errorFrames = 0;
let completedCalls = 0;
/** The strategy the groups ring with in the current run. */
let strategy = 'ring-all';

const events: AgentEvents = {
  ringing(agent, call) {
    const tracked = calls.get(call.params.sequence);
    if (!tracked) return;
    if (strategy !== 'ring-all') {
      // One member rings at a time: the one rung accepts.
      if (++tracked.ringing !== 1) return;
      if (tracked.measured) timeToRing.push(performance.now() - tracked.dialedAt);
      tracked.acceptedAt = performance.now();
      agent.send({ type: 'call.accept', callId: call.id });
      return;
    }
    if (++tracked.ringing !== groupSize) return;
    if (tracked.measured) timeToRing.push(performance.now() - tracked.dialedAt);
    // The whole group holds the call: the chosen member accepts now.
    const winner = agents[tracked.groupIndex][tracked.sequence % groupSize];
    tracked.acceptedAt = performance.now();
    winner.send({ type: 'call.accept', callId: call.id });
  },
  answeredElsewhere(_agent, call) {
    const tracked = calls.get(call.params.sequence);
    if (!tracked?.acceptedAt || ++tracked.elsewhere !== groupSize - 1) return;
    if (tracked.measured) cancelPropagation.push(performance.now() - tracked.acceptedAt);
  },
  connected(agent, call) {
    setTimeout(() => {
      agent.send({ type: 'call.hangup', callId: call.id });
      completedCalls++;
      calls.delete(call.params.sequence);
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
        agent.connect(wsUrl, setup.groups[agent.groupIndex].agentTokens[agent.memberIndex]),
      ),
  );
}
await new Promise((resolve) => setTimeout(resolve, 1000)); // let the post-online group refreshes finish
const after = await serverMemory();

interface RunResult {
  strategy: string;
  totalCalls: number;
  warmupCalls: number;
  completedCalls: number;
  achievedRate: number;
  dialFailures: number;
  serverCpuMsPerCall: number;
  /** The kernel's part of it (socket writes and reads on loopback are mostly kernel time). */
  serverSystemShare: number;
  /** The idle server's CPU, as a share of one core, taken off the per-call figures. */
  serverIdleShare: number;
  /** Per OS thread name, most first. */
  serverCpuByThread: [string, number][];
  framesPerCall: number;
  /** Frames per call by type, most first. */
  framesByType: [string, number][];
  bytesPerCall: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  clientLoopDelayP99Ms: number;
  clientLoopDelayMaxMs: number;
  ring: Summary;
  cancel: Summary;
}

/** One run at the steady rate with every group ringing by `name`. */
async function run(name: string, sequenceFrom: number): Promise<RunResult> {
  ask({ type: 'strategy', strategy: name });
  await nextReply('strategy-set');
  strategy = name;
  timeToRing = [];
  cancelPropagation = [];
  completedCalls = 0;
  console.log(
    `${name}: placing ${rate} calls/s: ${warmupSeconds} s warm-up, then ${seconds} s measured …`,
  );
  const intervalMs = 1000 / rate;
  const warmupCalls = Math.round(warmupSeconds * rate);
  const totalCalls = warmupCalls + Math.round(seconds * rate);
  let dialFailures = 0;
  // The idle server's own CPU (heartbeats, timers) over a quiet moment, taken off below so the
  // figure is what the calls cost.
  ask({ type: 'cpu' });
  const idleFrom = await nextReply('cpu');
  const idleFromAt = performance.now();
  await new Promise((resolve) => setTimeout(resolve, IDLE_SAMPLE_MS));
  ask({ type: 'cpu' });
  const cpuBefore = await nextReply('cpu');
  const cpuBeforeAt = performance.now();
  const idleShare = (micros: (cpu: typeof idleFrom) => number) =>
    Math.max(0, (micros(cpuBefore) - micros(idleFrom)) / ((cpuBeforeAt - idleFromAt) * 1000));
  const receivedBefore = { ...received, byType: new Map(received.byType) };
  const clientLoopDelay = monitorEventLoopDelay({ resolution: 5 });
  clientLoopDelay.enable();
  const profilePath = process.env.BENCH_PROFILE;
  const profiling = profilePath && name === strategies[0];
  if (profiling) ask({ type: 'profile-start' });
  const startedAt = performance.now();
  for (let index = 0; index < totalCalls; index++) {
    const sequence = sequenceFrom + index;
    const dueAt = startedAt + index * intervalMs;
    const wait = dueAt - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const groupIndex = sequence % setup.groups.length;
    const tracked: TrackedCall = {
      sequence,
      groupIndex,
      measured: index >= warmupCalls,
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
        to: `/group/${setup.groups[groupIndex].name}`,
        params: { sequence: String(sequence) },
      }),
    }).then(
      async (response) => {
        await response.arrayBuffer();
        if (response.status !== 201) dialFailures++;
      },
      () => dialFailures++,
    );
  }
  const achievedRate = (totalCalls / (performance.now() - startedAt)) * 1000;
  clientLoopDelay.disable();
  if (profiling) {
    ask({ type: 'profile-stop', path: profilePath });
    console.log(`server CPU profile of the ${name} load: ${(await nextReply('profiled')).path}`);
  }
  // On a busy machine the server (or this load generator) falls behind: the calls' work goes on
  // after the last dial, so it is waited for.
  const drainDeadline = performance.now() + 60_000;
  while (completedCalls < totalCalls && performance.now() < drainDeadline)
    await new Promise((resolve) => setTimeout(resolve, 50));
  // Calls still up when the next run starts would skew it: let hang-ups and lingering settle.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  // CPU per call is everything from the first dial until the last call lingered out: all the
  // work the calls caused, whether or not the server kept up (idle sessions cost next to nothing).
  ask({ type: 'cpu' });
  const serverCpu = await nextReply('cpu');
  const windowMicros = (performance.now() - cpuBeforeAt) * 1000;
  /** Per call, the idle share of the window taken off. */
  const perCall = (micros: (cpu: typeof idleFrom) => number) =>
    Math.max(0, micros(serverCpu) - micros(cpuBefore) - idleShare(micros) * windowMicros) /
    1000 /
    totalCalls;
  const receivedDuring = {
    frames: received.frames - receivedBefore.frames,
    bytes: received.bytes - receivedBefore.bytes,
    byType: [...received.byType]
      .map(([type, count]): [string, number] => [
        type,
        (count - (receivedBefore.byType.get(type) ?? 0)) / totalCalls,
      ])
      .filter(([, perCall]) => perCall > 0)
      .sort((a, b) => b[1] - a[1]),
  };
  return {
    strategy: name,
    totalCalls,
    warmupCalls,
    completedCalls,
    achievedRate,
    dialFailures,
    serverCpuMsPerCall: perCall((cpu) => cpu.micros),
    serverSystemShare:
      perCall((cpu) => cpu.systemMicros) /
      Math.max(
        perCall((cpu) => cpu.micros),
        1e-9,
      ),
    serverIdleShare: idleShare((cpu) => cpu.micros),
    serverCpuByThread: Object.keys(serverCpu.threads)
      .map((thread): [string, number] => [thread, perCall((cpu) => cpu.threads[thread] ?? 0)])
      .filter(([, ms]) => ms > 0)
      .sort((a, b) => b[1] - a[1]),
    framesPerCall: receivedDuring.frames / totalCalls,
    framesByType: receivedDuring.byType,
    bytesPerCall: receivedDuring.bytes / totalCalls,
    loopDelayP99Ms: serverCpu.loopDelayP99Ms,
    loopDelayMaxMs: serverCpu.loopDelayMaxMs,
    clientLoopDelayP99Ms: clientLoopDelay.percentile(99) / 1e6,
    clientLoopDelayMaxMs: clientLoopDelay.max / 1e6,
    ring: summarize(timeToRing),
    cancel: summarize(cancelPropagation),
  };
}

const results: RunResult[] = [];
let nextSequence = 0;
for (const name of strategies) {
  const result = await run(name, nextSequence);
  nextSequence += result.totalCalls;
  results.push(result);
}

const format = (summary: Summary) =>
  `p50 ${summary.p50.toFixed(1)} ms · p95 ${summary.p95.toFixed(1)} ms · p99 ${summary.p99.toFixed(1)} ms · max ${summary.max.toFixed(1)} ms (n=${summary.count})`;
const heapPerSession = (after.heapUsed - before.heapUsed) / sessionCount / 1024;
const rssPerSession = (after.rss - before.rss) / sessionCount / 1024;
const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
/** Issue #12 §4: a ring-all call that rings 20 agents costs the server at most this much CPU. */
const CPU_TARGET_MS = 3;
const cpuVerdict = (result: RunResult) =>
  result.strategy === 'ring-all' && groupSize === 20
    ? `   [target ≤ ${CPU_TARGET_MS} ms per 20-leg call: ${verdict(result.serverCpuMsPerCall <= CPU_TARGET_MS)}]`
    : '';
// The detailed lines are for the first run (ring-all unless BENCH_STRATEGIES says otherwise).
const main = results[0];
const strategyLines = results
  .map(
    (result) =>
      `    ${result.strategy.padEnd(14)}${format(result.ring)}   [target p99 < 50 ms: ${verdict(result.ring.p99 < 50)}]  · ${result.serverCpuMsPerCall.toFixed(2)} ms CPU/call${cpuVerdict(result)} · ${result.completedCalls}/${result.totalCalls} completed, ${result.dialFailures} dial failures`,
  )
  .join('\n');

console.log(`
Switchboard call-control bench
  sessions            ${sessionCount} in ${setup.groups.length} ring groups of ${groupSize}
  load (${main.strategy})  ${main.totalCalls} calls at ${main.achievedRate.toFixed(1)} calls/s (${main.warmupCalls} warm-up), ${main.completedCalls} completed, ${main.dialFailures} dial failures, ${errorFrames} error frames (all runs)
  time-to-ring        ${format(main.ring)}   [target p99 < 50 ms: ${verdict(main.ring.p99 < 50)}]
  cancel propagation  ${format(main.cancel)}   [target p99 < 50 ms: ${verdict(main.strategy !== 'ring-all' || main.cancel.p99 < 50)}]
  server CPU          ${main.serverCpuMsPerCall.toFixed(2)} ms per call (${((main.serverCpuMsPerCall * main.achievedRate) / 10).toFixed(0)} % of one core at this rate; ${(main.serverSystemShare * 100).toFixed(0)} % of it in the kernel; idle ${(main.serverIdleShare * 100).toFixed(1)} % of a core taken off)${cpuVerdict(main)}
    by thread         ${main.serverCpuByThread.map(([thread, ms]) => `${thread} ${ms.toFixed(2)}`).join(' · ') || 'n/a (no /proc)'} (ms per call; CPU time is counted in 10 ms ticks)
  pushes              ${main.framesPerCall.toFixed(1)} frames, ${(main.bytesPerCall / 1024).toFixed(1)} kB to the agents per call (${main.framesByType.map(([type, perCall]) => `${type} ${perCall.toFixed(1)}`).join(' · ')})
  event-loop delay    server p99 ${main.loopDelayP99Ms.toFixed(1)} ms (max ${main.loopDelayMaxMs.toFixed(1)}) · load generator p99 ${main.clientLoopDelayP99Ms.toFixed(1)} ms (max ${main.clientLoopDelayMaxMs.toFixed(1)})
  memory per idle session  heap ${heapPerSession.toFixed(1)} kB · rss ${rssPerSession.toFixed(1)} kB   [target < 64 kB: ${verdict(Math.max(heapPerSession, rssPerSession) < 64)}]
    (server heap ${(before.heapUsed / 1048576).toFixed(1)} → ${(after.heapUsed / 1048576).toFixed(1)} MB, rss ${(before.rss / 1048576).toFixed(1)} → ${(after.rss / 1048576).toFixed(1)} MB)
  time-to-ring per strategy (${rate} calls/s; ring-all: whole group ringing, others: the one member rung)
${strategyLines}
`);

await Promise.all(flat.map((agent) => agent.close()));
ask({ type: 'stop' });
await new Promise((resolve) => child.once('exit', resolve));
process.exit(0);

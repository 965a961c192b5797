/**
 * `npm run bench:routing`: how long routing takes to decide who rings, for each ring strategy.
 *
 * The CallRouter alone, in this process, on a manual clock (server/routing/testing): 1,000
 * agents with one tab each, in ring groups of 20, and calls placed at 50 a second of that clock
 * (each answered by the agent rung, hung up after BENCH_HOLD_MS), so the router holds the live
 * state of a busy floor. No sockets, database or HTTP: bench:server measures those end to end;
 * this isolates the strategies' own cost, which a slow strategy would hide in there.
 *
 * Measured on the wall clock, per strategy, after a warm-up:
 *   dial → ringing    `placeCall` until its routing step is done: the strategy chose, the legs
 *                     are created and every rung tab's frame is built (target p99 < 50 ms)
 *   decline → next    a one-at-a-time strategy's step after the agent rung declines: the next
 *                     agent chosen and rung (every 4th call)
 *   accept            the first accept: the winner's step, every other leg told who answered
 *
 * Knobs: BENCH_STRATEGIES (ring-all,longest-idle,round-robin,sequential), BENCH_AGENTS (1000),
 * BENCH_GROUP_SIZE (20), BENCH_RATE (50 calls/s), BENCH_SECONDS (20, of the manual clock),
 * BENCH_WARMUP_SECONDS (2), BENCH_HOLD_MS (2000).
 * Exits 1 when any strategy misses the target.
 */
import { performance } from 'node:perf_hooks';
import type { UserRecord } from '../directory/directory.ts';
import { routerFixture, TENANT, type Tab } from '../routing/testing/router-fixture.ts';
import { summarize, type Summary } from './bench-stats.ts';

const TARGET_P99_MS = 50;
const strategies = (process.env.BENCH_STRATEGIES ?? 'ring-all,longest-idle,round-robin,sequential')
  .split(',')
  .map((name) => name.trim())
  .filter(Boolean);
const agentCount = Number(process.env.BENCH_AGENTS ?? 1000);
const groupSize = Number(process.env.BENCH_GROUP_SIZE ?? 20);
const rate = Number(process.env.BENCH_RATE ?? 50);
const seconds = Number(process.env.BENCH_SECONDS ?? 20);
const warmupSeconds = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const holdMs = Number(process.env.BENCH_HOLD_MS ?? 2000);
const caller = { name: 'Bench Caller', address: '+15550100' };

interface StrategyResult {
  strategy: string;
  dial: Summary;
  declineToNext: Summary | null;
  accept: Summary;
  /** Calls that found nobody to ring (queued): a bench whose agents are all busy measures little. */
  queued: number;
}

async function run(strategy: string): Promise<StrategyResult> {
  const fixture = routerFixture({}, {});
  const { router, scheduler } = fixture;
  const groups: { name: string; tabs: Tab[] }[] = [];
  for (let first = 0; first < agentCount; first += groupSize) {
    const users: UserRecord[] = [];
    for (let index = first; index < Math.min(first + groupSize, agentCount); index++)
      users.push(fixture.addUser(`agent${index}`, `Agent ${index}`));
    const name = `group${groups.length}`;
    fixture.addGroup(name, users, { strategy, ringTimeoutSeconds: 20, wrapUpSeconds: 0 });
    groups.push({ name, tabs: users.map((user) => fixture.openTab(user)) });
    // Agents come online a moment apart, so longest-idle has an order to keep.
    scheduler.advance(1);
  }
  const ringsOneAtATime = strategy !== 'ring-all';
  const dial: number[] = [];
  const declineToNext: number[] = [];
  const accept: number[] = [];
  let queued = 0;
  const hangups: { at: number; tab: Tab; callId: string }[] = [];
  const stepMs = 1000 / rate;
  const calls = Math.round((warmupSeconds + seconds) * rate);

  for (let sequence = 0; sequence < calls; sequence++) {
    const measured = sequence >= warmupSeconds * rate;
    const group = groups[sequence % groups.length];
    const dialedAt = performance.now();
    const { id } = await router.placeCall(TENANT, { from: caller, to: `/group/${group.name}` });
    const decidedAt = performance.now();
    if (measured) dial.push(decidedAt - dialedAt);

    let rung = group.tabs.filter((tab) => tab.call(id)?.status === 'ringing');
    if (rung.length === 0) queued++;
    else if (ringsOneAtATime && sequence % 4 === 0) {
      const declinedAt = performance.now();
      router.reject(rung[0].sessionId, id);
      const nextAt = performance.now();
      if (measured) declineToNext.push(nextAt - declinedAt);
      rung = group.tabs.filter((tab) => tab.call(id)?.status === 'ringing');
    }
    if (rung.length > 0) {
      const winner = rung[rung.length - 1];
      const acceptedAt = performance.now();
      router.accept(winner.sessionId, id);
      if (measured) accept.push(performance.now() - acceptedAt);
      hangups.push({ at: scheduler.now() + holdMs, tab: winner, callId: id });
    }

    scheduler.advance(stepMs);
    while (hangups.length > 0 && hangups[0].at <= scheduler.now()) {
      const { tab, callId } = hangups.shift()!;
      router.hangup(tab.sessionId, callId);
    }
  }
  return {
    strategy,
    dial: summarize(dial),
    declineToNext: ringsOneAtATime ? summarize(declineToNext) : null,
    accept: summarize(accept),
    queued,
  };
}

const ms = (value: number) => `${value.toFixed(2)} ms`;
const cells = (summary: Summary | null) =>
  summary ? [ms(summary.p50), ms(summary.p99)] : ['-', '-'];

console.log(
  `bench:routing — ${agentCount} agents in groups of ${groupSize}, ${rate} calls/s for ${seconds} s ` +
    `of the routing clock (after ${warmupSeconds} s warm-up), calls held ${holdMs} ms`,
);
const results: StrategyResult[] = [];
for (const strategy of strategies) results.push(await run(strategy));

const header = [
  'strategy',
  'dial→ring p50',
  'dial→ring p99',
  'decline→next p50',
  'decline→next p99',
  'accept p50',
  'accept p99',
  'queued',
  `p99 < ${TARGET_P99_MS} ms`,
];
const rows = results.map((result) => [
  result.strategy,
  ...cells(result.dial),
  ...cells(result.declineToNext),
  ...cells(result.accept),
  String(result.queued),
  result.dial.p99 < TARGET_P99_MS ? 'PASS' : 'FAIL',
]);
const widths = header.map((title, column) =>
  Math.max(title.length, ...rows.map((row) => row[column].length)),
);
for (const row of [header, ...rows])
  console.log(row.map((cell, column) => cell.padEnd(widths[column])).join('  '));
console.log(`samples per strategy: ${results[0]?.dial.count ?? 0} dials`);
process.exitCode = results.every((result) => result.dial.p99 < TARGET_P99_MS) ? 0 : 1;

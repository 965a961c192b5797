/**
 * `npm run bench:reports`: history and reports over a large generated set of call records, on
 * the embedded PGlite and on PostgreSQL (DATABASE_TEST_URL, a throw-away schema).
 *
 * Generates BENCH_CALLS call records (default 1,000,000) spread over 90 days and 10 tenants of
 * 5 ring groups and 50 agents each, in SQL (INSERT … SELECT FROM generate_series, the same
 * statements on both engines): ~80 % answered (an answered leg, a wrap-up with a disposition
 * for most), ~12 % abandoned in queue, the rest unanswered or declined, with missed rings on
 * some. Then, through a real server over HTTP as a supervisor of one tenant, measures
 *   report   GET /api/reports, per group and day, the last 30 days of data
 *   search   GET /api/history?q=<part of a number>, the same 30 days, first page
 * BENCH_RUNS times each (after two warm-ups) and prints p50/p95 and PASS/FAIL against
 * p95 < 500 ms.
 *
 * Knobs: BENCH_CALLS (1000000), BENCH_RUNS (20), BENCH_ENGINES (pglite,postgres).
 * A smoke run: BENCH_CALLS=20000 BENCH_RUNS=5 npm run bench:reports
 */
import { performance } from 'node:perf_hooks';
import {
  createPostgresTestSchema,
  requestJson,
  startTestServer,
  type TestServer,
} from '../test/harness.ts';
import { summarize } from './bench-stats.ts';
import { DAY_MS, dataEnd, generateRecords, tenantId } from './report-records.ts';

const totalCalls = Number(process.env.BENCH_CALLS ?? 1_000_000);
const runs = Number(process.env.BENCH_RUNS ?? 20);
const engines = (process.env.BENCH_ENGINES ?? 'pglite,postgres').split(',');
const TARGET_P95_MS = 500;
async function measure(server: TestServer, engine: string) {
  const tenant = tenantId(0);
  const { token } = await server.app.services.tokens.issue({
    tenantId: tenant,
    userId: `${tenant}-u0`,
    role: 'supervisor',
  });
  const day = (epochMs: number) => new Date(epochMs).toISOString().slice(0, 10);
  const reportPath = `/api/reports?from=${day(dataEnd - 30 * DAY_MS)}&to=${day(dataEnd - DAY_MS)}&by=group&interval=day`;
  const searchPath = (run: number) =>
    `/api/history?from=${dataEnd - 30 * DAY_MS}&to=${dataEnd}&q=${String(1000 + run * 37).slice(0, 4)}`;
  const timed = async (path: string) => {
    const started = performance.now();
    const response = await requestJson(server.url, 'GET', path, { token });
    const elapsed = performance.now() - started;
    if (response.status !== 200)
      throw new Error(`${path}: ${response.status} ${JSON.stringify(response.body)}`);
    return { elapsed, body: response.body };
  };
  const results: Record<string, { p50: number; p95: number; detail: string }> = {};
  for (const [name, path] of [
    ['report', () => reportPath],
    ['search', searchPath],
  ] as const) {
    const samples: number[] = [];
    let detail = '';
    for (let run = -2; run < runs; run++) {
      const { elapsed, body } = await timed(path(Math.max(run, 0)));
      if (run >= 0) samples.push(elapsed);
      detail =
        name === 'report'
          ? `${body.rows.length} rows, ${body.rows.reduce((n: number, r: any) => n + r.offered, 0)} calls`
          : `${body.calls.length} calls on the first page`;
    }
    const summary = summarize(samples);
    results[name] = { p50: summary.p50, p95: summary.p95, detail };
  }
  return { engine, results };
}

async function benchEngine(engine: string) {
  let server: TestServer;
  let cleanup: () => Promise<void>;
  if (engine === 'postgres') {
    const schema = await createPostgresTestSchema();
    if (!schema) {
      console.log('postgres: SKIPPED (PostgreSQL not reachable at DATABASE_TEST_URL)');
      return null;
    }
    server = await startTestServer({ databaseUrl: schema.url });
    cleanup = async () => {
      await server.close();
      await schema.drop();
    };
  } else {
    server = await startTestServer();
    cleanup = () => server.close();
  }
  try {
    console.log(`${engine}: generating ${totalCalls.toLocaleString('en')} call records…`);
    const generatedMs = await generateRecords(server.database, totalCalls);
    console.log(`${engine}: generated in ${(generatedMs / 1000).toFixed(1)} s`);
    return await measure(server, engine);
  } finally {
    await cleanup();
  }
}

const outcomes = [];
for (const engine of engines) {
  const outcome = await benchEngine(engine.trim());
  if (outcome) outcomes.push(outcome);
}
console.log(
  `\nbench:reports — ${totalCalls.toLocaleString('en')} calls, ${runs} runs, target p95 < ${TARGET_P95_MS} ms`,
);
let failed = false;
for (const { engine, results } of outcomes)
  for (const [name, { p50, p95, detail }] of Object.entries(results)) {
    const pass = p95 < TARGET_P95_MS;
    failed ||= !pass;
    console.log(
      `${engine.padEnd(9)} ${(name === 'report' ? '30-day report per group' : 'history search (30 days)').padEnd(26)} p50 ${p50.toFixed(1).padStart(7)} ms  p95 ${p95.toFixed(1).padStart(7)} ms  ${pass ? 'PASS' : 'FAIL'}  (${detail})`,
    );
  }
process.exit(failed ? 1 : 0);

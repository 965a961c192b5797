/**
 * Generated call records for bench:reports: calls, legs and wrap-ups written by SQL
 * (INSERT … SELECT FROM generate_series), the same statements on PGlite and PostgreSQL, so both
 * engines hold the same data. See reports-bench.ts for the shape.
 */
import { performance } from 'node:perf_hooks';
import type { Database } from '../db/database.ts';

export const TENANTS = 10;
const GROUPS = 5;
const AGENTS = 50;
export const DAY_MS = 86_400_000;
const SPAN_DAYS = 90;
/** Generated rows per statement: big enough to be quick, small enough for PGlite's memory. */
const CHUNK = 50_000;
/** The data ends at midnight UTC today, so every figure is about finished calls. */
export const dataEnd = Math.floor(Date.now() / DAY_MS) * DAY_MS;
const dataStart = dataEnd - SPAN_DAYS * DAY_MS;

export const tenantId = (k: number) => `bench-t${k}`;

async function createPeople(database: Database): Promise<void> {
  for (let k = 0; k < TENANTS; k++) {
    const tenant = tenantId(k);
    await database.query(`INSERT INTO tenants (id, name, api_key_hash) VALUES ($1, $1, md5($1))`, [
      tenant,
    ]);
    await database.query(
      `INSERT INTO users (id, tenant_id, reference, username, display_name, role)
       SELECT $1 || '-u' || j, $1, $1 || '-u' || j || '@bench.test', 'agent-' || j, 'Agent ' || j,
              CASE WHEN j = 0 THEN 'supervisor' ELSE 'agent' END
       FROM generate_series(0, $2::int - 1) AS j`,
      [tenant, AGENTS],
    );
    await database.query(
      `INSERT INTO ring_groups (id, tenant_id, name, ring_timeout_seconds, max_wait_seconds, retry_interval_seconds)
       SELECT $1 || '-g' || j, $1, 'group-' || j, 20, 300, 5 FROM generate_series(0, $2::int - 1) AS j`,
      [tenant, GROUPS],
    );
  }
}

/**
 * Call i: tenant i % 10, placed evenly over the span; its fate from (i * 7919) % 100 (a
 * fixed scramble, so both engines get the same data): < 80 answered, < 92 abandoned,
 * < 97 unanswered, else declined.
 */
const CALL_COLUMNS = `
  SELECT i AS n, 'bench-c' || i AS id, 'bench-t' || (i % ${TENANTS}) AS tenant_id,
         'Caller ' || i AS from_name, '+1415' || lpad(((i * 104729) % 10000000)::text, 7, '0') AS from_address,
         '/group/group-' || ((i / ${TENANTS}) % ${GROUPS}) AS to_address,
         'bench-t' || (i % ${TENANTS}) || '-g' || ((i / ${TENANTS}) % ${GROUPS}) AS ring_group_id,
         'api' AS origin, 'ended' AS status,
         CASE WHEN (i * 7919) % 100 < 80 THEN 'hangup' WHEN (i * 7919) % 100 < 92 THEN 'caller_cancelled'
              WHEN (i * 7919) % 100 < 97 THEN 'no_answer' ELSE 'rejected' END AS end_reason,
         CASE WHEN (i * 7919) % 100 < 80 THEN 'bench-t' || (i % ${TENANTS}) || '-u' || (1 + (i * 13) % ${AGENTS - 1}) END
           AS answered_by_user_id,
         to_timestamp(($1::float8 + (i::float8 / $2::float8) * $3::float8) / 1000) AS created_at,
         (1000 + (i * 37) % 60000) AS wait_ms,
         (30000 + (i * 101) % 600000) AS talk_ms,
         CASE WHEN i % 4 = 0 THEN 20000 ELSE 0 END AS hold_ms,
         (i * 7919) % 100 < 80 AS answered
  FROM generate_series($4::bigint, $5::bigint) AS i`;

async function generateCalls(
  database: Database,
  totalCalls: number,
  from: number,
  to: number,
): Promise<void> {
  const params = [dataStart, totalCalls, SPAN_DAYS * DAY_MS, from, to];
  await database.query(
    `INSERT INTO calls (id, tenant_id, from_name, from_address, to_address, ring_group_id, origin, status, end_reason,
                        answered_by_user_id, created_at, answered_at, ended_at, queue_wait_ms, talk_ms, hold_ms,
                        missed_rings, declined_rings)
     SELECT id, tenant_id, from_name, from_address, to_address, ring_group_id, origin, status, end_reason,
            answered_by_user_id, created_at,
            CASE WHEN answered THEN created_at + wait_ms * interval '1 millisecond' END,
            created_at + (wait_ms + CASE WHEN answered THEN talk_ms ELSE 0 END) * interval '1 millisecond',
            wait_ms, CASE WHEN answered THEN talk_ms END, CASE WHEN answered THEN hold_ms END,
            (CASE WHEN (n / 10) % 5 = 0 THEN 1 ELSE 0 END) + (CASE WHEN end_reason = 'no_answer' THEN 1 ELSE 0 END),
            CASE WHEN end_reason = 'rejected' THEN 1 ELSE 0 END
     FROM (${CALL_COLUMNS}) AS generated`,
    params,
  );
  // The answered leg (or the declined one), and a missed ring on every fifth call of a tenant.
  await database.query(
    `INSERT INTO call_legs (id, call_id, tenant_id, user_id, attempt, outcome, rung_at, ended_at)
     SELECT id || '-l', id, tenant_id, coalesce(answered_by_user_id, tenant_id || '-u1'), 1,
            CASE WHEN answered THEN 'answered' WHEN end_reason = 'rejected' THEN 'rejected'
                 WHEN end_reason = 'no_answer' THEN 'missed' ELSE 'caller_cancelled' END,
            created_at, created_at + (wait_ms + CASE WHEN answered THEN talk_ms ELSE 0 END) * interval '1 millisecond'
     FROM (${CALL_COLUMNS}) AS generated
     UNION ALL
     SELECT id || '-m', id, tenant_id, tenant_id || '-u2', 1, 'missed', created_at, created_at + interval '20 seconds'
     FROM (${CALL_COLUMNS}) AS generated WHERE (n / 10) % 5 = 0`,
    params,
  );
  // Wrap-ups: six in seven answered calls, with a disposition and 10–40 s of after-call work.
  await database.query(
    `INSERT INTO call_wrap_ups (call_id, tenant_id, user_id, disposition_code, note, started_at, ended_at, updated_at)
     SELECT id, tenant_id, answered_by_user_id,
            (ARRAY['resolved', 'information-given', 'follow-up', 'escalated'])[1 + n % 4],
            '', ended, ended + (10 + n % 30) * interval '1 second', ended
     FROM (SELECT *, created_at + (wait_ms + talk_ms) * interval '1 millisecond' AS ended
           FROM (${CALL_COLUMNS}) AS generated) AS g
     WHERE answered AND n % 7 <> 0`,
    params,
  );
}

/** Writes `totalCalls` generated calls; returns how long it took (ms). */
export async function generateRecords(database: Database, totalCalls: number): Promise<number> {
  const started = performance.now();
  await createPeople(database);
  for (let from = 0; from < totalCalls; from += CHUNK) {
    await generateCalls(database, totalCalls, from, Math.min(totalCalls, from + CHUNK) - 1);
    process.stdout.write(
      `\r  generated ${Math.min(totalCalls, from + CHUNK).toLocaleString('en')} calls`,
    );
  }
  await database.query('ANALYZE');
  process.stdout.write('\n');
  return performance.now() - started;
}

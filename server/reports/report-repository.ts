/**
 * Historical reports in SQL: one statement per report aggregates the records of a range of the
 * tenant's local dates into intervals (hour, day, week) per ring group or per agent, and one
 * more counts the dispositions. Intervals are cut in the tenant's time zone by PostgreSQL itself
 * (`AT TIME ZONE`), so a day is 23 or 25 hours across a DST change and both engines agree.
 * Every statement starts from the tenant and a created_at range (the calls_tenant_created
 * index); legs, events and wrap-ups are reached by call id.
 *
 * A call counts in the interval it was placed in. Definitions (README.md): talk excludes hold,
 * handle time is talk + hold + wrap-up per handled call, service level is the share of offered
 * calls answered within the group's threshold.
 */
import type { Database } from '../db/database.ts';
import type { ReportBy, ReportInterval, ReportRow } from './report-schemas.ts';

export interface ReportFilter {
  timeZone: string;
  from: string;
  to: string;
  interval: ReportInterval;
  groupId?: string;
  agentId?: string;
}

/** $1 tenant, $2 time zone, $3 first local date, $4 last local date, $5 interval. */
const FROM_TS = `(($3::date)::timestamp AT TIME ZONE $2)`;
const TO_TS = `((($4::date) + 1)::timestamp AT TIME ZONE $2)`;
/**
 * Legs, events and wrap-ups of the range's calls happen after the call was placed and, however
 * long the call, within two days of the range's end: bounding them by time lets each table be
 * read through its (tenant_id, time) index (migration 10) instead of all of the tenant's rows.
 */
const AFTER_RANGE = (column: string) =>
  `${column} >= ${FROM_TS} AND ${column} < ${TO_TS} + interval '2 days'`;
const RANGE = `c.tenant_id = $1
  AND c.created_at >= (($3::date)::timestamp AT TIME ZONE $2)
  AND c.created_at < ((($4::date) + 1)::timestamp AT TIME ZONE $2)`;
const BUCKET = `date_trunc($5, c.created_at AT TIME ZONE $2)`;
const LABEL = `to_char(bucket, CASE WHEN $5 = 'hour' THEN 'YYYY-MM-DD HH24:00' ELSE 'YYYY-MM-DD' END)`;
const ms = (from: string, to: string) => `(extract(epoch FROM (${to}) - (${from})) * 1000)::float8`;

interface Figures {
  start: Date | string;
  label: string;
  key_id: string;
  key_name: string | null;
  offered: number;
  answered: number;
  abandoned: number;
  abandoned_wait_ms: number;
  missed: number;
  declined: number;
  answered_in_sl: number | null;
  answer_wait_ms: number;
  longest_wait_ms: number | null;
  handled: number;
  talk_ms: number;
  hold_ms: number;
  wrap_ms: number;
}

/**
 * The group report is two statements (calls, with their ring counts; wrap-ups), each aggregated
 * to (interval, group) in SQL and merged by key; one statement joining per-call subtotals of
 * legs and wrap-ups was several times slower on a month of a large tenant and tripped
 * PostgreSQL's JIT.
 */
const groupReport = (groupFilter: string) => `
  SELECT (rc.bucket AT TIME ZONE $2) AS start, ${LABEL.replace('bucket', 'rc.bucket')} AS label,
         rc.ring_group_id AS key_id, max(g.name) AS key_name,
         count(*)::int AS offered,
         count(*) FILTER (WHERE rc.answered_at IS NOT NULL)::int AS answered,
         count(*) FILTER (WHERE rc.abandoned)::int AS abandoned,
         coalesce(sum(rc.queue_wait_ms) FILTER (WHERE rc.abandoned), 0)::float8 AS abandoned_wait_ms,
         coalesce(sum(rc.missed_rings), 0)::int AS missed,
         coalesce(sum(rc.declined_rings), 0)::int AS declined,
         (count(*) FILTER (WHERE rc.answered_at IS NOT NULL AND rc.queue_wait_ms <= g.service_level_seconds * 1000))::int
           * CASE WHEN max(g.id) IS NULL THEN NULL ELSE 1 END AS answered_in_sl,
         coalesce(sum(rc.queue_wait_ms) FILTER (WHERE rc.answered_at IS NOT NULL), 0)::float8 AS answer_wait_ms,
         max(rc.queue_wait_ms) AS longest_wait_ms,
         count(*) FILTER (WHERE rc.handled)::int AS handled,
         coalesce(sum(rc.talk_ms - coalesce(rc.hold_ms, 0)) FILTER (WHERE rc.handled), 0)::float8 AS talk_ms,
         coalesce(sum(rc.hold_ms) FILTER (WHERE rc.handled), 0)::float8 AS hold_ms,
         0::float8 AS wrap_ms
  FROM (SELECT c.ring_group_id, c.answered_at, c.queue_wait_ms, c.talk_ms, c.hold_ms, c.missed_rings,
               c.declined_rings, ${BUCKET} AS bucket,
               (c.answered_at IS NULL AND c.ended_at IS NOT NULL AND c.end_reason = 'caller_cancelled') AS abandoned,
               (c.answered_at IS NOT NULL AND c.ended_at IS NOT NULL) AS handled
        FROM calls c WHERE ${RANGE} AND c.ring_group_id IS NOT NULL${groupFilter}) AS rc
  LEFT JOIN ring_groups g ON g.id = rc.ring_group_id AND g.tenant_id = $1
  GROUP BY rc.bucket, rc.ring_group_id
  ORDER BY rc.bucket, key_name, rc.ring_group_id`;

/**
 * The wrap-ups of the range's group calls per (interval, group, disposition): how many, and the
 * finished after-call work of handled calls (for handle time).
 */
const groupWrapUps = (groupFilter: string) => `
  SELECT (${BUCKET} AT TIME ZONE $2) AS start, c.ring_group_id AS key_id, w.disposition_code AS code,
         count(*)::int AS count,
         coalesce(sum(${ms('w.started_at', 'w.ended_at')})
           FILTER (WHERE w.ended_at IS NOT NULL AND c.answered_at IS NOT NULL AND c.ended_at IS NOT NULL), 0)::float8
           AS wrap_ms
  FROM call_wrap_ups w JOIN calls c ON c.id = w.call_id
  WHERE w.tenant_id = $1 AND ${AFTER_RANGE('w.started_at')} AND ${RANGE} AND c.ring_group_id IS NOT NULL${groupFilter}
  GROUP BY 1, 2, 3`;

const agentReport = (groupFilter: string, agentFilter: string) => `
  WITH rc AS (
    SELECT c.id, c.created_at, c.answered_at, ${BUCKET} AS bucket
    FROM calls c WHERE ${RANGE}${groupFilter}
  ),
  legs AS (
    SELECT rc.bucket, l.call_id, l.user_id, l.outcome, l.ended_at, rc.created_at, rc.answered_at
    FROM call_legs l JOIN rc ON rc.id = l.call_id
    WHERE l.tenant_id = $1 AND ${AFTER_RANGE('l.rung_at')}${agentFilter}
  ),
  parts AS (
    SELECT legs.bucket, legs.call_id, legs.user_id, min(legs.created_at) AS created_at,
           coalesce((SELECT min(e.at) FROM call_events e
                     WHERE e.call_id = legs.call_id AND e.user_id = legs.user_id AND e.type = 'answered'),
                    min(legs.answered_at)) AS answered_at,
           max(legs.ended_at) AS part_end, bool_or(legs.ended_at IS NULL) AS ongoing
    FROM legs WHERE legs.outcome IN ('answered', 'transferred')
    GROUP BY legs.bucket, legs.call_id, legs.user_id
  ),
  part_holds AS (
    SELECT p.call_id, p.user_id,
           sum(greatest(0, ${ms(
             'e.at',
             `least(coalesce((SELECT min(r.at) FROM call_events r
                   WHERE r.call_id = e.call_id AND r.type = 'resumed' AND r.seq > e.seq), p.part_end), p.part_end)`,
           )})) AS hold_ms
    FROM parts p JOIN call_events e ON e.call_id = p.call_id AND e.user_id = p.user_id AND e.type = 'held'
    WHERE NOT p.ongoing GROUP BY p.call_id, p.user_id
  ),
  wraps AS (
    SELECT w.call_id, w.user_id, ${ms('w.started_at', 'w.ended_at')} AS wrap_ms
    FROM call_wrap_ups w JOIN rc ON rc.id = w.call_id
    WHERE w.tenant_id = $1 AND ${AFTER_RANGE('w.started_at')} AND w.ended_at IS NOT NULL
  ),
  leg_figures AS (
    SELECT bucket, user_id, count(DISTINCT call_id)::int AS offered,
           count(*) FILTER (WHERE outcome = 'caller_cancelled')::int AS abandoned,
           count(*) FILTER (WHERE outcome = 'missed')::int AS missed,
           count(*) FILTER (WHERE outcome = 'rejected')::int AS declined
    FROM legs GROUP BY bucket, user_id
  ),
  part_figures AS (
    SELECT p.bucket, p.user_id, count(*)::int AS answered,
           coalesce(sum(${ms('p.created_at', 'p.answered_at')}), 0)::float8 AS answer_wait_ms,
           max(${ms('p.created_at', 'p.answered_at')}) AS longest_wait_ms,
           count(*) FILTER (WHERE NOT p.ongoing)::int AS handled,
           coalesce(sum(${ms('p.answered_at', 'p.part_end')} - coalesce(h.hold_ms, 0)) FILTER (WHERE NOT p.ongoing), 0)::float8 AS talk_ms,
           coalesce(sum(h.hold_ms) FILTER (WHERE NOT p.ongoing), 0)::float8 AS hold_ms,
           coalesce(sum(w.wrap_ms) FILTER (WHERE NOT p.ongoing), 0)::float8 AS wrap_ms
    FROM parts p
    LEFT JOIN part_holds h ON h.call_id = p.call_id AND h.user_id = p.user_id
    LEFT JOIN wraps w ON w.call_id = p.call_id AND w.user_id = p.user_id
    GROUP BY p.bucket, p.user_id
  )
  SELECT (lf.bucket AT TIME ZONE $2) AS start, ${LABEL.replace('bucket', 'lf.bucket')} AS label,
         lf.user_id AS key_id, u.display_name AS key_name,
         lf.offered, coalesce(pf.answered, 0) AS answered, lf.abandoned, 0::float8 AS abandoned_wait_ms,
         lf.missed, lf.declined, NULL::int AS answered_in_sl,
         coalesce(pf.answer_wait_ms, 0) AS answer_wait_ms, pf.longest_wait_ms,
         coalesce(pf.handled, 0) AS handled, coalesce(pf.talk_ms, 0) AS talk_ms,
         coalesce(pf.hold_ms, 0) AS hold_ms, coalesce(pf.wrap_ms, 0) AS wrap_ms
  FROM leg_figures lf
  LEFT JOIN part_figures pf ON pf.bucket = lf.bucket AND pf.user_id = lf.user_id
  LEFT JOIN users u ON u.id = lf.user_id AND u.tenant_id = $1
  ORDER BY lf.bucket, key_name, lf.user_id`;

/**
 * Occupancy per agent and interval: time busy or in wrap-up ÷ time available, busy or in
 * wrap-up, from the presence rows (each lasting until the agent's next), clipped to the
 * interval and the range. The row in force when the range begins is included.
 */
const occupancyReport = (userFilter: string) => `
  WITH buckets AS (
    SELECT b AS bucket,
           greatest(b AT TIME ZONE $2, ${FROM_TS}) AS b_start,
           least((b + ('1 ' || $5)::interval) AT TIME ZONE $2, ${TO_TS}) AS b_end
    FROM generate_series(date_trunc($5, ($3::date)::timestamp),
                         (($4::date) + 1)::timestamp - interval '1 second',
                         ('1 ' || $5)::interval) AS b
  ),
  rows_in AS (
    SELECT p.user_id, p.presence, p.at, p.seq FROM agent_presence p
    WHERE p.tenant_id = $1 AND p.at < ${TO_TS}${userFilter}
      AND p.at >= coalesce((SELECT max(q.at) FROM agent_presence q
                            WHERE q.tenant_id = $1 AND q.user_id = p.user_id AND q.at <= ${FROM_TS}), ${FROM_TS})
  ),
  periods AS (
    SELECT user_id, presence, at AS started,
           coalesce(lead(at) OVER (PARTITION BY user_id ORDER BY seq), least(now(), ${TO_TS})) AS ended
    FROM rows_in
  ),
  clipped AS (
    SELECT b.bucket, pe.user_id, pe.presence,
           ${ms('greatest(pe.started, b.b_start)', 'least(pe.ended, b.b_end)')} AS overlap_ms
    FROM periods pe JOIN buckets b ON pe.started < b.b_end AND pe.ended > b.b_start
  )
  SELECT (o.bucket AT TIME ZONE $2) AS start, ${LABEL.replace('bucket', 'o.bucket')} AS label,
         o.user_id AS key_id, max(u.display_name) AS key_name,
         coalesce(sum(o.overlap_ms) FILTER (WHERE o.presence IN ('busy', 'wrap-up')), 0)::float8 AS occupied_ms,
         coalesce(sum(o.overlap_ms) FILTER (WHERE o.presence IN ('available', 'busy', 'wrap-up')), 0)::float8 AS staffed_ms
  FROM clipped o LEFT JOIN users u ON u.id = o.user_id AND u.tenant_id = $1
  GROUP BY o.bucket, o.user_id
  HAVING sum(o.overlap_ms) FILTER (WHERE o.presence IN ('available', 'busy', 'wrap-up')) > 0`;

/** Each agent's wrap-ups per (interval, disposition). */
const dispositionCounts = (groupFilter: string, agentFilter: string) => `
  SELECT (${BUCKET} AT TIME ZONE $2) AS start, w.user_id AS key_id,
         w.disposition_code AS code, count(*)::int AS count
  FROM calls c JOIN call_wrap_ups w ON w.call_id = c.id AND w.tenant_id = $1 AND ${AFTER_RANGE('w.started_at')}
  WHERE ${RANGE} AND w.disposition_code IS NOT NULL${groupFilter}${agentFilter.replace('l.user_id', 'w.user_id')}
  GROUP BY 1, 2, 3`;

interface Occupancy {
  start: Date | string;
  label: string;
  key_id: string;
  key_name: string | null;
  occupied_ms: number;
  staffed_ms: number;
}

/** The figures of an interval with no calls. */
const noCalls: Omit<Figures, 'start' | 'label' | 'key_id' | 'key_name'> = {
  offered: 0,
  answered: 0,
  abandoned: 0,
  abandoned_wait_ms: 0,
  missed: 0,
  declined: 0,
  answered_in_sl: null,
  answer_wait_ms: 0,
  longest_wait_ms: null,
  handled: 0,
  talk_ms: 0,
  hold_ms: 0,
  wrap_ms: 0,
};

const epoch = (value: Date | string) => new Date(value).getTime();
const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : null);
const average = (total: number, count: number) => (count > 0 ? Math.round(total / count) : null);

export class ReportRepository {
  constructor(private readonly database: Database) {}

  async report(tenantId: string, by: ReportBy, filter: ReportFilter): Promise<ReportRow[]> {
    const params: unknown[] = [tenantId, filter.timeZone, filter.from, filter.to, filter.interval];
    let groupFilter = '';
    let agentFilter = '';
    if (filter.groupId) {
      params.push(filter.groupId);
      groupFilter = ` AND c.ring_group_id = $${params.length}`;
    }
    if (filter.agentId) {
      params.push(filter.agentId);
      agentFilter = ` AND l.user_id = $${params.length}`;
    }
    type Keyed = { start: Date | string; key_id: string };
    let rows: Figures[];
    let dispositions: (Keyed & { code: string; count: number })[];
    let occupancy: Occupancy[] = [];
    if (by === 'group') {
      const callFilter =
        groupFilter +
        (filter.agentId
          ? ` AND EXISTS (SELECT 1 FROM call_legs l WHERE l.call_id = c.id AND l.tenant_id = $1${agentFilter})`
          : '');
      let wraps: (Keyed & { code: string | null; count: number; wrap_ms: number })[];
      [rows, wraps] = await Promise.all([
        this.database.query<Figures>(groupReport(callFilter), params),
        this.database.query<Keyed & { code: string | null; count: number; wrap_ms: number }>(
          groupWrapUps(callFilter),
          params,
        ),
      ]);
      const byKey = new Map(rows.map((row) => [`${epoch(row.start)}|${row.key_id}`, row]));
      dispositions = [];
      for (const wrap of wraps) {
        const row = byKey.get(`${epoch(wrap.start)}|${wrap.key_id}`);
        if (row) row.wrap_ms = Number(row.wrap_ms) + Number(wrap.wrap_ms);
        if (wrap.code !== null) dispositions.push({ ...wrap, code: wrap.code });
      }
    } else {
      let userFilter = '';
      if (filter.agentId) userFilter += ` AND p.user_id = $${params.indexOf(filter.agentId) + 1}`;
      if (filter.groupId)
        userFilter += ` AND p.user_id IN (SELECT m.user_id FROM ring_group_members m
          JOIN ring_groups g ON g.id = m.ring_group_id AND g.tenant_id = $1
          WHERE m.ring_group_id = $${params.indexOf(filter.groupId) + 1})`;
      // PostgreSQL's JIT compiles the agent statement afresh on every run (its row estimates
      // for the joins are high), costing more than running it: it runs without JIT (PGlite has
      // none; the setting is accepted there too).
      [rows, dispositions, occupancy] = await this.database.transaction(async (tx) => {
        await tx.query('SET LOCAL jit = off');
        return [
          await tx.query<Figures>(agentReport(groupFilter, agentFilter), params),
          await tx.query<Keyed & { code: string; count: number }>(
            dispositionCounts(groupFilter, agentFilter),
            params,
          ),
          await tx.query<Occupancy>(occupancyReport(userFilter), params),
        ] as const;
      });
    }
    const codes = new Map<string, Record<string, number>>();
    for (const row of dispositions) {
      const key = `${epoch(row.start)}|${row.key_id}`;
      const counts = codes.get(key) ?? {};
      counts[row.code] = Number(row.count);
      codes.set(key, counts);
    }
    const report = rows.map((row) => this.toRow(by, row, codes));
    // Agents who were staffed in an interval without a call there still get their occupancy.
    const byKey = new Map(report.map((row) => [`${row.start}|${row.agent?.id}`, row]));
    for (const row of occupancy) {
      const start = epoch(row.start);
      const key = `${start}|${row.key_id}`;
      let reportRow = byKey.get(key);
      if (!reportRow) {
        reportRow = this.toRow(
          by,
          {
            ...noCalls,
            start: row.start,
            label: row.label,
            key_id: row.key_id,
            key_name: row.key_name,
          },
          codes,
        );
        report.push(reportRow);
      }
      reportRow.occupancy = ratio(Number(row.occupied_ms), Number(row.staffed_ms));
    }
    return occupancy.length === 0
      ? report
      : report.sort(
          (a, b) =>
            a.start - b.start ||
            (a.agent?.name ?? '').localeCompare(b.agent?.name ?? '') ||
            (a.agent?.id ?? '').localeCompare(b.agent?.id ?? ''),
        );
  }

  private toRow(by: ReportBy, row: Figures, codes: Map<string, Record<string, number>>): ReportRow {
    const start = epoch(row.start);
    const handled = Number(row.handled);
    const talkMs = Math.round(Number(row.talk_ms));
    const holdMs = Math.round(Number(row.hold_ms));
    const wrapUpMs = Math.round(Number(row.wrap_ms));
    const offered = Number(row.offered);
    const answered = Number(row.answered);
    const abandoned = Number(row.abandoned);
    const ref = { id: row.key_id, name: row.key_name ?? '' };
    return {
      start,
      label: row.label,
      group: by === 'group' ? ref : null,
      agent: by === 'agent' ? ref : null,
      offered,
      answered,
      abandoned,
      abandonedAfterMs: by === 'group' ? average(Number(row.abandoned_wait_ms), abandoned) : null,
      missed: Number(row.missed),
      declined: Number(row.declined),
      serviceLevel: row.answered_in_sl === null ? null : ratio(Number(row.answered_in_sl), offered),
      asaMs: average(Number(row.answer_wait_ms), answered),
      longestWaitMs: row.longest_wait_ms === null ? null : Math.round(Number(row.longest_wait_ms)),
      talkMs,
      holdMs,
      wrapUpMs,
      ahtMs: average(talkMs + holdMs + wrapUpMs, handled),
      occupancy: null,
      dispositions: codes.get(`${start}|${row.key_id}`) ?? {},
    };
  }

  async timeZone(tenantId: string): Promise<string> {
    const [row] = await this.database.query<{ time_zone: string }>(
      `SELECT time_zone FROM tenants WHERE id = $1`,
      [tenantId],
    );
    return row?.time_zone ?? 'UTC';
  }

  /** Whether the database knows this IANA name (it cuts the report's days with it). */
  async knowsTimeZone(name: string): Promise<boolean> {
    const rows = await this.database.query(`SELECT 1 FROM pg_timezone_names WHERE name = $1`, [
      name,
    ]);
    return rows.length > 0;
  }

  async setTimeZone(tenantId: string, timeZone: string): Promise<void> {
    await this.database.query(`UPDATE tenants SET time_zone = $2 WHERE id = $1`, [
      tenantId,
      timeZone,
    ]);
  }
}

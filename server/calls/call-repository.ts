/**
 * SQL for call records. The same statements run on PGlite and PostgreSQL; timestamps go in as
 * ISO strings and come back as Dates on both. Reads are scoped by tenant, so another tenant's
 * call id is simply not found.
 */
import type { Database } from '../db/database.ts';
import type { EndReason } from '../../protocol/session-protocol.ts';
import type { CallDetail, CallRecordStatus, EndedByKind, LegDetail } from './call-schemas.ts';

type Queryable = Pick<Database, 'query'>;

export interface CallRow {
  id: string;
  tenantId: string;
  fromName: string;
  fromAddress: string;
  fromUserId: string | null;
  toAddress: string;
  ringGroupId: string | null;
  origin: 'session' | 'api' | 'phone';
  params: Record<string, string>;
  status: CallRecordStatus;
  endReason: EndReason | null;
  /**
   * Who ended it (set once, with the end) and which person, when a person did. Absent in the
   * rows of calls routing never held (CallRecords.recordUnrouted works it out).
   */
  endedBy?: EndedByKind | null;
  endedByUserId?: string | null;
  answeredByUserId: string | null;
  createdAt: number;
  answeredAt: number | null;
  endedAt: number | null;
  queueWaitMs: number | null;
  talkMs: number | null;
  /** Total time the caller was on hold (null: never answered). */
  holdMs: number | null;
  /** Rings of the call that timed out / that an agent declined (for reports). */
  missedRings: number;
  declinedRings: number;
}

export interface LegRow {
  id: string;
  callId: string;
  tenantId: string;
  userId: string;
  attempt: number;
  outcome: string;
  rungAt: number;
  endedAt: number | null;
}

/** One step of a call's timeline the call and leg rows cannot tell (call_events). */
export interface EventRow {
  id: string;
  callId: string;
  tenantId: string;
  type: 'answered' | 'held' | 'resumed' | 'transferred';
  at: number;
  /** Orders events of the same millisecond (call-rows.ts `nextEventSeq`). */
  seq: number;
  /** The agent it is about (who answered, who had the call on hold, who handed it on). */
  userId: string | null;
}

/** An agent's presence from `at` until their next row (agent_presence, for occupancy). */
export interface PresenceRow {
  id: string;
  tenantId: string;
  userId: string;
  presence: string;
  at: number;
  seq: number;
}

/** Keeps every statement well under PostgreSQL's 65,535 bind parameters. */
const ROWS_PER_STATEMENT = 1000;

/** "($1, $2), ($3, $4)" and the flat values for a multi-row VALUES list. */
function placeholders<Row>(
  rows: Row[],
  columns: (row: Row) => unknown[],
): { tuples: string; values: unknown[] } {
  const values: unknown[] = [];
  const tuples = rows
    .map((row) => {
      const rowValues = columns(row);
      const first = values.length;
      values.push(...rowValues);
      return `(${rowValues.map((_, index) => `$${first + index + 1}`).join(', ')})`;
    })
    .join(', ');
  return { tuples, values };
}

const iso = (epochMs: number | null) => (epochMs === null ? null : new Date(epochMs).toISOString());
const epoch = (value: unknown) =>
  value === null || value === undefined ? null : new Date(value as string | Date).getTime();

interface StoredCall {
  id: string;
  from_name: string;
  from_address: string;
  to_address: string;
  ring_group_id: string | null;
  origin: 'session' | 'api' | 'phone';
  params: Record<string, string> | string;
  status: CallRecordStatus;
  end_reason: EndReason | null;
  ended_by: EndedByKind | null;
  ended_by_user_id: string | null;
  ended_by_name: string | null;
  answered_by_user_id: string | null;
  answered_by_name: string | null;
  to_user_name: string | null;
  created_at: Date | string;
  answered_at: Date | string | null;
  ended_at: Date | string | null;
  queue_wait_ms: number | null;
  talk_ms: number | null;
}

interface StoredLeg {
  call_id: string;
  user_id: string;
  attempt: number;
  outcome: string;
  rung_at: Date | string;
  ended_at: Date | string | null;
}

export class CallRepository {
  constructor(private readonly database: Database) {}

  /**
   * Writes calls as they are now: new ones are inserted, known ones take the new state. One
   * statement for the whole batch, because the write-behind queue hands over many at once.
   */
  async upsertCalls(calls: CallRow[], db: Queryable = this.database): Promise<void> {
    for (let start = 0; start < calls.length; start += ROWS_PER_STATEMENT) {
      const chunk = calls.slice(start, start + ROWS_PER_STATEMENT);
      const { tuples, values } = placeholders(chunk, (call) => [
        call.id,
        call.tenantId,
        call.fromName,
        call.fromAddress,
        call.fromUserId,
        call.toAddress,
        call.ringGroupId,
        call.origin,
        JSON.stringify(call.params),
        call.status,
        call.endReason,
        call.answeredByUserId,
        iso(call.createdAt),
        iso(call.answeredAt),
        iso(call.endedAt),
        call.queueWaitMs,
        call.talkMs,
        call.holdMs,
        call.missedRings,
        call.declinedRings,
        call.endedBy ?? null,
        call.endedByUserId ?? null,
      ]);
      await db.query(
        `INSERT INTO calls (id, tenant_id, from_name, from_address, from_user_id, to_address, ring_group_id, origin, params,
                            status, end_reason, answered_by_user_id, created_at, answered_at, ended_at, queue_wait_ms, talk_ms, hold_ms,
                            missed_rings, declined_rings, ended_by, ended_by_user_id)
         VALUES ${tuples}
         ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, end_reason = EXCLUDED.end_reason,
           answered_by_user_id = EXCLUDED.answered_by_user_id, answered_at = EXCLUDED.answered_at,
           ended_at = EXCLUDED.ended_at, queue_wait_ms = EXCLUDED.queue_wait_ms, talk_ms = EXCLUDED.talk_ms,
           hold_ms = EXCLUDED.hold_ms, missed_rings = EXCLUDED.missed_rings, declined_rings = EXCLUDED.declined_rings,
           ended_by = EXCLUDED.ended_by, ended_by_user_id = EXCLUDED.ended_by_user_id`,
        values,
      );
    }
  }

  /** Column arrays through unnest(): one short statement text however many legs it carries. */
  async insertLegs(legs: LegRow[], db: Queryable = this.database): Promise<void> {
    if (legs.length === 0) return;
    await db.query(
      `INSERT INTO call_legs (id, call_id, tenant_id, user_id, attempt, outcome, rung_at, ended_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::timestamptz[], $8::timestamptz[])
       ON CONFLICT (id) DO NOTHING`,
      [
        legs.map((leg) => leg.id),
        legs.map((leg) => leg.callId),
        legs.map((leg) => leg.tenantId),
        legs.map((leg) => leg.userId),
        legs.map((leg) => leg.attempt),
        legs.map((leg) => leg.outcome),
        legs.map((leg) => iso(leg.rungAt)),
        legs.map((leg) => iso(leg.endedAt)),
      ],
    );
  }

  async insertEvents(events: EventRow[], db: Queryable = this.database): Promise<void> {
    if (events.length === 0) return;
    await db.query(
      `INSERT INTO call_events (id, call_id, tenant_id, type, at, seq, user_id)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::bigint[], $7::text[])
       ON CONFLICT (id) DO NOTHING`,
      [
        events.map((event) => event.id),
        events.map((event) => event.callId),
        events.map((event) => event.tenantId),
        events.map((event) => event.type),
        events.map((event) => iso(event.at)),
        events.map((event) => event.seq),
        events.map((event) => event.userId),
      ],
    );
  }

  async insertPresence(rows: PresenceRow[], db: Queryable = this.database): Promise<void> {
    if (rows.length === 0) return;
    await db.query(
      `INSERT INTO agent_presence (id, tenant_id, user_id, presence, at, seq)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::bigint[])
       ON CONFLICT (id) DO NOTHING`,
      [
        rows.map((row) => row.id),
        rows.map((row) => row.tenantId),
        rows.map((row) => row.userId),
        rows.map((row) => row.presence),
        rows.map((row) => iso(row.at)),
        rows.map((row) => row.seq),
      ],
    );
  }

  /** Calls a crashed process left unfinished end as failed; returns how many. */
  async failUnfinished(): Promise<number> {
    const rows = await this.database.query<{ id: string }>(
      `UPDATE calls SET status = 'ended', end_reason = 'failed', ended_by = 'system', ended_at = now()
       WHERE status <> 'ended' RETURNING id`,
    );
    return rows.length;
  }

  async byId(tenantId: string, callId: string): Promise<CallDetail | null> {
    const rows = await this.database.query<StoredCall>(
      `${selectCalls} WHERE c.tenant_id = $1 AND c.id = $2`,
      [tenantId, callId],
    );
    return (await this.withLegs(rows))[0] ?? null;
  }

  async recent(tenantId: string, limit: number): Promise<CallDetail[]> {
    const rows = await this.database.query<StoredCall>(
      `${selectCalls} WHERE c.tenant_id = $1 ORDER BY c.created_at DESC, c.id LIMIT $2`,
      [tenantId, limit],
    );
    return this.withLegs(rows);
  }

  private async withLegs(rows: StoredCall[]): Promise<CallDetail[]> {
    if (rows.length === 0) return [];
    const legs = await this.database.query<StoredLeg>(
      `SELECT call_id, user_id, attempt, outcome, rung_at, ended_at FROM call_legs
       WHERE call_id = ANY($1::text[]) ORDER BY rung_at, id`,
      [rows.map((row) => row.id)],
    );
    const legsByCall = new Map<string, LegDetail[]>();
    for (const leg of legs) {
      const list = legsByCall.get(leg.call_id) ?? [];
      list.push({
        userId: leg.user_id,
        attempt: Number(leg.attempt),
        outcome: leg.outcome,
        rungAt: epoch(leg.rung_at)!,
        endedAt: epoch(leg.ended_at),
      });
      legsByCall.set(leg.call_id, list);
    }
    return rows.map((row) => toDetail(row, legsByCall.get(row.id) ?? []));
  }
}

const selectCalls = `
  SELECT c.id, c.from_name, c.from_address, c.to_address, c.ring_group_id, c.origin, c.params, c.status, c.end_reason,
         c.ended_by, c.ended_by_user_id, ender.display_name AS ended_by_name,
         c.answered_by_user_id, u.display_name AS answered_by_name, c.created_at, c.answered_at, c.ended_at,
         c.queue_wait_ms, c.talk_ms, callee.display_name AS to_user_name
  FROM calls c
  LEFT JOIN users u ON u.id = c.answered_by_user_id AND u.tenant_id = c.tenant_id
  LEFT JOIN users ender ON ender.id = c.ended_by_user_id AND ender.tenant_id = c.tenant_id
  LEFT JOIN users callee ON callee.tenant_id = c.tenant_id AND c.to_address = '/private/' || callee.username`;

function toDetail(row: StoredCall, legs: LegDetail[]): CallDetail {
  const params =
    typeof row.params === 'string'
      ? (JSON.parse(row.params) as Record<string, string>)
      : row.params;
  const groupName = row.to_address.replace(/^\/group\//, '');
  return {
    id: row.id,
    origin: row.origin,
    from: { name: row.from_name, address: row.from_address },
    to: {
      name: row.ring_group_id ? groupName : (row.to_user_name ?? row.to_address),
      address: row.to_address,
    },
    ringGroup: row.ring_group_id ? { id: row.ring_group_id, name: groupName } : null,
    status: row.status,
    endReason: row.end_reason,
    endedBy: endedByOf(row),
    answeredBy: row.answered_by_user_id
      ? { id: row.answered_by_user_id, name: row.answered_by_name ?? '' }
      : null,
    params,
    createdAt: epoch(row.created_at)!,
    answeredAt: epoch(row.answered_at),
    endedAt: epoch(row.ended_at),
    queueWaitMs: row.queue_wait_ms === null ? null : Number(row.queue_wait_ms),
    talkMs: row.talk_ms === null ? null : Number(row.talk_ms),
    legs,
  };
}

/** Who ended a recorded call, named from the people table (null: not ended, or recorded before). */
export function endedByOf(row: {
  ended_by: EndedByKind | null;
  ended_by_user_id: string | null;
  ended_by_name: string | null;
}): CallDetail['endedBy'] {
  if (row.ended_by === null) return null;
  return {
    kind: row.ended_by,
    user: row.ended_by_user_id ? { id: row.ended_by_user_id, name: row.ended_by_name ?? '' } : null,
  };
}

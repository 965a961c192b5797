/**
 * Writes call records straight into the tables, for history and report tests that need calls at
 * exact times (last week, across midnight, across a DST change) and for the reports benchmark.
 * The rows are the ones call records write (server/calls/call-repository.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../../db/database.ts';

export interface RecordedLeg {
  userId: string;
  outcome: string;
  rungAt: number;
  endedAt: number | null;
  attempt?: number;
}

export interface RecordedWrapUp {
  userId: string;
  dispositionCode?: string | null;
  note?: string;
  startedAt: number;
  endedAt: number | null;
}

export interface RecordedCall {
  id?: string;
  tenantId: string;
  fromName?: string;
  fromAddress?: string;
  fromUserId?: string | null;
  toAddress: string;
  ringGroupId?: string | null;
  origin?: 'session' | 'api' | 'phone';
  endReason?: string | null;
  answeredByUserId?: string | null;
  createdAt: number;
  answeredAt?: number | null;
  endedAt?: number | null;
  holdMs?: number | null;
  legs?: RecordedLeg[];
  wrapUps?: RecordedWrapUp[];
}

const iso = (epochMs: number | null | undefined) =>
  epochMs === null || epochMs === undefined ? null : new Date(epochMs).toISOString();

/** Inserts the calls (with their legs and wrap-ups); returns their ids in order. */
export async function insertRecordedCalls(
  database: Pick<Database, 'query'>,
  calls: RecordedCall[],
): Promise<string[]> {
  const ids: string[] = [];
  for (const call of calls) {
    const id = call.id ?? randomUUID();
    ids.push(id);
    const answeredAt = call.answeredAt ?? null;
    const endedAt = call.endedAt === undefined ? call.createdAt : call.endedAt;
    const waitEnd = answeredAt ?? endedAt;
    await database.query(
      `INSERT INTO calls (id, tenant_id, from_name, from_address, from_user_id, to_address, ring_group_id, origin,
                          status, end_reason, answered_by_user_id, created_at, answered_at, ended_at, queue_wait_ms, talk_ms, hold_ms,
                          missed_rings, declined_rings)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
      [
        id,
        call.tenantId,
        call.fromName ?? 'Caller',
        call.fromAddress ?? call.fromName ?? 'Caller',
        call.fromUserId ?? null,
        call.toAddress,
        call.ringGroupId ?? null,
        call.origin ?? 'api',
        endedAt === null ? (answeredAt === null ? 'queued' : 'connected') : 'ended',
        call.endReason ?? null,
        call.answeredByUserId ?? null,
        iso(call.createdAt),
        iso(answeredAt),
        iso(endedAt),
        waitEnd === null ? null : waitEnd - call.createdAt,
        answeredAt !== null && endedAt !== null ? endedAt - answeredAt : null,
        call.holdMs ?? (answeredAt === null ? null : 0),
        (call.legs ?? []).filter((leg) => leg.outcome === 'missed').length,
        (call.legs ?? []).filter((leg) => leg.outcome === 'rejected').length,
      ],
    );
    for (const [index, leg] of (call.legs ?? []).entries())
      await database.query(
        `INSERT INTO call_legs (id, call_id, tenant_id, user_id, attempt, outcome, rung_at, ended_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          `${id}-leg-${index}`,
          id,
          call.tenantId,
          leg.userId,
          leg.attempt ?? 1,
          leg.outcome,
          iso(leg.rungAt),
          iso(leg.endedAt),
        ],
      );
    for (const wrapUp of call.wrapUps ?? [])
      await database.query(
        `INSERT INTO call_wrap_ups (call_id, tenant_id, user_id, disposition_code, note, started_at, ended_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $6)`,
        [
          id,
          call.tenantId,
          wrapUp.userId,
          wrapUp.dispositionCode ?? null,
          wrapUp.note ?? '',
          iso(wrapUp.startedAt),
          iso(wrapUp.endedAt),
        ],
      );
  }
  return ids;
}

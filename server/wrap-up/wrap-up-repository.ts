/**
 * Wrap-up rows: one per agent who handled a call. The HTTP API saves what the agent wrote
 * (disposition, note); routing's after-call work stamps when wrap-up began and ended. Every
 * statement is tenant-first.
 */
import type { Database } from '../db/database.ts';

export interface WrapUpRecord {
  callId: string;
  userId: string;
  dispositionCode: string | null;
  note: string;
  startedAt: number;
  endedAt: number | null;
  updatedAt: number;
}

interface WrapUpRow {
  call_id: string;
  user_id: string;
  disposition_code: string | null;
  note: string;
  started_at: Date | string;
  ended_at: Date | string | null;
  updated_at: Date | string;
}

const epoch = (value: Date | string) => new Date(value).getTime();
const iso = (epochMs: number) => new Date(epochMs).toISOString();

const toRecord = (row: WrapUpRow): WrapUpRecord => ({
  callId: row.call_id,
  userId: row.user_id,
  dispositionCode: row.disposition_code,
  note: row.note,
  startedAt: epoch(row.started_at),
  endedAt: row.ended_at === null ? null : epoch(row.ended_at),
  updatedAt: epoch(row.updated_at),
});

const columns = `call_id, user_id, disposition_code, note, started_at, ended_at, updated_at`;

export class WrapUpRepository {
  constructor(private readonly database: Database) {}

  async find(tenantId: string, callId: string, userId: string): Promise<WrapUpRecord | null> {
    const [row] = await this.database.query<WrapUpRow>(
      `SELECT ${columns} FROM call_wrap_ups WHERE tenant_id = $1 AND call_id = $2 AND user_id = $3`,
      [tenantId, callId, userId],
    );
    return row ? toRecord(row) : null;
  }

  /**
   * Saves what the agent wrote. A first save creates the row with `startedAt` (routing's own
   * start, when it comes, takes over through `wrapUpStarted`).
   */
  async save(
    tenantId: string,
    record: Pick<
      WrapUpRecord,
      'callId' | 'userId' | 'dispositionCode' | 'note' | 'startedAt' | 'updatedAt'
    >,
  ): Promise<WrapUpRecord> {
    const [row] = await this.database.query<WrapUpRow>(
      `INSERT INTO call_wrap_ups (call_id, tenant_id, user_id, disposition_code, note, started_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (call_id, user_id) DO UPDATE
         SET disposition_code = EXCLUDED.disposition_code, note = EXCLUDED.note, updated_at = EXCLUDED.updated_at
       RETURNING ${columns}`,
      [
        record.callId,
        tenantId,
        record.userId,
        record.dispositionCode,
        record.note,
        iso(record.startedAt),
        iso(record.updatedAt),
      ],
    );
    return toRecord(row);
  }

  /** The agent's after-call work began (routing): creates the row or restarts its clock. */
  async wrapUpStarted(tenantId: string, callId: string, userId: string, at: number): Promise<void> {
    await this.database.query(
      `INSERT INTO call_wrap_ups (call_id, tenant_id, user_id, started_at, updated_at)
       VALUES ($1, $2, $3, $4, $4)
       ON CONFLICT (call_id, user_id) DO UPDATE SET started_at = EXCLUDED.started_at, ended_at = NULL`,
      [callId, tenantId, userId, iso(at)],
    );
  }

  /** The agent's after-call work ended (done early, or its time ran out). */
  async wrapUpEnded(tenantId: string, callId: string, userId: string, at: number): Promise<void> {
    await this.database.query(
      `UPDATE call_wrap_ups SET ended_at = $4
       WHERE tenant_id = $1 AND call_id = $2 AND user_id = $3 AND ended_at IS NULL`,
      [tenantId, callId, userId, iso(at)],
    );
  }
}

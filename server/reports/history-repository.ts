/**
 * Call history over the records: a keyset-paged search (newest first) and one call's timeline.
 * The same SQL on PGlite and PostgreSQL. Every statement starts from the tenant and a range of
 * created_at, so it walks the (tenant_id, created_at) index rather than the whole table.
 */
import type { Database } from '../db/database.ts';
import type { EndReason } from '../../protocol/session-protocol.ts';
import { AppError } from '../shared/errors.ts';
import { endedByOf } from '../calls/call-repository.ts';
import type { EndedByKind } from '../calls/call-schemas.ts';
import type {
  AgentOutcome,
  CallOutcome,
  CallTimeline,
  HistoryCall,
  HistoryPage,
  TimelineEvent,
  WrapUpSummary,
} from './history-schemas.ts';

export interface HistoryFilter {
  from: number;
  to: number;
  q?: string;
  disposition?: string;
  outcome?: CallOutcome;
  groupId?: string;
  /** Calls this agent handled (answered or handed on) or placed. */
  agentId?: string;
  /** With agentId: also the calls that rang the agent and that they did not take. */
  rung?: boolean;
  limit: number;
  cursor?: string;
}

/** Leg outcomes of an agent who had the call (as wrap-up counts them). */
const HANDLED_OUTCOMES = `('answered', 'transferred')`;

/** The caller's outcome of a call, as SQL over `c` (history-schemas.ts describes each). */
export const OUTCOME_SQL = `CASE WHEN c.ended_at IS NULL THEN 'live'
  WHEN c.answered_at IS NOT NULL THEN 'answered'
  WHEN c.end_reason = 'caller_cancelled' THEN 'abandoned'
  WHEN c.end_reason = 'rejected' THEN 'declined'
  WHEN c.end_reason = 'failed' THEN 'failed'
  ELSE 'unanswered' END`;

interface StoredHistoryCall {
  id: string;
  from_name: string;
  from_address: string;
  to_address: string;
  ring_group_id: string | null;
  group_name: string | null;
  origin: HistoryCall['origin'];
  outcome: CallOutcome;
  end_reason: EndReason | null;
  ended_by: EndedByKind | null;
  ended_by_user_id: string | null;
  ended_by_name: string | null;
  /** Only when searching for an agent (agentOutcomeSql). */
  agent_outcome?: AgentOutcome | null;
  answered_by_user_id: string | null;
  answered_by_name: string | null;
  to_user_name: string | null;
  created_at: Date | string;
  answered_at: Date | string | null;
  ended_at: Date | string | null;
  queue_wait_ms: number | null;
  talk_ms: number | null;
  hold_ms: number | null;
}

interface StoredWrapUp {
  call_id: string;
  user_id: string;
  user_name: string | null;
  disposition_code: string | null;
  disposition_label: string | null;
  note: string;
  started_at: Date | string;
  ended_at: Date | string | null;
}

const epoch = (value: Date | string) => new Date(value).getTime();
const epochOrNull = (value: Date | string | null) => (value === null ? null : epoch(value));
const numberOrNull = (value: number | string | null) => (value === null ? null : Number(value));
const iso = (epochMs: number) => new Date(epochMs).toISOString();

const selectHistory = (extraColumns = '') => `
  SELECT c.id, c.from_name, c.from_address, c.to_address, c.ring_group_id, g.name AS group_name, c.origin,
         ${OUTCOME_SQL} AS outcome, c.end_reason, c.answered_by_user_id, u.display_name AS answered_by_name,
         c.ended_by, c.ended_by_user_id, ender.display_name AS ended_by_name,
         callee.display_name AS to_user_name, c.created_at, c.answered_at, c.ended_at,
         c.queue_wait_ms, c.talk_ms, c.hold_ms${extraColumns}
  FROM calls c
  LEFT JOIN ring_groups g ON g.id = c.ring_group_id AND g.tenant_id = c.tenant_id
  LEFT JOIN users u ON u.id = c.answered_by_user_id AND u.tenant_id = c.tenant_id
  LEFT JOIN users ender ON ender.id = c.ended_by_user_id AND ender.tenant_id = c.tenant_id
  LEFT JOIN users callee ON callee.tenant_id = c.tenant_id AND c.to_address = '/private/' || callee.username`;

/** SQL: the agent `param` has a leg of the call (of one of `outcomes`, when given). */
const legOf = (param: string, outcomes?: string) =>
  `EXISTS (SELECT 1 FROM call_legs l WHERE l.call_id = c.id AND l.tenant_id = c.tenant_id
     AND l.user_id = ${param}${outcomes ? ` AND l.outcome IN ${outcomes}` : ''})`;

/**
 * SQL condition: the agent `$n` handled the call or placed it; with `rung`, also a call that
 * only rang them (history-schemas.ts `rung`).
 */
const involvesAgent = (param: string, rung = false) =>
  `(c.from_user_id = ${param} OR ${legOf(param, rung ? undefined : HANDLED_OUTCOMES)})`;

/**
 * SQL: how the call went for the agent `param` (AgentOutcome). Any ring they did not take is
 * missed from their desk, whether it rang out, someone else answered or the caller gave up.
 */
const agentOutcomeSql = (param: string) => `CASE WHEN c.from_user_id = ${param} THEN 'placed'
  WHEN ${legOf(param, `('answered')`)} THEN 'answered'
  WHEN ${legOf(param, `('transferred')`)} THEN 'transferred'
  WHEN ${legOf(param, `('rejected')`)} THEN 'declined'
  WHEN ${legOf(param)} THEN 'missed' END`;

/** A page boundary: the last call shown (created_at, id), opaque to clients. */
export function encodeCursor(createdAt: number, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

function decodeCursor(cursor: string): [number, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2) {
      const [createdAt, id] = value as unknown[];
      if (
        typeof createdAt === 'number' &&
        Number.isSafeInteger(createdAt) &&
        typeof id === 'string' &&
        id.length <= 64
      )
        return [createdAt, id];
    }
  } catch {
    // Falls through to the error below: a cursor is only ever one we handed out.
  }
  throw new AppError('bad-request', 'querystring/cursor is not a cursor this API returned');
}

/** `%`, `_` and `\` are LIKE's own characters; a search for "50%" means those characters. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

export class HistoryRepository {
  constructor(private readonly database: Database) {}

  async search(tenantId: string, filter: HistoryFilter): Promise<HistoryPage> {
    const params: unknown[] = [tenantId, iso(filter.from), iso(filter.to)];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const where = ['c.tenant_id = $1', 'c.created_at >= $2', 'c.created_at < $3'];
    if (filter.cursor) {
      const [createdAt, id] = decodeCursor(filter.cursor);
      where.push(`(c.created_at, c.id) < (${param(iso(createdAt))}::timestamptz, ${param(id)})`);
    }
    if (filter.groupId) where.push(`c.ring_group_id = ${param(filter.groupId)}`);
    let agentColumn = '';
    if (filter.agentId) {
      const agent = param(filter.agentId);
      where.push(involvesAgent(agent, filter.rung));
      agentColumn = `, ${agentOutcomeSql(agent)} AS agent_outcome`;
    }
    if (filter.q) {
      const pattern = param(likePattern(filter.q));
      where.push(
        `(c.from_name ILIKE ${pattern} OR c.from_address ILIKE ${pattern} OR c.to_address ILIKE ${pattern})`,
      );
    }
    if (filter.disposition) {
      const byAgent = filter.agentId ? ` AND w.user_id = ${param(filter.agentId)}` : '';
      where.push(
        `EXISTS (SELECT 1 FROM call_wrap_ups w WHERE w.call_id = c.id AND w.tenant_id = c.tenant_id
           AND w.disposition_code = ${param(filter.disposition)}${byAgent})`,
      );
    }
    if (filter.outcome) where.push(`${OUTCOME_SQL} = ${param(filter.outcome)}`);
    const rows = await this.database.query<StoredHistoryCall>(
      `${selectHistory(agentColumn)} WHERE ${where.join(' AND ')}
       ORDER BY c.created_at DESC, c.id DESC LIMIT ${param(filter.limit + 1)}`,
      params,
    );
    const page = rows.slice(0, filter.limit);
    const last = page.at(-1);
    return {
      calls: await this.withWrapUps(tenantId, page, filter.agentId),
      nextCursor:
        rows.length > filter.limit && last ? encodeCursor(epoch(last.created_at), last.id) : null,
    };
  }

  /** One call and what happened to it; null when unknown (or not the agent's to see). */
  async timeline(tenantId: string, callId: string, agentId?: string): Promise<CallTimeline | null> {
    const params: unknown[] = [tenantId, callId];
    const onlyAgent = agentId ? ` AND ${involvesAgent('$3')}` : '';
    if (agentId) params.push(agentId);
    const [row] = await this.database.query<StoredHistoryCall & { from_user_id: string | null }>(
      `${selectHistory(', c.from_user_id')}
       WHERE c.tenant_id = $1 AND c.id = $2${onlyAgent}`,
      params,
    );
    if (!row) return null;
    const [call] = await this.withWrapUps(tenantId, [row], agentId);
    const names = await this.userNames(tenantId, callId);
    const who = (userId: string | null) =>
      userId === null ? null : { id: userId, name: names.get(userId) ?? '' };

    const events: (TimelineEvent & { rank: number })[] = [];
    const add = (event: TimelineEvent, rank: number) => events.push({ ...event, rank });
    add({ type: 'placed', at: call.createdAt, user: who(row.from_user_id) }, 0);
    const legs = await this.database.query<{
      user_id: string;
      attempt: number;
      outcome: string;
      rung_at: Date | string;
      ended_at: Date | string | null;
    }>(
      `SELECT user_id, attempt, outcome, rung_at, ended_at FROM call_legs
       WHERE tenant_id = $1 AND call_id = $2 ORDER BY rung_at, id`,
      [tenantId, callId],
    );
    for (const leg of legs) {
      add(
        {
          type: 'rung',
          at: epoch(leg.rung_at),
          user: who(leg.user_id),
          attempt: Number(leg.attempt),
        },
        1,
      );
      if (leg.ended_at !== null && (leg.outcome === 'rejected' || leg.outcome === 'missed'))
        add(
          {
            type: leg.outcome === 'rejected' ? 'declined' : 'missed',
            at: epoch(leg.ended_at),
            user: who(leg.user_id),
          },
          2,
        );
    }
    const recorded = await this.database.query<{
      type: 'answered' | 'held' | 'resumed' | 'transferred';
      at: Date | string;
      user_id: string | null;
    }>(
      `SELECT type, at, user_id FROM call_events WHERE tenant_id = $1 AND call_id = $2 ORDER BY seq`,
      [tenantId, callId],
    );
    for (const event of recorded)
      add({ type: event.type, at: epoch(event.at), user: who(event.user_id) }, 3);
    // Calls recorded before call_events existed still show who answered.
    if (call.answeredAt !== null && !recorded.some((event) => event.type === 'answered'))
      add({ type: 'answered', at: call.answeredAt, user: call.answeredBy }, 3);
    if (call.endedAt !== null)
      add(
        {
          type: 'ended',
          at: call.endedAt,
          user: null,
          ...(call.endReason ? { endReason: call.endReason } : {}),
        },
        4,
      );
    // A stable sort: recorded events keep their recorded order within one millisecond.
    events.sort((a, b) => a.at - b.at || a.rank - b.rank);
    return { call: call, events: events.map(({ rank: _rank, ...event }) => event) };
  }

  private async userNames(tenantId: string, callId: string): Promise<Map<string, string>> {
    const rows = await this.database.query<{ id: string; display_name: string }>(
      `SELECT u.id, u.display_name FROM users u WHERE u.tenant_id = $1 AND u.id IN (
         SELECT user_id FROM call_legs WHERE tenant_id = $1 AND call_id = $2
         UNION SELECT user_id FROM call_events WHERE tenant_id = $1 AND call_id = $2 AND user_id IS NOT NULL
         UNION SELECT from_user_id FROM calls WHERE tenant_id = $1 AND id = $2 AND from_user_id IS NOT NULL)`,
      [tenantId, callId],
    );
    return new Map(rows.map((row) => [row.id, row.display_name]));
  }

  private async withWrapUps(
    tenantId: string,
    rows: StoredHistoryCall[],
    agentId?: string,
  ): Promise<HistoryCall[]> {
    const wrapUps = new Map<string, WrapUpSummary[]>();
    if (rows.length > 0) {
      const params: unknown[] = [tenantId, rows.map((row) => row.id)];
      if (agentId) params.push(agentId);
      const stored = await this.database.query<StoredWrapUp>(
        `SELECT w.call_id, w.user_id, u.display_name AS user_name, w.disposition_code, d.label AS disposition_label,
                w.note, w.started_at, w.ended_at
         FROM call_wrap_ups w
         LEFT JOIN users u ON u.id = w.user_id AND u.tenant_id = w.tenant_id
         LEFT JOIN dispositions d ON d.tenant_id = w.tenant_id AND d.code = w.disposition_code
         WHERE w.tenant_id = $1 AND w.call_id = ANY($2::text[])${agentId ? ' AND w.user_id = $3' : ''}
         ORDER BY w.started_at, w.user_id`,
        params,
      );
      for (const wrapUp of stored) {
        const list = wrapUps.get(wrapUp.call_id) ?? [];
        list.push({
          user: { id: wrapUp.user_id, name: wrapUp.user_name ?? '' },
          dispositionCode: wrapUp.disposition_code,
          dispositionLabel: wrapUp.disposition_label,
          note: wrapUp.note,
          startedAt: epoch(wrapUp.started_at),
          endedAt: epochOrNull(wrapUp.ended_at),
        });
        wrapUps.set(wrapUp.call_id, list);
      }
    }
    return rows.map((row) => toHistoryCall(row, wrapUps.get(row.id) ?? []));
  }
}

function toHistoryCall(row: StoredHistoryCall, wrapUps: WrapUpSummary[]): HistoryCall {
  const groupName = row.group_name ?? row.to_address.replace(/^\/group\//, '');
  return {
    id: row.id,
    origin: row.origin,
    from: { name: row.from_name, address: row.from_address },
    to: {
      name: row.ring_group_id ? groupName : (row.to_user_name ?? row.to_address),
      address: row.to_address,
    },
    ringGroup: row.ring_group_id ? { id: row.ring_group_id, name: groupName } : null,
    outcome: row.outcome,
    endReason: row.end_reason,
    endedBy: endedByOf(row),
    ...(row.agent_outcome ? { agentOutcome: row.agent_outcome } : {}),
    answeredBy: row.answered_by_user_id
      ? { id: row.answered_by_user_id, name: row.answered_by_name ?? '' }
      : null,
    createdAt: epoch(row.created_at),
    answeredAt: epochOrNull(row.answered_at),
    endedAt: epochOrNull(row.ended_at),
    queueWaitMs: numberOrNull(row.queue_wait_ms),
    talkMs: numberOrNull(row.talk_ms),
    holdMs: numberOrNull(row.hold_ms),
    wrapUps,
  };
}

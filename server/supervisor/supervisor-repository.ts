/**
 * What the supervisor feed reads from the database: the tenant's people and ring groups, and
 * the calls that ended today (UTC) with their legs, from which today's figures start. Every
 * query is scoped by tenant.
 */
import type { Database } from '../db/database.ts';
import type { EndReason } from '../../protocol/session-protocol.ts';
import type { Role } from '../auth/tokens.ts';
import { ReportRepository } from '../reports/report-repository.ts';

export interface TenantPerson {
  id: string;
  name: string;
  username: string;
  role: Role;
}

export interface TenantGroup {
  id: string;
  name: string;
  memberIds: string[];
  /** The group's service-level threshold. */
  serviceLevelSeconds: number;
  /** Who the group offers calls to (routing/strategies). */
  strategy?: string;
}

/** An agent's finished work today, as the agent report counts it (server/reports/README.md). */
export interface AgentTimes {
  talkMs: number;
  holdMs: number;
  /** (talk + hold + wrap-up) ÷ handled calls; null when none was handled. */
  averageHandleMs: number | null;
}

/** One ended call as the figures need it. */
export interface EndedCallFact {
  id: string;
  ringGroupId: string | null;
  createdAt: number;
  answeredAt: number | null;
  endedAt: number;
  endReason: EndReason | null;
  legs: { userId: string; outcome: string; endedAt: number | null }[];
}

const epoch = (value: unknown) =>
  value === null || value === undefined ? null : new Date(value as string | Date).getTime();

export class SupervisorRepository {
  private readonly reports: ReportRepository;

  constructor(private readonly database: Database) {
    this.reports = new ReportRepository(database);
  }

  /**
   * Per agent: talk, hold and average handle time over the calls placed on `day` (UTC,
   * YYYY-MM-DD). The agent report's own statement, so the feed and the reports never disagree.
   */
  async agentTimesOn(tenantId: string, day: string): Promise<Map<string, AgentTimes>> {
    const rows = await this.reports.report(tenantId, 'agent', {
      timeZone: 'UTC',
      from: day,
      to: day,
      interval: 'day',
    });
    const times = new Map<string, AgentTimes>();
    for (const row of rows) {
      if (!row.agent) continue;
      times.set(row.agent.id, {
        talkMs: row.talkMs,
        holdMs: row.holdMs,
        averageHandleMs: row.ahtMs,
      });
    }
    return times;
  }

  async people(tenantId: string): Promise<TenantPerson[]> {
    const rows = await this.database.query<{
      id: string;
      display_name: string;
      username: string;
      role: Role;
    }>(
      `SELECT id, display_name, username, role FROM users WHERE tenant_id = $1 ORDER BY display_name, id`,
      [tenantId],
    );
    return rows.map((row) => ({
      id: row.id,
      name: row.display_name,
      username: row.username,
      role: row.role,
    }));
  }

  async groups(tenantId: string): Promise<TenantGroup[]> {
    const rows = await this.database.query<{
      id: string;
      name: string;
      service_level_seconds: number;
      strategy: string;
      user_id: string | null;
    }>(
      `SELECT g.id, g.name, g.service_level_seconds, g.strategy, m.user_id
         FROM ring_groups g LEFT JOIN ring_group_members m ON m.ring_group_id = g.id
        WHERE g.tenant_id = $1
        ORDER BY g.name, g.id`,
      [tenantId],
    );
    const groups = new Map<string, TenantGroup>();
    for (const row of rows) {
      let group = groups.get(row.id);
      if (!group) {
        group = {
          id: row.id,
          name: row.name,
          memberIds: [],
          serviceLevelSeconds: Number(row.service_level_seconds),
          strategy: row.strategy,
        };
        groups.set(row.id, group);
      }
      if (row.user_id) group.memberIds.push(row.user_id);
    }
    return [...groups.values()];
  }

  /** Calls of the tenant that ended at or after `since`, with their legs. */
  async endedCallsSince(tenantId: string, since: number): Promise<EndedCallFact[]> {
    const calls = await this.database.query<{
      id: string;
      ring_group_id: string | null;
      created_at: Date | string;
      answered_at: Date | string | null;
      ended_at: Date | string;
      end_reason: EndReason | null;
    }>(
      `SELECT id, ring_group_id, created_at, answered_at, ended_at, end_reason
         FROM calls
        WHERE tenant_id = $1 AND status = 'ended' AND ended_at >= $2`,
      [tenantId, new Date(since).toISOString()],
    );
    const legs = await this.database.query<{
      call_id: string;
      user_id: string;
      outcome: string;
      ended_at: Date | string | null;
    }>(
      `SELECT l.call_id, l.user_id, l.outcome, l.ended_at
         FROM call_legs l JOIN calls c ON c.id = l.call_id
        WHERE c.tenant_id = $1 AND c.status = 'ended' AND c.ended_at >= $2`,
      [tenantId, new Date(since).toISOString()],
    );
    const facts = new Map<string, EndedCallFact>();
    for (const row of calls) {
      facts.set(row.id, {
        id: row.id,
        ringGroupId: row.ring_group_id,
        createdAt: epoch(row.created_at)!,
        answeredAt: epoch(row.answered_at),
        endedAt: epoch(row.ended_at)!,
        endReason: row.end_reason,
        legs: [],
      });
    }
    for (const row of legs) {
      facts.get(row.call_id)?.legs.push({
        userId: row.user_id,
        outcome: row.outcome,
        endedAt: epoch(row.ended_at),
      });
    }
    return [...facts.values()];
  }
}

/**
 * The Directory backed by the database: what routing, the session gateway and the HTTP API
 * read about tenants, users and ring groups. Reads only; writes go through the repositories.
 */
import type { Database } from '../db/database.ts';
import type { Directory, RingGroupRecord, TenantRecord, UserRecord } from './directory.ts';
import { toUserRecord } from '../tenants/tenant-repository.ts';
import { RingGroupRepository } from '../ring-groups/ring-group-repository.ts';

const userColumns = `id, tenant_id, reference, username, display_name, role, password_hash`;

export class DatabaseDirectory implements Directory {
  private readonly ringGroups: RingGroupRepository;

  constructor(private readonly database: Database) {
    this.ringGroups = new RingGroupRepository(database);
  }

  async tenant(tenantId: string): Promise<TenantRecord | null> {
    const [row] = await this.database.query<TenantRecord>(
      `SELECT id, name FROM tenants WHERE id = $1`,
      [tenantId],
    );
    return row ?? null;
  }

  async timeZone(tenantId: string): Promise<string> {
    const [row] = await this.database.query<{ time_zone: string }>(
      `SELECT time_zone FROM tenants WHERE id = $1`,
      [tenantId],
    );
    return row?.time_zone ?? 'UTC';
  }

  user(tenantId: string, userId: string): Promise<UserRecord | null> {
    return this.oneUser(`tenant_id = $1 AND id = $2`, [tenantId, userId]);
  }

  userByUsername(tenantId: string, username: string): Promise<UserRecord | null> {
    return this.oneUser(`tenant_id = $1 AND username = $2`, [tenantId, username]);
  }

  /** Everyone active in the tenant, by display name: what a console's people picker shows. */
  async users(tenantId: string): Promise<UserRecord[]> {
    const rows = await this.database.query<Parameters<typeof toUserRecord>[0]>(
      `SELECT ${userColumns} FROM users WHERE tenant_id = $1 AND deactivated_at IS NULL
       ORDER BY lower(display_name), id`,
      [tenantId],
    );
    return rows.map(toUserRecord);
  }

  ringGroup(tenantId: string, ringGroupId: string): Promise<RingGroupRecord | null> {
    return this.ringGroups.byId(tenantId, ringGroupId);
  }

  ringGroupByName(tenantId: string, name: string): Promise<RingGroupRecord | null> {
    return this.ringGroups.byName(tenantId, name);
  }

  ringGroupsOfUser(tenantId: string, userId: string): Promise<RingGroupRecord[]> {
    return this.ringGroups.ofUser(tenantId, userId);
  }

  /** Active people only: a deactivated person is nobody to routing, sign-in and the console. */
  private async oneUser(where: string, params: unknown[]): Promise<UserRecord | null> {
    const [row] = await this.database.query<Parameters<typeof toUserRecord>[0]>(
      `SELECT ${userColumns} FROM users WHERE ${where} AND deactivated_at IS NULL`,
      params,
    );
    if (!row) return null;
    const user = toUserRecord(row);
    const skills = await this.skills(user.tenantId, user.id);
    return Object.keys(skills).length > 0 ? { ...user, skills } : user;
  }

  /** The user's skills, name → level. */
  async skills(tenantId: string, userId: string): Promise<Record<string, number>> {
    const rows = await this.database.query<{ skill: string; level: number }>(
      `SELECT skill, level FROM user_skills WHERE tenant_id = $1 AND user_id = $2 ORDER BY skill`,
      [tenantId, userId],
    );
    return Object.fromEntries(rows.map((row) => [row.skill, Number(row.level)]));
  }

  /**
   * The skills the tenant's active people hold, by name, each with the highest level anyone
   * holds: what a transfer may require (a skill nobody holds could ring nobody).
   */
  async tenantSkills(tenantId: string): Promise<TenantSkill[]> {
    const rows = await this.database.query<{ skill: string; highest: number }>(
      `SELECT s.skill, max(s.level)::int AS highest
         FROM user_skills s JOIN users u ON u.id = s.user_id
        WHERE s.tenant_id = $1 AND u.deactivated_at IS NULL
        GROUP BY s.skill ORDER BY s.skill`,
      [tenantId],
    );
    return rows.map((row) => ({ name: row.skill, highestLevel: Number(row.highest) }));
  }

  /** Replaces the user's skills. */
  async setSkills(tenantId: string, userId: string, skills: Record<string, number>): Promise<void> {
    await this.database.transaction(async (tx) => {
      await tx.query(`DELETE FROM user_skills WHERE tenant_id = $1 AND user_id = $2`, [
        tenantId,
        userId,
      ]);
      for (const [skill, level] of Object.entries(skills))
        await tx.query(
          `INSERT INTO user_skills (tenant_id, user_id, skill, level) VALUES ($1, $2, $3, $4)`,
          [tenantId, userId, skill, level],
        );
    });
  }
}

/** One skill of a tenant's people: its name and the highest level anyone active holds. */
export interface TenantSkill {
  name: string;
  highestLevel: number;
}

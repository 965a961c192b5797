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

  /** Everyone in the tenant, by display name: what a console's people picker shows. */
  async users(tenantId: string): Promise<UserRecord[]> {
    const rows = await this.database.query<Parameters<typeof toUserRecord>[0]>(
      `SELECT ${userColumns} FROM users WHERE tenant_id = $1 ORDER BY lower(display_name), id`,
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

  private async oneUser(where: string, params: unknown[]): Promise<UserRecord | null> {
    const [row] = await this.database.query<Parameters<typeof toUserRecord>[0]>(
      `SELECT ${userColumns} FROM users WHERE ${where}`,
      params,
    );
    return row ? toUserRecord(row) : null;
  }
}

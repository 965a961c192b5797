/**
 * Ring groups and their members. Every statement is scoped by tenant, so a group or user id
 * from another tenant is indistinguishable from one that does not exist.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../db/database.ts';
import type { RingGroupRecord } from '../directory/directory.ts';
import { AppError } from '../shared/errors.ts';
import { DEFAULT_SERVICE_LEVEL_SECONDS } from './schemas.ts';

type Queryable = Pick<Database, 'query'>;

export interface RingGroupSettings {
  name: string;
  memberIds: string[];
  ringTimeoutSeconds: number;
  maxWaitSeconds: number;
  retryIntervalSeconds: number;
  /** Default 20 (the column's default). */
  serviceLevelSeconds?: number;
}

interface RingGroupRow {
  id: string;
  tenant_id: string;
  name: string;
  ring_timeout_seconds: number;
  max_wait_seconds: number;
  retry_interval_seconds: number;
  service_level_seconds: number;
  member_ids: string[];
}

// Members come back in the order the users were created: stable, and the same on both engines.
const selectGroups = `
  SELECT g.id, g.tenant_id, g.name, g.ring_timeout_seconds, g.max_wait_seconds, g.retry_interval_seconds,
         g.service_level_seconds,
         coalesce(array_agg(u.id ORDER BY u.created_at, u.id) FILTER (WHERE u.id IS NOT NULL), '{}') AS member_ids
  FROM ring_groups g
  LEFT JOIN ring_group_members m ON m.ring_group_id = g.id
  LEFT JOIN users u ON u.id = m.user_id AND u.tenant_id = g.tenant_id`;
// Byte order ("C"): names are ASCII slugs, and both engines then sort them the same way.
const groupBy = `GROUP BY g.id ORDER BY g.name COLLATE "C"`;

const toRecord = (row: RingGroupRow): RingGroupRecord => ({
  id: row.id,
  tenantId: row.tenant_id,
  name: row.name,
  memberIds: row.member_ids,
  ringTimeoutSeconds: Number(row.ring_timeout_seconds),
  maxWaitSeconds: Number(row.max_wait_seconds),
  retryIntervalSeconds: Number(row.retry_interval_seconds),
  serviceLevelSeconds: Number(row.service_level_seconds),
});

const isUniqueViolation = (error: unknown) =>
  (error as { code?: unknown } | null)?.code === '23505';

export class RingGroupRepository {
  constructor(private readonly database: Database) {}

  async list(tenantId: string): Promise<RingGroupRecord[]> {
    const rows = await this.database.query<RingGroupRow>(
      `${selectGroups} WHERE g.tenant_id = $1 ${groupBy}`,
      [tenantId],
    );
    return rows.map(toRecord);
  }

  byId(
    tenantId: string,
    id: string,
    db: Queryable = this.database,
  ): Promise<RingGroupRecord | null> {
    return this.one(db, `g.tenant_id = $1 AND g.id = $2`, [tenantId, id]);
  }

  byName(tenantId: string, name: string): Promise<RingGroupRecord | null> {
    return this.one(this.database, `g.tenant_id = $1 AND g.name = $2`, [tenantId, name]);
  }

  async ofUser(tenantId: string, userId: string): Promise<RingGroupRecord[]> {
    const rows = await this.database.query<RingGroupRow>(
      `${selectGroups}
       WHERE g.tenant_id = $1 AND g.id IN (SELECT ring_group_id FROM ring_group_members WHERE user_id = $2)
       ${groupBy}`,
      [tenantId, userId],
    );
    return rows.map(toRecord);
  }

  async create(tenantId: string, settings: RingGroupSettings): Promise<RingGroupRecord> {
    const id = randomUUID();
    return this.write(settings.name, async (tx) => {
      await requireMembers(tx, tenantId, settings.memberIds);
      await tx.query(
        `INSERT INTO ring_groups (id, tenant_id, name, ring_timeout_seconds, max_wait_seconds, retry_interval_seconds, service_level_seconds)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          id,
          tenantId,
          settings.name,
          settings.ringTimeoutSeconds,
          settings.maxWaitSeconds,
          settings.retryIntervalSeconds,
          settings.serviceLevelSeconds ?? DEFAULT_SERVICE_LEVEL_SECONDS,
        ],
      );
      await insertMembers(tx, id, settings.memberIds);
      return (await this.byId(tenantId, id, tx))!;
    });
  }

  /** Applies the given changes; `memberIds`, when present, replaces the whole member list. */
  async update(
    tenantId: string,
    id: string,
    changes: Partial<RingGroupSettings>,
  ): Promise<RingGroupRecord | null> {
    return this.write(changes.name, async (tx) => {
      const current = await this.byId(tenantId, id, tx);
      if (!current) return null;
      const next = { ...current, ...definedOnly(changes) };
      if (changes.memberIds) await requireMembers(tx, tenantId, changes.memberIds);
      await tx.query(
        `UPDATE ring_groups SET name = $3, ring_timeout_seconds = $4, max_wait_seconds = $5, retry_interval_seconds = $6,
                service_level_seconds = $7
         WHERE tenant_id = $1 AND id = $2`,
        [
          tenantId,
          id,
          next.name,
          next.ringTimeoutSeconds,
          next.maxWaitSeconds,
          next.retryIntervalSeconds,
          next.serviceLevelSeconds,
        ],
      );
      if (changes.memberIds) {
        await tx.query(`DELETE FROM ring_group_members WHERE ring_group_id = $1`, [id]);
        await insertMembers(tx, id, changes.memberIds);
      }
      return this.byId(tenantId, id, tx);
    });
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const rows = await this.database.query(
      `DELETE FROM ring_groups WHERE tenant_id = $1 AND id = $2 RETURNING id`,
      [tenantId, id],
    );
    return rows.length > 0;
  }

  private async one(
    db: Queryable,
    where: string,
    params: unknown[],
  ): Promise<RingGroupRecord | null> {
    const [row] = await db.query<RingGroupRow>(`${selectGroups} WHERE ${where} ${groupBy}`, params);
    return row ? toRecord(row) : null;
  }

  /** Runs a write in one transaction, turning a duplicate name into a 409 instead of a 500. */
  private async write<T>(
    name: string | undefined,
    work: (tx: Queryable) => Promise<T>,
  ): Promise<T> {
    try {
      return await this.database.transaction(work);
    } catch (error) {
      if (isUniqueViolation(error))
        throw new AppError('conflict', `a ring group named "${name}" already exists`);
      throw error;
    }
  }
}

/** Every member must be a user of this tenant; the first one that is not is named. */
async function requireMembers(tx: Queryable, tenantId: string, memberIds: string[]): Promise<void> {
  if (memberIds.length === 0) return;
  const rows = await tx.query<{ id: string }>(
    `SELECT id FROM users WHERE tenant_id = $1 AND id = ANY($2::text[])`,
    [tenantId, memberIds],
  );
  const known = new Set(rows.map((row) => row.id));
  const unknown = memberIds.find((memberId) => !known.has(memberId));
  if (unknown !== undefined)
    throw new AppError('bad-request', `member "${unknown}" is not a user of this tenant`);
}

async function insertMembers(
  tx: Queryable,
  ringGroupId: string,
  memberIds: string[],
): Promise<void> {
  if (memberIds.length === 0) return;
  await tx.query(
    `INSERT INTO ring_group_members (ring_group_id, user_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
    [ringGroupId, memberIds],
  );
}

function definedOnly<T extends object>(changes: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(changes).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}

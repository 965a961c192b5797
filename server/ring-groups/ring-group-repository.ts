/**
 * Ring groups and their members. Every statement is scoped by tenant, so a group or user id
 * from another tenant is indistinguishable from one that does not exist.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../db/database.ts';
import type { BusinessHoursRecord, RingGroupRecord } from '../directory/directory.ts';
import { AppError } from '../shared/errors.ts';
import { DEFAULT_SERVICE_LEVEL_SECONDS, DEFAULT_STRATEGY } from './schemas.ts';

type Queryable = Pick<Database, 'query'>;

export interface RingGroupSettings {
  name: string;
  memberIds: string[];
  ringTimeoutSeconds: number;
  maxWaitSeconds: number;
  retryIntervalSeconds: number;
  /** Default 20 (the column's default). */
  serviceLevelSeconds?: number;
  /** Default ring-all. */
  strategy?: string;
  overflow?: { ringGroupId: string; delaySeconds: number } | null;
  businessHours?: BusinessHoursRecord | null;
  /** Default 30 (the column's default). */
  wrapUpSeconds?: number;
  /** Default null (no greeting). */
  queueGreeting?: string | null;
  /** Default null (ringback). */
  queueMusic?: string | null;
}

interface RingGroupRow {
  id: string;
  tenant_id: string;
  name: string;
  ring_timeout_seconds: number;
  max_wait_seconds: number;
  retry_interval_seconds: number;
  service_level_seconds: number;
  strategy: string;
  overflow_group_id: string | null;
  overflow_delay_seconds: number | null;
  /** jsonb: an object, or its text on engines that return jsonb as text. */
  business_hours: BusinessHoursRecord | string | null;
  wrap_up_seconds: number;
  queue_greeting: string | null;
  queue_music: string | null;
  member_ids: string[];
}

// Members come back in the order the admin gave them (members added before that order was kept
// share position 0 and come in the order the users were created): the same on both engines.
const selectGroups = `
  SELECT g.id, g.tenant_id, g.name, g.ring_timeout_seconds, g.max_wait_seconds, g.retry_interval_seconds,
         g.service_level_seconds, g.strategy, g.overflow_group_id, g.overflow_delay_seconds,
         g.business_hours, g.wrap_up_seconds, g.queue_greeting, g.queue_music,
         coalesce(array_agg(u.id ORDER BY m.position, u.created_at, u.id) FILTER (WHERE u.id IS NOT NULL), '{}') AS member_ids
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
  strategy: row.strategy,
  overflow:
    row.overflow_group_id === null
      ? null
      : {
          ringGroupId: row.overflow_group_id,
          delaySeconds: Number(row.overflow_delay_seconds ?? 0),
        },
  businessHours:
    typeof row.business_hours === 'string'
      ? (JSON.parse(row.business_hours) as BusinessHoursRecord)
      : row.business_hours,
  wrapUpSeconds: Number(row.wrap_up_seconds),
  queueGreeting: row.queue_greeting,
  queueMusic: row.queue_music,
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
      await requireOtherGroups(tx, tenantId, id, settings);
      requireMusicAfterGreeting(settings);
      await tx.query(
        `INSERT INTO ring_groups (id, tenant_id, name, ring_timeout_seconds, max_wait_seconds, retry_interval_seconds,
                                  service_level_seconds, strategy, overflow_group_id, overflow_delay_seconds,
                                  business_hours, wrap_up_seconds, queue_greeting, queue_music)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12, $13, $14)`,
        [
          id,
          tenantId,
          settings.name,
          settings.ringTimeoutSeconds,
          settings.maxWaitSeconds,
          settings.retryIntervalSeconds,
          settings.serviceLevelSeconds ?? DEFAULT_SERVICE_LEVEL_SECONDS,
          settings.strategy ?? DEFAULT_STRATEGY,
          settings.overflow?.ringGroupId ?? null,
          settings.overflow?.delaySeconds ?? null,
          jsonOrNull(settings.businessHours),
          settings.wrapUpSeconds ?? DEFAULT_WRAP_UP_SECONDS,
          settings.queueGreeting ?? null,
          settings.queueMusic ?? null,
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
      await requireOtherGroups(tx, tenantId, id, changes);
      requireMusicAfterGreeting(next);
      await tx.query(
        `UPDATE ring_groups SET name = $3, ring_timeout_seconds = $4, max_wait_seconds = $5, retry_interval_seconds = $6,
                service_level_seconds = $7, strategy = $8, overflow_group_id = $9, overflow_delay_seconds = $10,
                business_hours = $11::jsonb, wrap_up_seconds = $12, queue_greeting = $13, queue_music = $14
         WHERE tenant_id = $1 AND id = $2`,
        [
          tenantId,
          id,
          next.name,
          next.ringTimeoutSeconds,
          next.maxWaitSeconds,
          next.retryIntervalSeconds,
          next.serviceLevelSeconds,
          next.strategy ?? DEFAULT_STRATEGY,
          next.overflow?.ringGroupId ?? null,
          next.overflow?.delaySeconds ?? null,
          jsonOrNull(next.businessHours),
          next.wrapUpSeconds ?? DEFAULT_WRAP_UP_SECONDS,
          next.queueGreeting ?? null,
          next.queueMusic ?? null,
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

/**
 * The overflow group and a closed treatment's group must be other groups of this tenant; a
 * closed treatment names what it needs (a group, or a script) and nothing else.
 */
async function requireOtherGroups(
  tx: Queryable,
  tenantId: string,
  id: string,
  settings: Partial<RingGroupSettings>,
): Promise<void> {
  const closed = settings.businessHours?.closed;
  if (closed) {
    if (closed.action === 'group' && !closed.ringGroupId)
      throw new AppError(
        'bad-request',
        'body/businessHours/closed needs "ringGroupId" with action "group"',
      );
    if (closed.action === 'script' && !closed.script)
      throw new AppError(
        'bad-request',
        'body/businessHours/closed needs "script" with action "script"',
      );
    if (closed.action !== 'group' && closed.ringGroupId !== undefined)
      throw new AppError(
        'bad-request',
        'body/businessHours/closed has "ringGroupId", which only goes with action "group"',
      );
    if (closed.action !== 'script' && closed.script !== undefined)
      throw new AppError(
        'bad-request',
        'body/businessHours/closed has "script", which only goes with action "script"',
      );
  }
  for (const hours of settings.businessHours?.hours ?? [])
    if (hours.open === hours.close)
      throw new AppError(
        'bad-request',
        `body/businessHours/hours: day ${hours.day} opens and closes at ${hours.open}`,
      );
  for (const day of settings.businessHours?.holidays ?? [])
    if (!isCalendarDate(day))
      throw new AppError('bad-request', `body/businessHours/holidays: "${day}" is not a date`);
  const targets = [
    ['overflow', settings.overflow?.ringGroupId],
    ['businessHours/closed', closed?.ringGroupId],
  ] as const;
  for (const [field, groupId] of targets) {
    if (groupId === undefined) continue;
    if (groupId === id)
      throw new AppError('bad-request', `body/${field}/ringGroupId is this group itself`);
    const [row] = await tx.query<{ id: string }>(
      `SELECT id FROM ring_groups WHERE tenant_id = $1 AND id = $2`,
      [tenantId, groupId],
    );
    if (!row)
      throw new AppError(
        'bad-request',
        `body/${field}/ringGroupId "${groupId}" is not a ring group of this tenant`,
      );
  }
}

/**
 * A greeting is followed by music: after it the line is answered, and a caller who then hears
 * nothing takes the call for dead (ringback cannot come back once LiveKit SIP has answered).
 */
function requireMusicAfterGreeting(settings: Partial<RingGroupSettings>): void {
  if (settings.queueGreeting && !settings.queueMusic)
    throw new AppError(
      'bad-request',
      'body/queueGreeting needs "queueMusic" (a media file or "tone"): once the greeting has ' +
        'answered the phone the caller would hear silence',
    );
}

const isCalendarDate = (day: string) => new Date(`${day}T00:00:00Z`).toISOString().startsWith(day);

const jsonOrNull = (value: unknown) =>
  value === undefined || value === null ? null : JSON.stringify(value);

export const DEFAULT_WRAP_UP_SECONDS = 30;

/** Members keep the order they were given (their position). */
async function insertMembers(
  tx: Queryable,
  ringGroupId: string,
  memberIds: string[],
): Promise<void> {
  if (memberIds.length === 0) return;
  await tx.query(
    `INSERT INTO ring_group_members (ring_group_id, user_id, position)
     SELECT $1, member.user_id, member.position
     FROM unnest($2::text[]) WITH ORDINALITY AS member(user_id, position)
     ON CONFLICT DO NOTHING`,
    [ringGroupId, memberIds],
  );
}

function definedOnly<T extends object>(changes: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(changes).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}

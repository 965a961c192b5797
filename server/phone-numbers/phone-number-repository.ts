/**
 * A tenant's phone numbers. A number (E.164) belongs to one tenant across the whole server:
 * adding one that any tenant already has is a conflict. Reads and writes are tenant-first, so
 * another tenant's number id is simply not found; `route` is the one global lookup, for an
 * incoming call that knows only the number dialled.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../db/database.ts';
import { groupAddress, privateAddress } from '../directory/directory.ts';
import type { PlanStep } from '../media-script/script-schema.ts';
import type { MediaScript } from '../media-script/script-schema.ts';
import { AppError } from '../shared/errors.ts';
import { formatForPeople, toE164 } from './phone-number-format.ts';
import type {
  CreatePhoneNumberBody,
  DestinationInput,
  DestinationView,
  PhoneNumberView,
  UpdatePhoneNumberBody,
} from './schemas.ts';

type Queryable = Pick<Database, 'query'>;

interface PhoneNumberRow {
  id: string;
  tenant_id: string;
  number: string;
  label: string;
  destination_type: 'group' | 'user' | 'script';
  ring_group_id: string | null;
  user_id: string | null;
  script: MediaScript | string | null;
  required_skills: Record<string, number> | string | null;
  created_at: Date | string;
  is_caller_id: boolean;
  group_name: string | null;
  queue_greeting: string | null;
  queue_music: string | null;
  user_name: string | null;
  username: string | null;
}

/** Where an incoming call to a number goes, as call control needs it. */
export type PhoneRoute =
  | {
      tenantId: string;
      numberId: string;
      number: string;
      kind: 'address';
      address: string;
      /** Calls to the number require these (none: unset). */
      skills?: Record<string, number>;
      /** The ring group's greeting and music for phone callers; unset: ringback. */
      waiting?: { greeting: string | null; music: string };
    }
  | { tenantId: string; numberId: string; number: string; kind: 'script'; script: MediaScript }
  | { tenantId: string; numberId: string; number: string; kind: 'nowhere' };

/** A checked destination, ready to store. */
interface StoredDestination {
  type: 'group' | 'user' | 'script';
  ringGroupId: string | null;
  userId: string | null;
  script: MediaScript | null;
  /** Group and user destinations only; null: none required. */
  skills: Record<string, number> | null;
}

const select = `
  SELECT p.id, p.tenant_id, p.number, p.label, p.destination_type, p.ring_group_id, p.user_id,
         p.script, p.required_skills, p.created_at, g.name AS group_name, g.queue_greeting, g.queue_music,
         u.display_name AS user_name, u.username,
         (p.caller_id OR (
           NOT EXISTS (SELECT 1 FROM phone_numbers m WHERE m.tenant_id = p.tenant_id AND m.caller_id)
           AND p.number = (SELECT min(f.number) FROM phone_numbers f WHERE f.tenant_id = p.tenant_id)
         )) AS is_caller_id
  FROM phone_numbers p
  LEFT JOIN ring_groups g ON g.id = p.ring_group_id AND g.tenant_id = p.tenant_id
  LEFT JOIN users u ON u.id = p.user_id AND u.tenant_id = p.tenant_id`;

const scriptOf = (row: PhoneNumberRow): MediaScript | null =>
  typeof row.script === 'string' ? (JSON.parse(row.script) as MediaScript) : row.script;

function skillsOf(row: PhoneNumberRow): { skills?: Record<string, number> } {
  const skills =
    typeof row.required_skills === 'string'
      ? (JSON.parse(row.required_skills) as Record<string, number>)
      : row.required_skills;
  return skills && Object.keys(skills).length > 0 ? { skills } : {};
}

function destinationOf(row: PhoneNumberRow): DestinationView {
  switch (row.destination_type) {
    case 'group':
      return row.ring_group_id && row.group_name !== null
        ? {
            type: 'group',
            ringGroupId: row.ring_group_id,
            name: row.group_name,
            address: groupAddress(row.group_name),
            ...skillsOf(row),
          }
        : null;
    case 'user':
      return row.user_id && row.username !== null
        ? {
            type: 'user',
            userId: row.user_id,
            name: row.user_name ?? row.username,
            address: privateAddress(row.username),
            ...skillsOf(row),
          }
        : null;
    case 'script': {
      const script = scriptOf(row);
      return script ? { type: 'script', script } : null;
    }
  }
}

const toView = (row: PhoneNumberRow): PhoneNumberView => ({
  id: row.id,
  number: row.number,
  display: formatForPeople(row.number),
  label: row.label,
  destination: destinationOf(row),
  callerId: Boolean(row.is_caller_id),
  createdAt: new Date(row.created_at).getTime(),
});

const isUniqueViolation = (error: unknown) =>
  (error as { code?: unknown } | null)?.code === '23505';

export interface PhoneNumberRepositoryOptions {
  /**
   * Checks a script destination the way POST /api/calls checks a script (file names, ffmpeg),
   * throwing the same errors; without it scripts are only checked by the schema.
   */
  checkScript?: (script: MediaScript) => PlanStep[];
}

export class PhoneNumberRepository {
  constructor(
    private readonly database: Database,
    private readonly options: PhoneNumberRepositoryOptions = {},
  ) {}

  /** The tenant's numbers in E.164 order. */
  async list(tenantId: string): Promise<PhoneNumberView[]> {
    const rows = await this.database.query<PhoneNumberRow>(
      `${select} WHERE p.tenant_id = $1 ORDER BY p.number COLLATE "C"`,
      [tenantId],
    );
    return rows.map(toView);
  }

  async byId(tenantId: string, id: string): Promise<PhoneNumberView | null> {
    const [row] = await this.database.query<PhoneNumberRow>(
      `${select} WHERE p.tenant_id = $1 AND p.id = $2`,
      [tenantId, id],
    );
    return row ? toView(row) : null;
  }

  async create(tenantId: string, body: CreatePhoneNumberBody): Promise<PhoneNumberView> {
    const number = requireE164(body.number);
    const id = randomUUID();
    await this.database.transaction(async (tx) => {
      const destination = await this.checkDestination(tx, tenantId, body.destination);
      try {
        await tx.query(
          `INSERT INTO phone_numbers (id, tenant_id, number, label, destination_type, ring_group_id, user_id, script, required_skills)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [
            id,
            tenantId,
            number,
            body.label ?? '',
            destination.type,
            destination.ringGroupId,
            destination.userId,
            destination.script === null ? null : JSON.stringify(destination.script),
            destination.skills === null ? null : JSON.stringify(destination.skills),
          ],
        );
      } catch (error) {
        // Another tenant's number is named no more than this: the number is simply taken.
        if (isUniqueViolation(error))
          throw new AppError('conflict', `phone number ${number} is already in use`);
        throw error;
      }
      if (body.callerId !== undefined) await markCallerId(tx, tenantId, id, body.callerId);
    });
    return (await this.byId(tenantId, id))!;
  }

  /** Null when the tenant has no such number. */
  async update(
    tenantId: string,
    id: string,
    changes: UpdatePhoneNumberBody,
  ): Promise<PhoneNumberView | null> {
    const updated = await this.database.transaction(async (tx) => {
      const destination = changes.destination
        ? await this.checkDestination(tx, tenantId, changes.destination)
        : null;
      const rows = await tx.query(
        `UPDATE phone_numbers
         SET label = COALESCE($3, label),
             destination_type = COALESCE($4, destination_type),
             ring_group_id = CASE WHEN $4::text IS NULL THEN ring_group_id ELSE $5 END,
             user_id = CASE WHEN $4::text IS NULL THEN user_id ELSE $6 END,
             script = CASE WHEN $4::text IS NULL THEN script ELSE $7::jsonb END,
             required_skills = CASE WHEN $4::text IS NULL THEN required_skills ELSE $8::jsonb END
         WHERE tenant_id = $1 AND id = $2
         RETURNING id`,
        [
          tenantId,
          id,
          changes.label ?? null,
          destination?.type ?? null,
          destination?.ringGroupId ?? null,
          destination?.userId ?? null,
          destination?.script ? JSON.stringify(destination.script) : null,
          destination?.skills ? JSON.stringify(destination.skills) : null,
        ],
      );
      if (rows.length > 0 && changes.callerId !== undefined)
        await markCallerId(tx, tenantId, id, changes.callerId);
      return rows.length > 0;
    });
    return updated ? this.byId(tenantId, id) : null;
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const rows = await this.database.query(
      `DELETE FROM phone_numbers WHERE tenant_id = $1 AND id = $2 RETURNING id`,
      [tenantId, id],
    );
    return rows.length > 0;
  }

  /** Every number of every tenant, E.164: what the SIP trunk accepts calls for. */
  async allNumbers(): Promise<string[]> {
    const rows = await this.database.query<{ number: string }>(
      `SELECT number FROM phone_numbers ORDER BY number COLLATE "C"`,
    );
    return rows.map((row) => row.number);
  }

  /** The number a tenant's outbound calls show (E.164), or null when it has none. */
  async callerIdOf(tenantId: string): Promise<string | null> {
    const [row] = await this.database.query<{ number: string }>(
      `SELECT number FROM phone_numbers WHERE tenant_id = $1 ORDER BY caller_id DESC, number LIMIT 1`,
      [tenantId],
    );
    return row?.number ?? null;
  }

  /** Where a call to `dialled` goes, across tenants; null for a number nobody has. */
  async route(dialled: string): Promise<PhoneRoute | null> {
    const number = toE164(dialled);
    if (!number) return null;
    const [row] = await this.database.query<PhoneNumberRow>(`${select} WHERE p.number = $1`, [
      number,
    ]);
    if (!row) return null;
    const base = { tenantId: row.tenant_id, numberId: row.id, number: row.number };
    const destination = destinationOf(row);
    if (!destination) return { ...base, kind: 'nowhere' };
    if (destination.type === 'script')
      return { ...base, kind: 'script', script: destination.script };
    const waiting =
      destination.type === 'group' && row.queue_music
        ? { waiting: { greeting: row.queue_greeting, music: row.queue_music } }
        : {};
    return {
      ...base,
      kind: 'address',
      address: destination.address,
      ...(destination.skills ? { skills: destination.skills } : {}),
      ...waiting,
    };
  }

  /** One destination field per type, and its id a ring group or user of this tenant. */
  private async checkDestination(
    tx: Queryable,
    tenantId: string,
    input: DestinationInput,
  ): Promise<StoredDestination> {
    const { type, ringGroupId, userId, script } = input;
    // Skills go with the destinations agents ring; an announcement rings nobody.
    const skills = input.skills && Object.keys(input.skills).length > 0 ? input.skills : null;
    const given = Object.keys(input).filter(
      (key) => key !== 'type' && !(key === 'skills' && type !== 'script'),
    );
    const expected = { group: 'ringGroupId', user: 'userId', script: 'script' }[type];
    const stray = given.find((key) => key !== expected);
    if (stray)
      throw new AppError('bad-request', `destination of type "${type}" takes no "${stray}"`);
    if (!given.includes(expected))
      throw new AppError('bad-request', `destination of type "${type}" needs "${expected}"`);
    if (type === 'group') {
      const [group] = await tx.query(
        `SELECT id FROM ring_groups WHERE tenant_id = $1 AND id = $2`,
        [tenantId, ringGroupId],
      );
      if (!group)
        throw new AppError(
          'bad-request',
          `ring group "${ringGroupId}" is not a ring group of this tenant`,
        );
      return { type, ringGroupId: ringGroupId!, userId: null, script: null, skills };
    }
    if (type === 'user') {
      const [user] = await tx.query(`SELECT id FROM users WHERE tenant_id = $1 AND id = $2`, [
        tenantId,
        userId,
      ]);
      if (!user) throw new AppError('bad-request', `user "${userId}" is not a user of this tenant`);
      return { type, ringGroupId: null, userId: userId!, script: null, skills };
    }
    this.options.checkScript?.(script!);
    return { type, ringGroupId: null, userId: null, script: script!, skills: null };
  }
}

/** At most one caller ID per tenant: marking one clears the others. */
async function markCallerId(
  tx: Queryable,
  tenantId: string,
  id: string,
  callerId: boolean,
): Promise<void> {
  if (callerId)
    await tx.query(`UPDATE phone_numbers SET caller_id = false WHERE tenant_id = $1 AND id <> $2`, [
      tenantId,
      id,
    ]);
  await tx.query(`UPDATE phone_numbers SET caller_id = $3 WHERE tenant_id = $1 AND id = $2`, [
    tenantId,
    id,
    callerId,
  ]);
}

/** The E.164 form of a tenant's new number, or a 400 saying what a valid one looks like. */
function requireE164(input: string): string {
  const number = toE164(input);
  if (!number)
    throw new AppError(
      'bad-request',
      `"${input}" is not a valid international phone number (expected "+" and the country code, e.g. "+1 415 555 0100")`,
    );
  return number;
}

/**
 * The dispositions every new tenant starts with, so an agent's first wrap-up has a list to pick
 * from. Tenants change them through `/api/dispositions` (deactivate, relabel, add); these are
 * only the first version. The migration that introduced dispositions gives existing tenants the
 * same list (db/migrations.ts), so keep the two in step.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../db/database.ts';

export const DEFAULT_DISPOSITIONS: ReadonlyArray<{ code: string; label: string }> = [
  { code: 'resolved', label: 'Resolved' },
  { code: 'information-given', label: 'Information given' },
  { code: 'follow-up', label: 'Follow-up needed' },
  { code: 'callback-requested', label: 'Callback requested' },
  { code: 'escalated', label: 'Escalated' },
  { code: 'wrong-number', label: 'Wrong number' },
  { code: 'call-dropped', label: 'Call dropped' },
];

/** Gives a tenant the default list; codes it already has are left as they are. */
export async function seedDefaultDispositions(
  database: Pick<Database, 'query'>,
  tenantId: string,
): Promise<void> {
  await database.query(
    `INSERT INTO dispositions (id, tenant_id, code, label, position)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[])
     ON CONFLICT (tenant_id, code) DO NOTHING`,
    [
      DEFAULT_DISPOSITIONS.map(() => randomUUID()),
      DEFAULT_DISPOSITIONS.map(() => tenantId),
      DEFAULT_DISPOSITIONS.map((disposition) => disposition.code),
      DEFAULT_DISPOSITIONS.map((disposition) => disposition.label),
      DEFAULT_DISPOSITIONS.map((_, index) => index + 1),
    ],
  );
}

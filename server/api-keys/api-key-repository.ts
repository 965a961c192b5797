/**
 * API keys an admin creates for the tenant. The key itself is returned once, at creation; only
 * its SHA-256 digest and first characters are kept. Every statement is scoped by tenant.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../db/database.ts';
import { generateApiKey, hashApiKey } from '../tenants/tenant-repository.ts';

export interface ApiKeyRecord {
  id: string;
  label: string;
  /** The first characters of the key, so people can tell keys apart. */
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

interface ApiKeyRow {
  id: string;
  label: string;
  key_prefix: string;
  created_at: Date | string;
  last_used_at: Date | string | null;
  revoked_at: Date | string | null;
}

const iso = (value: Date | string | null) =>
  value === null ? null : new Date(value).toISOString();

const toRecord = (row: ApiKeyRow): ApiKeyRecord => ({
  id: row.id,
  label: row.label,
  prefix: row.key_prefix,
  createdAt: iso(row.created_at)!,
  lastUsedAt: iso(row.last_used_at),
  revokedAt: iso(row.revoked_at),
});

const columns = `id, label, key_prefix, created_at, last_used_at, revoked_at`;

export class ApiKeyRepository {
  constructor(private readonly database: Database) {}

  async list(tenantId: string): Promise<ApiKeyRecord[]> {
    const rows = await this.database.query<ApiKeyRow>(
      `SELECT ${columns} FROM api_keys WHERE tenant_id = $1 ORDER BY created_at, id`,
      [tenantId],
    );
    return rows.map(toRecord);
  }

  async create(tenantId: string, label: string): Promise<{ record: ApiKeyRecord; key: string }> {
    const key = generateApiKey();
    const [row] = await this.database.query<ApiKeyRow>(
      `INSERT INTO api_keys (id, tenant_id, label, key_hash, key_prefix) VALUES ($1, $2, $3, $4, $5)
       RETURNING ${columns}`,
      [randomUUID(), tenantId, label, hashApiKey(key), key.slice(0, 8)],
    );
    return { record: toRecord(row), key };
  }

  /** Revokes the key (kept in the list, refused from now on); null if the tenant has no such key. */
  async revoke(tenantId: string, id: string): Promise<ApiKeyRecord | null> {
    const [row] = await this.database.query<ApiKeyRow>(
      `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now())
       WHERE tenant_id = $1 AND id = $2 RETURNING ${columns}`,
      [tenantId, id],
    );
    return row ? toRecord(row) : null;
  }
}

/**
 * Tenants, their API keys and their users. API keys are stored as SHA-256 digests: they are
 * long random strings, so a fast hash is enough and lets us look a key up directly.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Database } from '../db/database.ts';
import type { Role } from '../auth/tokens.ts';
import type { TenantRecord, UserRecord } from '../directory/directory.ts';
import { hashPassword } from '../auth/passwords.ts';
import { AppError } from '../shared/errors.ts';
import { seedDefaultDispositions } from '../wrap-up/default-dispositions.ts';

export const hashApiKey = (apiKey: string) => createHash('sha256').update(apiKey).digest('hex');
export const generateApiKey = () => `sbk_${randomBytes(24).toString('base64url')}`;

interface UserRow {
  id: string;
  tenant_id: string;
  reference: string;
  username: string;
  display_name: string;
  role: Role;
  password_hash: string | null;
  deactivated_at?: unknown;
}

export const toUserRecord = (row: UserRow): UserRecord => ({
  id: row.id,
  tenantId: row.tenant_id,
  reference: row.reference,
  username: row.username,
  displayName: row.display_name,
  role: row.role,
});

/** "Ada.Lovelace+x@example.com" → "ada.lovelace-x": the part of /private/<name> people type. */
export function usernameFromReference(reference: string): string {
  const local = reference.split('@')[0] ?? reference;
  const slug = local
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug || 'user';
}

export interface NewUser {
  reference: string;
  displayName?: string;
  role?: Role;
  password?: string;
}

export class TenantRepository {
  constructor(private readonly database: Database) {}

  /** Creates a tenant and returns its API key; the key is shown once and stored hashed. */
  async createTenant(
    name: string,
    apiKey = generateApiKey(),
  ): Promise<{ tenant: TenantRecord; apiKey: string }> {
    const existing = await this.tenantByName(name);
    if (existing) throw new AppError('conflict', `tenant "${name}" already exists`);
    const tenant = { id: randomUUID(), name };
    await this.database.query(`INSERT INTO tenants (id, name, api_key_hash) VALUES ($1, $2, $3)`, [
      tenant.id,
      name,
      hashApiKey(apiKey),
    ]);
    await seedDefaultDispositions(this.database, tenant.id);
    return { tenant, apiKey };
  }

  async tenantByName(name: string): Promise<TenantRecord | null> {
    const [row] = await this.database.query<TenantRecord>(
      `SELECT id, name FROM tenants WHERE name = $1`,
      [name],
    );
    return row ?? null;
  }

  /** The tenant's own key, or a key an admin created and has not revoked (its use is noted). */
  async tenantByApiKey(apiKey: string): Promise<TenantRecord | null> {
    const hash = hashApiKey(apiKey);
    const [row] = await this.database.query<TenantRecord>(
      `SELECT id, name FROM tenants WHERE api_key_hash = $1`,
      [hash],
    );
    if (row) return row;
    const [created] = await this.database.query<TenantRecord>(
      `UPDATE api_keys k SET last_used_at = now() FROM tenants t
       WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND t.id = k.tenant_id
       RETURNING t.id, t.name`,
      [hash],
    );
    return created ?? null;
  }

  async userByReference(
    tenantId: string,
    reference: string,
  ): Promise<(UserRecord & { passwordHash: string | null; deactivated: boolean }) | null> {
    const [row] = await this.database.query<UserRow>(
      `SELECT * FROM users WHERE tenant_id = $1 AND reference = $2`,
      [tenantId, reference],
    );
    return row
      ? {
          ...toUserRecord(row),
          passwordHash: row.password_hash,
          deactivated: row.deactivated_at != null,
        }
      : null;
  }

  /** Returns the user with this reference, creating it if new. An existing user is never changed. */
  async findOrCreateUser(
    tenantId: string,
    input: NewUser,
  ): Promise<{ user: UserRecord; created: boolean }> {
    const existing = await this.userByReference(tenantId, input.reference);
    if (existing) {
      const { passwordHash: _ignored, deactivated: _inactive, ...user } = existing;
      return { user, created: false };
    }
    const passwordHash = input.password ? await hashPassword(input.password) : null;
    const base = usernameFromReference(input.reference);
    // Usernames must be unique per tenant; "ada", "ada-2", "ada-3", ...
    for (let attempt = 1; attempt < 100; attempt++) {
      const username = attempt === 1 ? base : `${base}-${attempt}`;
      const rows = await this.database.query<UserRow>(
        `INSERT INTO users (id, tenant_id, reference, username, display_name, role, password_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT DO NOTHING RETURNING *`,
        [
          randomUUID(),
          tenantId,
          input.reference,
          username,
          input.displayName || input.reference,
          input.role ?? 'agent',
          passwordHash,
        ],
      );
      if (rows[0]) return { user: toUserRecord(rows[0]), created: true };
      const raced = await this.userByReference(tenantId, input.reference);
      if (raced) {
        const { passwordHash: _ignored, deactivated: _inactive, ...user } = raced;
        return { user, created: false };
      }
    }
    throw new AppError('conflict', 'could not allocate a unique username');
  }
}

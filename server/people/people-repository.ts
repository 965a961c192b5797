/**
 * The tenant's people as an admin manages them: everyone, deactivated included (their calls,
 * legs and wrap-ups stay; a person is never deleted). Sign-in, routing and the directory see
 * only active people (`deactivated_at IS NULL`, database-directory.ts and request-auth.ts).
 */
import type { Database } from '../db/database.ts';
import type { Role } from '../auth/tokens.ts';
import { hashPassword } from '../auth/passwords.ts';
import { privateAddress } from '../directory/directory.ts';
import { AppError, notFound } from '../shared/errors.ts';
import { TenantRepository } from '../tenants/tenant-repository.ts';

export interface PersonRecord {
  id: string;
  reference: string;
  name: string;
  role: Role;
  address: string;
  active: boolean;
}

interface PersonRow {
  id: string;
  reference: string;
  username: string;
  display_name: string;
  role: Role;
  deactivated_at: unknown;
}

const toPerson = (row: PersonRow): PersonRecord => ({
  id: row.id,
  reference: row.reference,
  name: row.display_name,
  role: row.role,
  address: privateAddress(row.username),
  active: row.deactivated_at === null,
});

type Tx = Pick<Database, 'query'>;

const columns = `id, reference, username, display_name, role, deactivated_at`;

export class PeopleRepository {
  private readonly tenants: TenantRepository;

  constructor(private readonly database: Database) {
    this.tenants = new TenantRepository(database);
  }

  async list(tenantId: string): Promise<PersonRecord[]> {
    const rows = await this.database.query<PersonRow>(
      `SELECT ${columns} FROM users WHERE tenant_id = $1 ORDER BY lower(display_name), id`,
      [tenantId],
    );
    return rows.map(toPerson);
  }

  async byId(tenantId: string, id: string): Promise<PersonRecord | null> {
    const [row] = await this.database.query<PersonRow>(
      `SELECT ${columns} FROM users WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    return row ? toPerson(row) : null;
  }

  /** A new person; the reference (sign-in email) must be new to the tenant. */
  async create(
    tenantId: string,
    input: { reference: string; name: string; role: Role; password: string },
  ): Promise<PersonRecord> {
    if (await this.tenants.userByReference(tenantId, input.reference))
      throw new AppError('conflict', `someone already signs in as ${input.reference}`);
    const { user, created } = await this.tenants.findOrCreateUser(tenantId, {
      reference: input.reference,
      displayName: input.name,
      role: input.role,
      password: input.password,
    });
    if (!created) throw new AppError('conflict', `someone already signs in as ${input.reference}`);
    return (await this.byId(tenantId, user.id))!;
  }

  /** Changes name and/or role; the tenant keeps at least one active admin. */
  async update(
    tenantId: string,
    id: string,
    changes: { name?: string; role?: Role },
  ): Promise<PersonRecord> {
    return this.database.transaction(async (tx) => {
      const person = await this.lockedPerson(tx, tenantId, id);
      if (changes.role && changes.role !== 'admin' && person.role === 'admin' && person.active)
        await this.keepAnAdmin(tx, tenantId, id, 'demoted');
      const [row] = await tx.query<PersonRow>(
        `UPDATE users SET display_name = coalesce($3, display_name), role = coalesce($4, role)
         WHERE tenant_id = $1 AND id = $2 RETURNING ${columns}`,
        [tenantId, id, changes.name ?? null, changes.role ?? null],
      );
      return toPerson(row);
    });
  }

  /** Deactivated: cannot sign in, is never rung; every record stays. Idempotent. */
  async setActive(tenantId: string, id: string, active: boolean): Promise<PersonRecord> {
    return this.database.transaction(async (tx) => {
      const person = await this.lockedPerson(tx, tenantId, id);
      if (!active && person.active && person.role === 'admin')
        await this.keepAnAdmin(tx, tenantId, id, 'deactivated');
      const [row] = await tx.query<PersonRow>(
        `UPDATE users SET deactivated_at = CASE WHEN $3 THEN NULL ELSE coalesce(deactivated_at, now()) END
         WHERE tenant_id = $1 AND id = $2 RETURNING ${columns}`,
        [tenantId, id, active],
      );
      return toPerson(row);
    });
  }

  async setPassword(tenantId: string, id: string, password: string): Promise<void> {
    const passwordHash = await hashPassword(password);
    const rows = await this.database.query<{ id: string }>(
      `UPDATE users SET password_hash = $3 WHERE tenant_id = $1 AND id = $2 RETURNING id`,
      [tenantId, id, passwordHash],
    );
    if (rows.length === 0) throw notFound('person');
  }

  private async lockedPerson(tx: Tx, tenantId: string, id: string): Promise<PersonRecord> {
    // Row locks keep two admins demoting each other at once from leaving the tenant with none.
    const [row] = await tx.query<PersonRow>(
      `SELECT ${columns} FROM users WHERE tenant_id = $1 AND id = $2 FOR UPDATE`,
      [tenantId, id],
    );
    if (!row) throw notFound('person');
    return toPerson(row);
  }

  private async keepAnAdmin(tx: Tx, tenantId: string, id: string, change: string) {
    const others = await tx.query<{ id: string }>(
      `SELECT id FROM users WHERE tenant_id = $1 AND role = 'admin' AND deactivated_at IS NULL
       AND id <> $2 FOR UPDATE`,
      [tenantId, id],
    );
    if (others.length === 0)
      throw new AppError(
        'conflict',
        `the tenant's last admin cannot be ${change}: make someone else an admin first`,
      );
  }
}

/**
 * A tenant's dispositions. Reads and writes are tenant-first, so another tenant's id is simply
 * not found. There is no delete: wrap-ups keep pointing at a code after it is deactivated.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../db/database.ts';
import { AppError } from '../shared/errors.ts';
import type { CreateDispositionBody, DispositionView, UpdateDispositionBody } from './schemas.ts';

interface DispositionRow {
  id: string;
  code: string;
  label: string;
  active: boolean;
  position: number;
}

const toView = (row: DispositionRow): DispositionView => ({
  id: row.id,
  code: row.code,
  label: row.label,
  active: Boolean(row.active),
  position: Number(row.position),
});

const columns = `id, code, label, active, position`;

export class DispositionRepository {
  constructor(private readonly database: Database) {}

  /** Picker order: position, then label. */
  async list(tenantId: string): Promise<DispositionView[]> {
    const rows = await this.database.query<DispositionRow>(
      `SELECT ${columns} FROM dispositions WHERE tenant_id = $1 ORDER BY position, label, code`,
      [tenantId],
    );
    return rows.map(toView);
  }

  async byCode(tenantId: string, code: string): Promise<DispositionView | null> {
    const [row] = await this.database.query<DispositionRow>(
      `SELECT ${columns} FROM dispositions WHERE tenant_id = $1 AND code = $2`,
      [tenantId, code],
    );
    return row ? toView(row) : null;
  }

  /** Without a position it goes last. A code the tenant already has is a conflict. */
  async create(tenantId: string, body: CreateDispositionBody): Promise<DispositionView> {
    const [row] = await this.database.query<DispositionRow>(
      `INSERT INTO dispositions (id, tenant_id, code, label, active, position)
       VALUES ($1, $2, $3, $4, $5,
               COALESCE($6, (SELECT COALESCE(max(position), 0) + 1 FROM dispositions WHERE tenant_id = $2)))
       ON CONFLICT (tenant_id, code) DO NOTHING
       RETURNING ${columns}`,
      [randomUUID(), tenantId, body.code, body.label, body.active ?? true, body.position ?? null],
    );
    if (!row) throw new AppError('conflict', `disposition code "${body.code}" already exists`);
    return toView(row);
  }

  /** Null when the tenant has no such disposition. */
  async update(
    tenantId: string,
    id: string,
    changes: UpdateDispositionBody,
  ): Promise<DispositionView | null> {
    const [row] = await this.database.query<DispositionRow>(
      `UPDATE dispositions
       SET label = COALESCE($3, label), position = COALESCE($4, position), active = COALESCE($5, active)
       WHERE tenant_id = $1 AND id = $2
       RETURNING ${columns}`,
      [tenantId, id, changes.label ?? null, changes.position ?? null, changes.active ?? null],
    );
    return row ? toView(row) : null;
  }
}

/**
 * With no JWT_SECRET configured, a random secret is generated once and kept in the database,
 * so tokens stay valid across restarts of a single-process deployment.
 */
import { randomBytes } from 'node:crypto';
import type { Database } from '../db/database.ts';

export async function loadOrCreateJwtSecret(database: Database): Promise<string> {
  await database.query(
    `INSERT INTO settings (key, value) VALUES ('jwt_secret', $1) ON CONFLICT (key) DO NOTHING`,
    [randomBytes(32).toString('base64url')],
  );
  const [row] = await database.query<{ value: string }>(
    `SELECT value FROM settings WHERE key = 'jwt_secret'`,
  );
  return row.value;
}

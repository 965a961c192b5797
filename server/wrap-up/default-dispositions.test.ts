/**
 * Default dispositions on both engines: a new tenant gets them, and the migration gives them to
 * tenants that existed before dispositions did, without touching a tenant's own list.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase, type Database } from '../db/database.ts';
import { migrate } from '../db/migrations.ts';
import { createPostgresTestSchema } from '../test/harness.ts';
import { openTestDatabase } from '../test/test-database.ts';
import { TenantRepository } from '../tenants/tenant-repository.ts';
import { DEFAULT_DISPOSITIONS } from './default-dispositions.ts';

const codesOf = async (database: Database, tenantId: string) =>
  (
    await database.query<{ code: string }>(
      `SELECT code FROM dispositions WHERE tenant_id = $1 ORDER BY position`,
      [tenantId],
    )
  ).map((row) => row.code);

async function checkDefaults(database: Database) {
  const tenants = new TenantRepository(database);
  const { tenant: fresh } = await tenants.createTenant('fresh');
  assert.deepEqual(
    await codesOf(database, fresh.id),
    DEFAULT_DISPOSITIONS.map((entry) => entry.code),
  );

  // Two tenants from before dispositions: one with none, one that already made its own list.
  await database.query(`INSERT INTO tenants (id, name, api_key_hash) VALUES ('old', 'old', 'h1')`);
  await database.query(
    `INSERT INTO tenants (id, name, api_key_hash) VALUES ('custom', 'custom', 'h2')`,
  );
  await database.query(
    `INSERT INTO dispositions (id, tenant_id, code, label) VALUES ('d1', 'custom', 'mine', 'Mine')`,
  );
  // Re-run only the step that seeds them (4: after 1 schema, 2 service level, 3 the tables), as
  // an upgrade of an older database would; later steps are not re-run.
  await database.query(`DELETE FROM schema_migrations WHERE version = 4`);
  await migrate(database);

  assert.deepEqual(
    await codesOf(database, 'old'),
    DEFAULT_DISPOSITIONS.map((entry) => entry.code),
  );
  const labels = await database.query<{ label: string }>(
    `SELECT label FROM dispositions WHERE tenant_id = 'old' ORDER BY position`,
  );
  assert.deepEqual(
    labels.map((row) => row.label),
    DEFAULT_DISPOSITIONS.map((entry) => entry.label),
    'the migration and default-dispositions.ts give the same list',
  );
  assert.deepEqual(await codesOf(database, 'custom'), ['mine']);
  assert.equal((await codesOf(database, fresh.id)).length, DEFAULT_DISPOSITIONS.length);
}

test('defaults for new and pre-existing tenants (embedded database)', async () => {
  const database = await openTestDatabase();
  try {
    await checkDefaults(database);
  } finally {
    await database.close();
  }
});

test('defaults for new and pre-existing tenants (PostgreSQL)', async (t) => {
  const schema = await createPostgresTestSchema();
  if (!schema) return t.skip('PostgreSQL not reachable');
  const database = await openDatabase({ databaseUrl: schema.url });
  try {
    await checkDefaults(database);
  } finally {
    await database.close();
    await schema.drop();
  }
});

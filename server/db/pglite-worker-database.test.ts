/**
 * The embedded database on its own thread must behave exactly like the in-thread engine:
 * rows and types, transactions that commit or roll back, PostgreSQL error codes (repositories
 * turn 23505 into a 409), and a clean close.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PgliteWorkerDatabase } from './pglite-worker-database.ts';

let root: string;
let db: PgliteWorkerDatabase;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'switchboard-pglite-worker-'));
  db = await PgliteWorkerDatabase.open({ dataDir: join(root, 'data') });
  await db.query('CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, at timestamptz)');
});

after(async () => {
  await db.close();
  await rm(root, { recursive: true, force: true });
});

test('queries return rows with their types across the thread boundary', async () => {
  const at = new Date('2026-11-22T05:00:00.000Z');
  await db.query('INSERT INTO items VALUES ($1, $2, $3)', [1, 'one', at]);
  const rows = await db.query<{ id: number; name: string; at: Date }>(
    'SELECT id, name, at FROM items WHERE id = $1',
    [1],
  );
  assert.deepEqual(rows, [{ id: 1, name: 'one', at }]);
  assert.ok(rows[0].at instanceof Date);
});

test('a transaction commits all its writes', async () => {
  const result = await db.transaction(async (tx) => {
    await tx.query('INSERT INTO items VALUES (2, $1)', ['two']);
    await tx.query('INSERT INTO items VALUES (3, $1)', ['three']);
    return 'done';
  });
  assert.equal(result, 'done');
  const rows = await db.query<{ id: number }>(
    'SELECT id FROM items WHERE id IN (2, 3) ORDER BY id',
  );
  assert.deepEqual(rows, [{ id: 2 }, { id: 3 }]);
});

test('a transaction whose work throws rolls back and rethrows the same error', async () => {
  const failure = new Error('work failed');
  await assert.rejects(
    db.transaction(async (tx) => {
      await tx.query('INSERT INTO items VALUES (4, $1)', ['four']);
      throw failure;
    }),
    (error) => error === failure,
  );
  assert.deepEqual(await db.query('SELECT id FROM items WHERE id = 4'), []);
});

test('PostgreSQL errors keep their code and constraint', async () => {
  await assert.rejects(db.query('INSERT INTO items VALUES (1, $1)', ['duplicate']), (error) => {
    const { code, constraint, message } = error as {
      code: string;
      constraint: string;
      message: string;
    };
    assert.equal(code, '23505');
    assert.equal(constraint, 'items_pkey');
    assert.match(message, /duplicate key/);
    return true;
  });
  // A failed statement inside a transaction rolls the whole transaction back.
  await assert.rejects(
    db.transaction(async (tx) => {
      await tx.query('INSERT INTO items VALUES (5, $1)', ['five']);
      await tx.query('INSERT INTO items VALUES (1, $1)', ['duplicate']);
    }),
    (error) => (error as { code?: string }).code === '23505',
  );
  assert.deepEqual(await db.query('SELECT id FROM items WHERE id = 5'), []);
});

test('many queries in flight at once all get their own answers', async () => {
  const answers = await Promise.all(
    Array.from({ length: 50 }, (_, i) => db.query<{ n: number }>('SELECT $1::int AS n', [i])),
  );
  assert.deepEqual(
    answers.map((rows) => rows[0].n),
    Array.from({ length: 50 }, (_, i) => i),
  );
});

test('a database reopened on the same directory has the rows, and a closed one refuses work', async () => {
  const dataDir = join(root, 'reopened');
  const first = await PgliteWorkerDatabase.open({ dataDir });
  await first.query('CREATE TABLE kept (value text)');
  await first.query("INSERT INTO kept VALUES ('still here')");
  await first.close();
  await assert.rejects(first.query('SELECT 1'), /exited/);

  const second = await PgliteWorkerDatabase.open({ dataDir });
  assert.deepEqual(await second.query('SELECT value FROM kept'), [{ value: 'still here' }]);
  await second.close();
});

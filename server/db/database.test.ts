/**
 * Opening the embedded database where a fresh clone has nothing yet: `npm start` must not
 * depend on a directory an earlier run happened to create.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from './database.ts';

test('the embedded database creates its whole data directory path and keeps rows across reopenings', async () => {
  const root = await mkdtemp(join(tmpdir(), 'switchboard-db-'));
  const dataDir = join(root, 'not', 'yet', 'there');
  try {
    const first = await openDatabase({ dataDir });
    assert.ok((await stat(dataDir)).isDirectory());
    await first.query('CREATE TABLE kept (value text)');
    await first.query('INSERT INTO kept VALUES ($1)', ['still here']);
    await first.close();

    const second = await openDatabase({ dataDir });
    const rows = await second.query<{ value: string }>('SELECT value FROM kept');
    assert.deepEqual(rows, [{ value: 'still here' }]);
    await second.close();
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

/**
 * Fast in-memory databases for tests. Starting PGlite runs initdb, which takes seconds on a
 * busy 2-core machine; loading a snapshot of an already-migrated data directory takes a
 * fraction of that. The snapshot is cached per process and on disk (keyed by the migrations'
 * source and the PGlite version), so only the first test process after a schema change pays.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Database } from '../db/database.ts';
import { migrate } from '../db/migrations.ts';

type Queryable = Pick<Database, 'query'>;

/** The same thin wrapper db/database.ts uses for PGlite, over a PGlite we create ourselves. */
class TestPgliteDatabase implements Database {
  readonly engine = 'pglite' as const;
  constructor(private readonly db: PGlite) {}
  async query<Row>(sql: string, params: unknown[] = []): Promise<Row[]> {
    return (await this.db.query<Row>(sql, params)).rows;
  }
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) =>
      work({
        query: async <Row>(sql: string, params: unknown[] = []) =>
          (await tx.query<Row>(sql, params)).rows,
      }),
    );
  }
  close() {
    return this.db.close();
  }
}

async function templateKey(): Promise<string> {
  const migrations = await readFile(new URL('../db/migrations.ts', import.meta.url));
  const pglite = await readFile(
    new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url),
  );
  return createHash('sha256').update(migrations).update(pglite).digest('hex').slice(0, 16);
}

async function buildTemplate(): Promise<Blob> {
  const pglite = await PGlite.create('memory://');
  try {
    await migrate(new TestPgliteDatabase(pglite));
    return await pglite.dumpDataDir('none');
  } finally {
    await pglite.close();
  }
}

async function loadTemplate(): Promise<Blob> {
  const file = path.join(
    tmpdir(),
    'switchboard-test',
    `pglite-template-${await templateKey()}.tar`,
  );
  try {
    return new Blob([await readFile(file)]);
  } catch {
    // Not cached yet (or unreadable): build it and cache it for the next test process.
  }
  const snapshot = await buildTemplate();
  await mkdir(path.dirname(file), { recursive: true });
  // Write then rename, so a concurrent test process never reads half a file.
  const partial = `${file}.${process.pid}.partial`;
  await writeFile(partial, Buffer.from(await snapshot.arrayBuffer()));
  await rename(partial, file);
  return snapshot;
}

let template: Promise<Blob> | undefined;

/** A fresh, migrated, empty in-memory database; close it when done. */
export async function openTestDatabase(): Promise<Database> {
  template ??= loadTemplate();
  const snapshot = await template;
  return new TestPgliteDatabase(await PGlite.create('memory://', { loadDataDir: snapshot }));
}

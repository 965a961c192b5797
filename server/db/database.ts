/**
 * One tiny interface over both storage engines. The SQL is the same for both (plain
 * PostgreSQL dialect with $1 placeholders): PGlite is PostgreSQL compiled to WASM.
 */
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { migrate } from './migrations.ts';
import { PgliteWorkerDatabase } from './pglite-worker-database.ts';

export interface Database {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  /** Runs `work` in one transaction; queries made through `tx` are part of it. */
  transaction<T>(work: (tx: Pick<Database, 'query'>) => Promise<T>): Promise<T>;
  readonly engine: 'pglite' | 'postgres';
  close(): Promise<void>;
}

class PgliteDatabase implements Database {
  readonly engine = 'pglite' as const;
  constructor(private readonly db: PGlite) {}
  async query<Row>(sql: string, params: unknown[] = []): Promise<Row[]> {
    const result = await this.db.query<Row>(sql, params);
    return result.rows;
  }
  transaction<T>(work: (tx: Pick<Database, 'query'>) => Promise<T>): Promise<T> {
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

class PostgresDatabase implements Database {
  readonly engine = 'postgres' as const;
  constructor(private readonly pool: pg.Pool) {}
  async query<Row>(sql: string, params: unknown[] = []): Promise<Row[]> {
    const result = await this.pool.query(sql, params);
    return result.rows as Row[];
  }
  async transaction<T>(work: (tx: Pick<Database, 'query'>) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work({
        query: async <Row>(sql: string, params: unknown[] = []) =>
          (await client.query(sql, params)).rows as Row[],
      });
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }
  close() {
    return this.pool.end();
  }
}

export interface DatabaseOptions {
  /** postgres://… to use PostgreSQL; unset for the embedded engine. */
  databaseUrl?: string;
  /** Directory for the embedded engine's files; unset keeps it in memory (tests). */
  dataDir?: string;
}

/** Opens the configured database and brings its schema up to date. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  let database: Database;
  if (options.databaseUrl) {
    database = new PostgresDatabase(
      new pg.Pool({ connectionString: options.databaseUrl, max: 10 }),
    );
  } else if (options.dataDir) {
    // PGlite creates only the last directory of the path; a fresh clone has no `.data/` yet.
    await mkdir(options.dataDir, { recursive: true });
    // A database on disk is a running product (npm start, production): it gets its own thread
    // so record writes never delay routing. In-memory ones (tests) stay on this thread, where
    // they start faster.
    database = await PgliteWorkerDatabase.open({ dataDir: options.dataDir });
  } else {
    database = new PgliteDatabase(await PGlite.create('memory://'));
  }
  await migrate(database);
  return database;
}

/**
 * The embedded database on its own thread (pglite-worker-entry.ts), behind the same Database
 * interface as the in-thread engine: queries and transactions become messages.
 */
import { Worker } from 'node:worker_threads';
import type { Database } from './database.ts';
import type {
  DatabaseReply,
  DatabaseRequest,
  DatabaseResult,
  DatabaseWorkerOptions,
  SerializedDatabaseError,
} from './pglite-worker-messages.ts';

type Pending = { resolve(reply: DatabaseResult): void; reject(error: Error): void };

/** Rebuilds the error with its PostgreSQL fields, so callers see what the in-thread engine threw. */
function toError(serialized: SerializedDatabaseError): Error {
  return Object.assign(new Error(serialized.message), serialized);
}

type Request = DatabaseRequest extends infer R
  ? R extends { id: number }
    ? Omit<R, 'id'>
    : never
  : never;

export class PgliteWorkerDatabase implements Database {
  readonly engine = 'pglite' as const;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private exited: Error | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: DatabaseReply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (reply.ok) waiting.resolve(reply);
      else waiting.reject(toError(reply.error));
    });
    worker.on('exit', (code) => {
      this.exited = new Error(`the embedded database thread exited (${code})`);
      for (const waiting of this.pending.values()) waiting.reject(this.exited);
      this.pending.clear();
    });
  }

  static async open(options: DatabaseWorkerOptions): Promise<PgliteWorkerDatabase> {
    // The worker inherits this process's execArgv, so the TypeScript loader (tsx) applies there too.
    const worker = new Worker(new URL('./pglite-worker-entry.ts', import.meta.url), {
      workerData: options,
    });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', (reply: DatabaseReply) =>
        reply.ok ? resolve() : reject(toError(reply.error)),
      );
      worker.once('error', reject);
    });
    return new PgliteWorkerDatabase(worker);
  }

  async query<Row>(sql: string, params: unknown[] = []): Promise<Row[]> {
    return (await this.send({ kind: 'query', sql, params })).rows as Row[];
  }

  async transaction<T>(work: (tx: Pick<Database, 'query'>) => Promise<T>): Promise<T> {
    const { txId } = await this.send({ kind: 'begin' });
    const id = txId!;
    let result: T;
    try {
      result = await work({
        query: async <Row>(sql: string, params: unknown[] = []) =>
          (await this.send({ kind: 'query', sql, params, txId: id })).rows as Row[],
      });
    } catch (error) {
      await this.send({ kind: 'rollback', txId: id });
      throw error;
    }
    await this.send({ kind: 'commit', txId: id });
    return result;
  }

  async close(): Promise<void> {
    if (this.exited) return;
    await this.send({ kind: 'close' });
    await this.worker.terminate();
  }

  private send(request: Request): Promise<DatabaseResult> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id });
    });
  }
}

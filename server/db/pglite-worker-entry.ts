/**
 * The embedded database's own thread. PGlite is PostgreSQL compiled to WASM: every query runs
 * synchronously on the thread that owns it. On call control's thread, a burst of call-record
 * writes delayed routing decisions by hundreds of milliseconds (bench:server p99); here it
 * delays nothing but other queries.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type {
  DatabaseReply,
  DatabaseRequest,
  DatabaseWorkerOptions,
  SerializedDatabaseError,
} from './pglite-worker-messages.ts';

const port = parentPort!;
const send = (reply: DatabaseReply) => port.postMessage(reply);

function serialize(error: unknown): SerializedDatabaseError {
  const { message, code, detail, constraint } = error as Record<string, unknown>;
  return {
    message: typeof message === 'string' ? message : String(error),
    code: typeof code === 'string' ? code : undefined,
    detail: typeof detail === 'string' ? detail : undefined,
    constraint: typeof constraint === 'string' ? constraint : undefined,
  };
}

/** An open transaction: its PGlite handle and how to end it. */
interface OpenTransaction {
  tx: Transaction;
  finish(commit: boolean): Promise<void>;
}

const transactions = new Map<number, OpenTransaction>();
let nextTxId = 1;

/**
 * PGlite runs a transaction as a callback; the caller's work runs on the other thread, so the
 * callback waits for its commit or rollback message. A rollback throws to make PGlite roll back.
 */
function begin(db: PGlite): Promise<number> {
  const txId = nextTxId++;
  return new Promise<number>((started, failedToStart) => {
    let end!: (commit: boolean) => void;
    const ended = new Promise<boolean>((resolve) => (end = resolve));
    const done: Promise<void> = db
      .transaction(async (tx) => {
        transactions.set(txId, {
          tx,
          // Resolves when PGlite has committed (or rolled back); a failed COMMIT rejects.
          finish: async (commit) => {
            end(commit);
            await done;
          },
        });
        started(txId);
        if (!(await ended)) throw new RolledBack();
      })
      .then(
        () => undefined,
        (error) => {
          if (!(error instanceof RolledBack)) throw error;
        },
      )
      .finally(() => transactions.delete(txId));
    // Before `started`, a failure is the begin's; after it, the commit's (see `finish`).
    done.catch(failedToStart);
  });
}

class RolledBack extends Error {}

async function handle(db: PGlite, request: DatabaseRequest): Promise<DatabaseReply> {
  switch (request.kind) {
    case 'query': {
      const target = request.txId === undefined ? db : transactions.get(request.txId)?.tx;
      if (!target) throw new Error(`transaction ${request.txId} is not open`);
      const result = await target.query(request.sql, request.params);
      return { id: request.id, ok: true, rows: result.rows };
    }
    case 'begin':
      return { id: request.id, ok: true, txId: await begin(db) };
    case 'commit':
    case 'rollback': {
      const open = transactions.get(request.txId);
      if (!open) throw new Error(`transaction ${request.txId} is not open`);
      await open.finish(request.kind === 'commit');
      return { id: request.id, ok: true };
    }
    case 'close':
      await db.close();
      return { id: request.id, ok: true };
  }
}

try {
  const db = await PGlite.create((workerData as DatabaseWorkerOptions).dataDir);
  port.on('message', (request: DatabaseRequest) => {
    handle(db, request).then(send, (error) =>
      send({ id: request.id, ok: false, error: serialize(error) }),
    );
  });
  send({ id: 0, ok: true, kind: 'ready' });
} catch (error) {
  send({ id: 0, ok: false, kind: 'failed-to-open', error: serialize(error) });
}

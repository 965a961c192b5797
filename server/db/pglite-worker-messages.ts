/** The messages between call control and the thread that owns the embedded database. */

export type DatabaseRequest =
  | { id: number; kind: 'query'; sql: string; params: unknown[]; txId?: number }
  | { id: number; kind: 'begin' }
  | { id: number; kind: 'commit'; txId: number }
  | { id: number; kind: 'rollback'; txId: number }
  | { id: number; kind: 'close' };

/** A PostgreSQL error as plain data: `code` (e.g. 23505) is what repositories map to 409s. */
export interface SerializedDatabaseError {
  message: string;
  code?: string;
  detail?: string;
  constraint?: string;
}

/** A request done: `rows` for queries, `txId` for a begin. */
export interface DatabaseResult {
  id: number;
  ok: true;
  rows?: unknown[];
  txId?: number;
}

export type DatabaseReply =
  | DatabaseResult
  | { id: number; ok: false; error: SerializedDatabaseError }
  | { id: 0; ok: false; kind: 'failed-to-open'; error: SerializedDatabaseError }
  | { id: 0; ok: true; kind: 'ready' };

export interface DatabaseWorkerOptions {
  dataDir: string;
}

/**
 * Call records, written behind the routing engine. The router hands over snapshots and never
 * waits: a ringing call must not pay for a database round trip. One worker drains the queue in
 * order (a call's row before its update), and `flush()` waits for it, at shutdown and before
 * reads that must see the latest state.
 */
import type { Database } from '../db/database.ts';
import type { CallDetail } from './call-schemas.ts';
import { CallRepository, type CallRow, type LegRow } from './call-repository.ts';

type RecordOperation =
  | { kind: 'created'; call: CallRow }
  | { kind: 'updated'; call: CallRow }
  | { kind: 'ended'; call: CallRow; legs: LegRow[] };

/** What the router hands call records to; CallRecords writes them behind it. */
export interface CallRecordSink {
  callCreated(call: CallRow): void;
  callAnswered(call: CallRow): void;
  callEnded(call: CallRow, legs: LegRow[]): void;
  /** Marks calls a crashed process left unfinished as failed. */
  recoverUnfinished(): Promise<number>;
}

export interface RecordsLog {
  error(details: object, message: string): void;
}

const consoleLog: RecordsLog = { error: (details, message) => console.error(message, details) };

/** How long operations gather before one drain writes them: fewer, larger writes under load. */
const DRAIN_DELAY_MS = 10;

export class CallRecords implements CallRecordSink {
  private readonly repository: CallRepository;
  private pending: RecordOperation[] = [];
  private draining: Promise<void> | null = null;

  constructor(
    private readonly database: Database,
    private readonly log: RecordsLog = consoleLog,
  ) {
    this.repository = new CallRepository(database);
  }

  callCreated(call: CallRow): void {
    this.enqueue({ kind: 'created', call });
  }

  callAnswered(call: CallRow): void {
    this.enqueue({ kind: 'updated', call });
  }

  callEnded(call: CallRow, legs: LegRow[]): void {
    this.enqueue({ kind: 'ended', call, legs });
  }

  /** Resolves once everything handed over so far is in the database. */
  async flush(): Promise<void> {
    while (this.draining || this.pending.length) {
      if (!this.draining) this.startDrain(0);
      await this.draining;
    }
  }

  async recoverUnfinished(): Promise<number> {
    await this.flush();
    return this.repository.failUnfinished();
  }

  async find(tenantId: string, callId: string): Promise<CallDetail | null> {
    await this.flush();
    return this.repository.byId(tenantId, callId);
  }

  async recent(tenantId: string, limit: number): Promise<CallDetail[]> {
    await this.flush();
    return this.repository.recent(tenantId, limit);
  }

  private enqueue(operation: RecordOperation): void {
    this.pending.push(operation);
    if (!this.draining) this.startDrain(DRAIN_DELAY_MS);
  }

  private startDrain(delayMs: number): void {
    this.draining = new Promise<void>((resolve) => setTimeout(resolve, delayMs))
      .then(() => this.drain())
      .finally(() => {
        this.draining = null;
        if (this.pending.length) this.startDrain(DRAIN_DELAY_MS);
      });
  }

  private async drain(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    for (const operation of batch) {
      try {
        await this.write(operation);
      } catch (error) {
        // A record that cannot be written must not stop the ones behind it; it is logged with
        // enough to find the call.
        this.log.error({ err: error, callId: operation.call.id, operation: operation.kind }, 'could not write call record');
      }
    }
  }

  private async write(operation: RecordOperation): Promise<void> {
    switch (operation.kind) {
      case 'created':
        return this.repository.insertCall(operation.call);
      case 'updated':
        return this.repository.updateCall(operation.call);
      case 'ended':
        // One transaction, so a record never shows an ended call without its legs.
        return this.database.transaction(async (tx) => {
          await this.repository.updateCall(operation.call, tx);
          await this.repository.insertLegs(operation.legs, tx);
        });
    }
  }
}

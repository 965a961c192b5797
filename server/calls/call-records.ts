/**
 * Call records, written behind the routing engine. The router hands over snapshots and never
 * waits: a ringing call must not pay for a database round trip. One worker drains the queue in
 * order, a batch at a time (the latest state of each call and the legs of the calls that
 * ended), and `flush()` waits for it, at shutdown and before reads that
 * must see the latest state.
 */
import type { Database } from '../db/database.ts';
import type { CallDetail } from './call-schemas.ts';
import { CallRepository, type CallRow, type LegRow } from './call-repository.ts';

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

/**
 * How long changes gather before one drain writes them. Under load this turns hundreds of
 * small writes a second into a few larger ones (an embedded database shares the event loop
 * with routing); reads that need the latest state call flush() instead of waiting for it.
 */
const DRAIN_DELAY_MS = 200;

interface Batch {
  /** Latest snapshot of each call, in the order the calls first appeared. */
  calls: Map<string, CallRow>;
  legs: LegRow[];
}

export class CallRecords implements CallRecordSink {
  private readonly repository: CallRepository;
  private pending: Batch = emptyBatch();
  private draining: Promise<void> | null = null;

  constructor(
    private readonly database: Database,
    private readonly log: RecordsLog = consoleLog,
  ) {
    this.repository = new CallRepository(database);
  }

  callCreated(call: CallRow): void {
    this.enqueue(call, []);
  }

  callAnswered(call: CallRow): void {
    this.enqueue(call, []);
  }

  callEnded(call: CallRow, legs: LegRow[]): void {
    this.enqueue(call, legs);
  }

  /** Resolves once everything handed over so far is in the database. */
  async flush(): Promise<void> {
    while (this.draining || this.pending.calls.size) {
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

  private enqueue(call: CallRow, legs: LegRow[]): void {
    // Snapshots are complete, so a later one for the same call simply replaces the earlier.
    this.pending.calls.delete(call.id);
    this.pending.calls.set(call.id, call);
    this.pending.legs.push(...legs);
    if (!this.draining) this.startDrain(DRAIN_DELAY_MS);
  }

  private startDrain(delayMs: number): void {
    this.draining = new Promise<void>((resolve) => setTimeout(resolve, delayMs))
      .then(() => this.drain())
      .finally(() => {
        this.draining = null;
        if (this.pending.calls.size) this.startDrain(DRAIN_DELAY_MS);
      });
  }

  private async drain(): Promise<void> {
    const batch = this.pending;
    this.pending = emptyBatch();
    try {
      await this.write([...batch.calls.values()], batch.legs);
    } catch (error) {
      // One bad record must not lose the others: write them one call at a time, and log the
      // ones that still fail with enough to find them.
      for (const call of batch.calls.values()) {
        const legs = batch.legs.filter((leg) => leg.callId === call.id);
        await this.write([call], legs).catch((callError: unknown) =>
          this.log.error(
            { err: callError, callId: call.id, batchError: String(error) },
            'could not write call record',
          ),
        );
      }
    }
  }

  /**
   * Small statements with a turn of the event loop between them: the embedded engine runs each
   * statement on the routing thread, so one large write would hold every push and every dial
   * behind it. Calls go first because legs reference them. No transaction: a crash between the
   * two leaves an ended call without some legs, never a leg without its call.
   */
  private async write(calls: CallRow[], legs: LegRow[]): Promise<void> {
    for (let start = 0; start < calls.length; start += CALLS_PER_WRITE) {
      await this.repository.upsertCalls(calls.slice(start, start + CALLS_PER_WRITE));
      await yieldToEventLoop();
    }
    for (let start = 0; start < legs.length; start += LEGS_PER_WRITE) {
      await this.repository.insertLegs(legs.slice(start, start + LEGS_PER_WRITE));
      await yieldToEventLoop();
    }
  }
}

/**
 * Rows per statement: large enough to amortize the engine's per-statement cost, small enough
 * that one statement stays a few milliseconds (measured on PGlite: ~5 ms + ~0.07 ms a leg).
 */
const CALLS_PER_WRITE = 50;
const LEGS_PER_WRITE = 100;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

const emptyBatch = (): Batch => ({ calls: new Map(), legs: [] });

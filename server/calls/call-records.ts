/**
 * Call records, written behind the routing engine. Records follow routing's transitions
 * (`follow`) and project their own rows from them (call-rows.ts); routing never waits for them:
 * a ringing call must not pay for a database round trip. One worker drains the queue in order,
 * a batch at a time (the latest state of each call and the legs of the calls that ended), and
 * `flush()` waits for it, at shutdown, before reads that must see the latest state, and before a
 * placed call is confirmed to whoever placed it (the API's 201, a tab's first `outgoing_call`).
 */
import type { Database } from '../db/database.ts';
import type { TransitionListener } from '../routing/index.ts';
import type { CallDetail } from './call-schemas.ts';
import {
  CallRepository,
  type CallRow,
  type EventRow,
  type LegRow,
  type PresenceRow,
} from './call-repository.ts';
import { presenceRows, recordChanges } from './call-rows.ts';
import { replaceMalformedText } from '../shared/text.ts';

/** Where routing's transitions come from (CallRouter.observeTransitions). */
export interface TransitionSource {
  observeTransitions(listener: TransitionListener): () => void;
}

export interface RecordsLog {
  error(details: object, message: string): void;
}

const consoleLog: RecordsLog = { error: (details, message) => console.error(message, details) };

/**
 * How long changes gather before one drain writes them. Under load this turns hundreds of
 * small writes a second into a few larger ones (an embedded database shares the event loop
 * with routing); reads that need the latest state call flush(), which cuts this wait short.
 */
const DRAIN_DELAY_MS = 200;

interface Batch {
  /** Latest snapshot of each call, in the order the calls first appeared. */
  calls: Map<string, CallRow>;
  legs: LegRow[];
  events: EventRow[];
  /** Agents' presence changes (for occupancy), in order. */
  presence: PresenceRow[];
}

export class CallRecords {
  private readonly repository: CallRepository;
  private pending: Batch = emptyBatch();
  private draining: Promise<void> | null = null;
  /** Ends the current drain's gathering delay early; null once that drain is writing. */
  private startWritingNow: (() => void) | null = null;

  constructor(
    private readonly database: Database,
    private readonly log: RecordsLog = consoleLog,
  ) {
    this.repository = new CallRepository(database);
  }

  /** Writes the rows of every routing step from now on; returns the function that stops it. */
  follow(routing: TransitionSource, now: () => number = Date.now): () => void {
    return routing.observeTransitions((transitions, state) => {
      for (const change of recordChanges(transitions, (id) => state.call(id), now()))
        this.enqueue(change.call, change.legs, change.events);
      const presence = presenceRows(transitions);
      if (presence.length > 0) {
        this.pending.presence.push(...presence);
        if (!this.draining) this.startDrain(DRAIN_DELAY_MS);
      }
    });
  }

  /**
   * Writes the latest row of a call routing never held: a phone number's announcement
   * (server/sip `PhoneScripts`), which rings nobody and so has no transitions to follow. Its
   * owner hands over a complete row at each change, as the projection of routing does.
   */
  recordUnrouted(call: CallRow): void {
    this.enqueue({ ...call, ...unroutedEnder(call) }, [], []);
  }

  /**
   * Resolves once everything handed over so far is in the database. Someone is waiting, so a
   * drain still gathering changes starts writing now; one already writing is waited for and the
   * rows that arrived meanwhile go in the next. Under load, flushes that come together still
   * share one write.
   */
  async flush(): Promise<void> {
    while (this.draining || hasRows(this.pending)) {
      if (!this.draining) this.startDrain(0);
      else this.startWritingNow?.();
      await this.draining;
    }
  }

  /** Marks calls a crashed process left unfinished as failed; returns how many. */
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

  private enqueue(call: CallRow, legs: LegRow[], events: EventRow[]): void {
    // Snapshots are complete, so a later one for the same call simply replaces the earlier.
    this.pending.calls.delete(call.id);
    this.pending.calls.set(call.id, call);
    this.pending.legs.push(...legs);
    this.pending.events.push(...events);
    if (!this.draining) this.startDrain(DRAIN_DELAY_MS);
  }

  private startDrain(delayMs: number): void {
    this.draining = new Promise<void>((resolve) => {
      const timer = setTimeout(writeNow, delayMs);
      function writeNow() {
        clearTimeout(timer);
        resolve();
      }
      this.startWritingNow = writeNow;
    })
      .then(() => {
        this.startWritingNow = null;
        return this.drain();
      })
      .finally(() => {
        this.draining = null;
        if (hasRows(this.pending)) this.startDrain(DRAIN_DELAY_MS);
      });
  }

  private async drain(): Promise<void> {
    const batch = this.pending;
    this.pending = emptyBatch();
    for (let start = 0; start < batch.presence.length; start += LEGS_PER_WRITE)
      await this.repository
        .insertPresence(batch.presence.slice(start, start + LEGS_PER_WRITE))
        .catch((error: unknown) =>
          this.log.error({ err: error }, 'could not write presence changes'),
        );
    try {
      await this.write([...batch.calls.values()], batch.legs, batch.events);
    } catch (error) {
      // One bad record must not lose the others: write them one call at a time, and log the
      // ones that still fail with enough to find them.
      for (const call of batch.calls.values()) {
        const legs = batch.legs.filter((leg) => leg.callId === call.id);
        const events = batch.events.filter((event) => event.callId === call.id);
        await this.write([call], legs, events)
          // Every accepted call keeps a record: text the database refuses (U+0000 from a phone's
          // caller id) is stored with U+FFFD in its place rather than losing the call.
          .catch(() => this.write([replaceMalformedText(call)], replaceMalformedText(legs), events))
          .catch((callError: unknown) =>
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
   * two leaves an ended call without some legs or events, never one without its call.
   */
  private async write(calls: CallRow[], legs: LegRow[], events: EventRow[]): Promise<void> {
    for (let start = 0; start < calls.length; start += CALLS_PER_WRITE) {
      await this.repository.upsertCalls(calls.slice(start, start + CALLS_PER_WRITE));
      await yieldToEventLoop();
    }
    for (let start = 0; start < legs.length; start += LEGS_PER_WRITE) {
      await this.repository.insertLegs(legs.slice(start, start + LEGS_PER_WRITE));
      await yieldToEventLoop();
    }
    for (let start = 0; start < events.length; start += LEGS_PER_WRITE) {
      await this.repository.insertEvents(events.slice(start, start + LEGS_PER_WRITE));
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

const emptyBatch = (): Batch => ({ calls: new Map(), legs: [], events: [], presence: [] });
const hasRows = (batch: Batch) => batch.calls.size > 0 || batch.presence.length > 0;

/**
 * Who ended a call routing never held, when its owner does not say: the phone's own line when
 * it hung up or gave up (the caller), else the system (not answered, failed, closed).
 */
function unroutedEnder(call: CallRow): Pick<CallRow, 'endedBy' | 'endedByUserId'> {
  if (call.endedBy !== undefined || call.status !== 'ended') return {};
  const byCaller = call.endReason === 'hangup' || call.endReason === 'caller_cancelled';
  return { endedBy: byCaller ? 'caller' : 'system', endedByUserId: null };
}

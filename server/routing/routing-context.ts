/**
 * What every routing manager shares: its dependencies and its siblings. The managers are small
 * classes that call each other through this context (offers end legs, ending a call frees an
 * agent, a free agent takes queued calls), so each can live in its own file.
 */
import type { Config } from '../config.ts';
import type { Directory } from '../directory/directory.ts';
import type { CallRecordSink } from '../calls/call-records.ts';
import type { EventBus } from './event-bus.ts';
import type { LiveStore } from './live-store.ts';
import type { Scheduler, TimerRegistry } from './scheduler.ts';
import type { PushBatch } from './push-batch.ts';
import type { PresenceTracker } from './presence.ts';
import type { Offers } from './offers.ts';
import type { CallLifecycle } from './call-lifecycle.ts';
import type { CallQueue } from './call-queue.ts';
import type { LiveCall } from './live-state.ts';
import type { Transfers } from './transfers.ts';

export interface RoutingLog {
  error(details: object, message: string): void;
}

/**
 * Observes call milestones for a part outside routing (media). Called inside the routing step
 * with the live call, which it must only read; slow work goes async. A throw is logged, never
 * undoes the step.
 */
export interface CallEvents {
  /** A call was just created, before it rings anyone (media lets a dialing tab join early). */
  callPlaced?(call: LiveCall): void;
  callAnswered(call: LiveCall): void;
  /** Every call that ends, answered or not. */
  callEnded(call: LiveCall): void;
  /**
   * A call that already has media changed agents (a transfer, or a return from the queue): `from`
   * leaves the call's room, `to` (the new `answeredBy`) joins the same room. Either may be null
   * (a blind transfer leaves first; its destination joins later).
   */
  callTransferred?(call: LiveCall, from: MediaAgent | null, to: MediaAgent | null): void;
}

/** An agent's tab as media knows it. */
export interface MediaAgent {
  userId: string;
  sessionId: string;
  name: string;
}

export interface RoutingContext {
  config: Config;
  directory: Directory;
  records: CallRecordSink;
  store: LiveStore;
  bus: EventBus;
  scheduler: Scheduler;
  timers: TimerRegistry;
  pushes: PushBatch;
  log: RoutingLog;
  presence: PresenceTracker;
  offers: Offers;
  lifecycle: CallLifecycle;
  queue: CallQueue;
  transfers: Transfers;
  callEvents?: CallEvents;
}

/**
 * Starts a named timer whose task is one routing step. A failing step is logged rather than
 * thrown: an exception escaping a timer would take the whole process down with it.
 */
export function setRoutingTimer(
  context: RoutingContext,
  name: string,
  delayMs: number,
  task: () => void,
): void {
  context.timers.set(name, delayMs, () => {
    try {
      context.pushes.run(task);
    } catch (error) {
      context.log.error({ err: error, timer: name }, 'routing timer failed');
    }
  });
}

export const timerNames = {
  attempt: (callId: string) => `call:${callId}:attempt`,
  retry: (callId: string) => `call:${callId}:retry`,
  deadline: (callId: string) => `call:${callId}:deadline`,
  drop: (callId: string) => `call:${callId}:drop`,
  /** Clears a failed transfer from the agent's view after it was shown for a moment. */
  transferFailed: (callId: string) => `call:${callId}:transfer-failed`,
  linger: (legId: string) => `leg:${legId}:linger`,
  /** A lost tab that did not come back in time: its session closes for good. */
  resume: (sessionId: string) => `session:${sessionId}:resume`,
};

/**
 * The owner of the live state. Routing managers read it here and change it only through
 * `apply(transition)`, inside a routing step (`run`). A step is one command, one timer or one
 * lookup's continuation; when the outermost step ends:
 *   1. projections that keep their own view of the step (the pushes to tabs) finish it
 *      (frames go out),
 *   2. observers receive the step's transitions, in the order they were applied.
 *
 * A reaction (`react`) is a rule that follows from a transition wherever it happens ("an agent
 * who became available is offered the waiting calls"): it runs right after that transition is
 * applied, inside the same step, so managers need not know who causes the transition.
 *
 * Deadlines live in the state (deadline-timers.ts); a manager registers what happens when one
 * of its deadlines falls due (`onDeadline`), and that runs as a step of its own.
 */
import type { Scheduler } from '../../shared/scheduler.ts';
import { applyTransition } from './apply-transition.ts';
import { DeadlineTimers, deadlinesIn, dueAtOf } from './deadline-timers.ts';
import type { CallDeadlineName } from './live-state.ts';
import {
  InProcessLiveStore,
  type LiveSnapshot,
  type LiveStore,
  type LiveStoreReader,
} from './live-store.ts';
import type {
  DeadlineRef,
  RoutingTransition,
  TransitionInput,
  TransitionOf,
  TransitionType,
} from './transitions.ts';

export interface RoutingLog {
  error(details: object, message: string): void;
}

/** Sees every transition as it is applied, and the end of each step (the pushes to tabs). */
export interface StepProjection {
  applied(transition: RoutingTransition): void;
  stepEnded(): void;
}

/**
 * Receives each step's transitions once the step is over (and its frames went out), with read
 * access to the state as the step left it.
 */
export type TransitionListener = (
  transitions: readonly RoutingTransition[],
  state: LiveStoreReader,
) => void;

/** Which handler a deadline runs: each call deadline by name, a leg's linger, a session's resume. */
export type DeadlineHandlers = {
  [Name in CallDeadlineName]?: (callId: string) => void;
} & {
  legLinger?: (callId: string, legId: string) => void;
  sessionResume?: (sessionId: string) => void;
  wrapUp?: (tenantId: string, userId: string) => void;
};

export class RoutingState {
  private depth = 0;
  private stepTransitions: RoutingTransition[] = [];
  private beforeStepEnds: (() => void)[] = [];
  private readonly projections: StepProjection[] = [];
  private readonly listeners = new Set<TransitionListener>();
  private readonly reactions = new Map<TransitionType, ((transition: never) => void)[]>();
  private readonly deadlineHandlers: DeadlineHandlers = {};
  private readonly timers: DeadlineTimers;

  constructor(
    private readonly store: LiveStore,
    private readonly scheduler: Scheduler,
    private readonly log: RoutingLog,
  ) {
    this.timers = new DeadlineTimers(scheduler, (deadline, dueAt) =>
      this.deadlineFell(deadline, dueAt),
    );
  }

  /** Read access to sessions, agents, calls and queues; read them, never change them. */
  get read(): LiveStoreReader {
    return this.store;
  }

  now(): number {
    return this.scheduler.now();
  }

  // ------------------------------------------------------------------ steps and transitions

  /** Runs `work` as one routing step (nested calls join the step in progress). */
  run<T>(work: () => T): T {
    this.depth++;
    try {
      const result = work();
      if (this.depth === 1) this.runDeferred();
      return result;
    } finally {
      this.depth--;
      if (this.depth === 0) this.endStep();
    }
  }

  /**
   * Runs `work` once the outermost step's own work is done, still inside the step (it may apply
   * transitions; its changes go out with the step's frames). For a rule that must see the state
   * settled rather than halfway through another manager's change: an agent freed from ringing
   * for one call is offered the next only after that call found where it goes next.
   */
  deferToStepEnd(work: () => void): void {
    if (this.depth === 0) throw new Error('deferToStepEnd outside a routing step');
    this.beforeStepEnds.push(work);
  }

  private runDeferred(): void {
    // Deferred work may defer more; it all runs before the step ends, in order.
    for (let next = this.beforeStepEnds.shift(); next; next = this.beforeStepEnds.shift()) next();
  }

  /** Applies one transition: checked, applied, seen by the projections, kept for observers. */
  apply(input: TransitionInput): RoutingTransition {
    if (this.depth === 0) throw new Error(`${input.type} applied outside a routing step`);
    const transition = { ...input, at: this.scheduler.now() };
    applyTransition(this.store, transition);
    this.stepTransitions.push(transition);
    if (transition.type === 'deadlineSet') this.timers.arm(transition.deadline, transition.dueAt);
    else if (transition.type === 'deadlineCleared') this.timers.disarm(transition.deadline);
    for (const projection of this.projections) projection.applied(transition);
    const reactions = this.reactions.get(transition.type);
    if (reactions) for (const react of reactions) react(transition as never);
    return transition;
  }

  /** Runs `reaction` right after every transition of this type, inside the same step. */
  react<Type extends TransitionType>(
    type: Type,
    reaction: (transition: TransitionOf<Type>) => void,
  ): void {
    const reactions = this.reactions.get(type) ?? [];
    reactions.push(reaction);
    this.reactions.set(type, reactions);
  }

  addProjection(projection: StepProjection): void {
    this.projections.push(projection);
  }

  /** Observes every step's transitions from now on; returns the function that stops it. */
  observe(listener: TransitionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private endStep(): void {
    // Taken first: a projection or observer may start another step, which collects afresh.
    const transitions = this.stepTransitions;
    this.stepTransitions = [];
    // A step that threw leaves its deferred work undone rather than running it in the next one.
    this.beforeStepEnds = [];
    for (const projection of this.projections) projection.stepEnded();
    if (transitions.length === 0) return;
    for (const listener of this.listeners) {
      // An observer's failure must not undo or block the routing step that already happened.
      try {
        listener(transitions, this.store);
      } catch (error) {
        this.log.error({ err: error }, 'routing observer failed');
      }
    }
  }

  // ------------------------------------------------------------------ deadlines

  /** Says what runs when deadlines of this kind fall due (each manager registers its own). */
  onDeadline(handlers: DeadlineHandlers): void {
    Object.assign(this.deadlineHandlers, handlers);
  }

  /** Sets (or moves) a deadline `delayMs` from now. */
  setDeadline(deadline: DeadlineRef, delayMs: number): void {
    this.setDeadlineAt(deadline, this.now() + Math.max(0, delayMs));
  }

  /** Sets a deadline at a moment already worked out (a second read of the clock could differ). */
  setDeadlineAt(deadline: DeadlineRef, dueAt: number): void {
    this.apply({ type: 'deadlineSet', tenantId: this.tenantOf(deadline), deadline, dueAt });
  }

  /** Cancels a deadline if it is set. */
  clearDeadline(deadline: DeadlineRef): void {
    if (dueAtOf(this.store, deadline) === null) return;
    this.apply({
      type: 'deadlineCleared',
      tenantId: this.tenantOf(deadline),
      deadline,
      reached: false,
    });
  }

  /** Arms a timer for every deadline in the state (after loading a snapshot). */
  rearmDeadlines(): void {
    for (const [deadline, dueAt] of deadlinesIn(this.store)) this.timers.arm(deadline, dueAt);
  }

  /**
   * Takes a tenant's live state over from another node (a cluster's new owner): its entities
   * join the store as they were kept, and their deadlines are armed (those already past fire
   * at once). Not a step: nothing changed, the state moved.
   */
  adopt(snapshot: LiveSnapshot): void {
    this.store.load(snapshot);
    const adopted = InProcessLiveStore.fromSnapshot(snapshot);
    for (const [deadline, dueAt] of deadlinesIn(adopted)) this.timers.arm(deadline, dueAt);
  }

  /**
   * Gives one tenant's live state up without changing it (another node owns the tenant now):
   * its timers stop and its entities leave this store; calls carry on wherever it is loaded.
   */
  release(tenantId: string): void {
    const released = InProcessLiveStore.fromSnapshot(this.store.tenantSnapshot(tenantId));
    for (const [deadline] of deadlinesIn(released)) this.timers.disarm(deadline);
    this.store.unload(tenantId);
  }

  /** Drops every timer (the router stops); the deadlines stay in the state. */
  disarmDeadlines(): void {
    this.timers.disarmAll();
  }

  private deadlineFell(deadline: DeadlineRef, dueAt: number): void {
    try {
      this.run(() => {
        // Moved or cleared since this timer was armed (or its entity is gone): nothing to do.
        if (dueAtOf(this.store, deadline) !== dueAt) return;
        this.apply({
          type: 'deadlineCleared',
          tenantId: this.tenantOf(deadline),
          deadline,
          reached: true,
        });
        const handlers = this.deadlineHandlers;
        if (deadline.kind === 'call') handlers[deadline.name]?.(deadline.callId);
        else if (deadline.kind === 'leg') handlers.legLinger?.(deadline.callId, deadline.legId);
        else if (deadline.kind === 'wrapUp') handlers.wrapUp?.(deadline.tenantId, deadline.userId);
        else handlers.sessionResume?.(deadline.sessionId);
      });
    } catch (error) {
      // An exception escaping a timer would take the whole process down with it.
      this.log.error({ err: error, deadline }, 'routing timer failed');
    }
  }

  private tenantOf(deadline: DeadlineRef): string {
    if (deadline.kind === 'wrapUp') return deadline.tenantId;
    const tenantId =
      deadline.kind === 'session'
        ? this.store.session(deadline.sessionId)?.tenantId
        : this.store.call(deadline.callId)?.tenantId;
    if (!tenantId) throw new Error(`deadline of a missing entity: ${JSON.stringify(deadline)}`);
    return tenantId;
  }
}

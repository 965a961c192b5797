/**
 * Deadlines are data (a field of a call, leg or session); this arms one scheduler timer per
 * deadline that is set, so it fires at its time. After loading a snapshot, `rearm` arms every
 * deadline found in it: a timer that should have fired while no node owned the state fires at
 * once.
 */
import type { CancelTimer, Scheduler } from '../../shared/scheduler.ts';
import type { LiveStoreReader } from './live-store.ts';
import type { DeadlineRef } from './transitions.ts';

export const deadlineKey = (deadline: DeadlineRef): string => {
  switch (deadline.kind) {
    case 'call':
      return `call:${deadline.callId}:${deadline.name}`;
    case 'leg':
      return `leg:${deadline.legId}`;
    case 'session':
      return `session:${deadline.sessionId}`;
    case 'wrapUp':
      return `wrap-up:${deadline.tenantId}/${deadline.userId}`;
  }
};

/** The deadline's due time as the state holds it now; null when it is not set (or its entity is gone). */
export function dueAtOf(store: LiveStoreReader, deadline: DeadlineRef): number | null {
  switch (deadline.kind) {
    case 'call':
      return store.call(deadline.callId)?.deadlines[deadline.name] ?? null;
    case 'leg':
      return (
        store.call(deadline.callId)?.legs.find((leg) => leg.id === deadline.legId)
          ?.lingerDeadline ?? null
      );
    case 'session':
      return store.session(deadline.sessionId)?.resumeDeadline ?? null;
    case 'wrapUp':
      return store.agent(deadline.tenantId, deadline.userId)?.wrapUp?.deadline ?? null;
  }
}

/** Every deadline the state holds, calls first (in creation order), then sessions, then agents. */
export function* deadlinesIn(store: LiveStoreReader): Iterable<[DeadlineRef, number]> {
  for (const call of store.calls()) {
    for (const [name, dueAt] of Object.entries(call.deadlines))
      if (dueAt !== null)
        yield [{ kind: 'call', callId: call.id, name: name as keyof typeof call.deadlines }, dueAt];
    for (const leg of call.legs)
      if (leg.lingerDeadline !== null)
        yield [{ kind: 'leg', callId: call.id, legId: leg.id }, leg.lingerDeadline];
  }
  for (const session of store.sessions())
    if (session.resumeDeadline !== null)
      yield [{ kind: 'session', sessionId: session.id }, session.resumeDeadline];
  // Every agent has a session (the last one closing removes it); each is yielded once.
  const seen = new Set<string>();
  for (const session of store.sessions()) {
    const key = `${session.tenantId}/${session.userId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const deadline = store.agent(session.tenantId, session.userId)?.wrapUp?.deadline ?? null;
    if (deadline !== null)
      yield [{ kind: 'wrapUp', tenantId: session.tenantId, userId: session.userId }, deadline];
  }
}

export class DeadlineTimers {
  private readonly timers = new Map<string, CancelTimer>();

  constructor(
    private readonly scheduler: Scheduler,
    private readonly fire: (deadline: DeadlineRef, dueAt: number) => void,
  ) {}

  arm(deadline: DeadlineRef, dueAt: number): void {
    const key = deadlineKey(deadline);
    this.timers.get(key)?.();
    const cancel = this.scheduler.schedule(dueAt - this.scheduler.now(), () => {
      this.timers.delete(key);
      this.fire(deadline, dueAt);
    });
    this.timers.set(key, cancel);
  }

  disarm(deadline: DeadlineRef): void {
    const key = deadlineKey(deadline);
    const cancel = this.timers.get(key);
    if (!cancel) return;
    this.timers.delete(key);
    cancel();
  }

  disarmAll(): void {
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
  }

  get size(): number {
    return this.timers.size;
  }
}

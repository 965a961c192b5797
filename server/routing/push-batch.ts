/**
 * Collects what changed during one routing step and sends each affected session one frame per
 * kind when the step ends. That is what makes "every other leg leaves ringing with
 * answered_elsewhere, in the same push" true, and keeps a burst of changes from sending a tab
 * its list several times in one tick.
 */
import type { ServerMessage } from '../../protocol/session-protocol.ts';
import type { EventBus } from './event-bus.ts';
import type { LiveStore } from './live-store.ts';
import { byArrival, type AgentState, type LiveCall } from './live-state.ts';
import { inboundView, outboundView } from './call-views.ts';

/** What one routing step touched, for observers outside routing (the supervisor feed). */
export interface RoutingChange {
  tenantIds: ReadonlySet<string>;
  /** Agents whose presence changed in the step. */
  presenceChanged: readonly AgentState[];
}
export type RoutingChangeListener = (change: RoutingChange) => void;

export class PushBatch {
  private depth = 0;
  private readonly touchedTenantIds = new Set<string>();
  private readonly changeListeners = new Set<RoutingChangeListener>();
  private readonly incomingSessionIds = new Set<string>();
  private readonly outgoingCalls = new Map<string, { call: LiveCall; requestId?: string }>();
  private readonly presenceAgents = new Set<AgentState>();

  constructor(
    private readonly store: LiveStore,
    private readonly bus: EventBus,
  ) {}

  /** Runs one routing step; frames go out when the outermost step returns (or throws). */
  run<T>(step: () => T): T {
    this.depth++;
    try {
      return step();
    } finally {
      this.depth--;
      if (this.depth === 0) this.flush();
    }
  }

  /** Observers are told after the step's frames went out; returns the unsubscribe function. */
  observe(listener: RoutingChangeListener): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  incomingChanged(sessionId: string): void {
    const tenantId = this.store.session(sessionId)?.tenantId;
    if (tenantId) this.touchedTenantIds.add(tenantId);
    this.incomingSessionIds.add(sessionId);
  }

  /** `requestId` ties the first frame of a dialed call to the `call.dial` that made it. */
  outgoingChanged(call: LiveCall, requestId?: string): void {
    this.touchedTenantIds.add(call.tenantId);
    if (!call.callerSessionId) return;
    const pending = this.outgoingCalls.get(call.id);
    this.outgoingCalls.set(call.id, { call, requestId: pending?.requestId ?? requestId });
  }

  presenceChanged(agent: AgentState): void {
    this.touchedTenantIds.add(agent.tenantId);
    this.presenceAgents.add(agent);
  }

  /** The whole current incoming list of one session, oldest call first. */
  incomingCalls(sessionId: string): ServerMessage & { type: 'incoming_calls' } {
    const session = this.store.session(sessionId);
    const calls: LiveCall[] = [];
    for (const callId of session?.inboundCallIds ?? []) {
      const call = this.store.call(callId);
      if (call?.legs.has(sessionId)) calls.push(call);
    }
    calls.sort(byArrival);
    return {
      type: 'incoming_calls',
      calls: calls.map((call) => inboundView(call, call.legs.get(sessionId)!)),
    };
  }

  private flush(): void {
    // Swap the pending sets out first: publishing may start another step (a listener that
    // reacts synchronously), which must collect into fresh sets.
    const incoming = [...this.incomingSessionIds];
    const outgoing = [...this.outgoingCalls.values()];
    const presence = [...this.presenceAgents];
    const tenantIds = new Set(this.touchedTenantIds);
    this.touchedTenantIds.clear();
    this.incomingSessionIds.clear();
    this.outgoingCalls.clear();
    this.presenceAgents.clear();

    for (const sessionId of incoming) {
      if (this.store.session(sessionId)) this.bus.publish(sessionId, this.incomingCalls(sessionId));
    }
    for (const { call, requestId } of outgoing) {
      const message: ServerMessage = { type: 'outgoing_call', call: outboundView(call) };
      if (requestId) message.requestId = requestId;
      this.bus.publish(call.callerSessionId!, message);
    }
    for (const agent of presence) {
      for (const sessionId of agent.sessionIds)
        this.bus.publish(sessionId, { type: 'presence', presence: agent.presence });
    }
    if (tenantIds.size > 0) this.notifyObservers({ tenantIds, presenceChanged: presence });
  }

  private notifyObservers(change: RoutingChange): void {
    for (const listener of this.changeListeners) {
      // An observer's failure must not undo or block the routing step that already happened.
      try {
        listener(change);
      } catch (error) {
        console.error('routing change observer failed', error);
      }
    }
  }
}

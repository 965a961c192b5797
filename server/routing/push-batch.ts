/**
 * The frames tabs receive, projected from the transitions of one routing step. While the step
 * runs it notes which sessions' incoming lists, which callers' outgoing views and which agents'
 * presence changed; when the step ends each affected session gets one frame per kind. That is
 * what makes "every other leg leaves ringing with answered_elsewhere, in the same push" true,
 * and keeps a burst of changes from sending a tab its list several times in one tick.
 */
import type { CallView, ServerMessage } from '../../protocol/session-protocol.ts';
import type { EventBus } from './event-bus.ts';
import type { LiveStoreReader } from './state/live-store.ts';
import { byArrival, listedLeg, type LiveCall } from './state/live-state.ts';
import type { StepProjection } from './state/routing-state.ts';
import type { RoutingTransition } from './state/transitions.ts';
import { inboundView, outboundView, wrapUpView } from './call-views.ts';

export class PushBatch implements StepProjection {
  private readonly incomingSessionIds = new Set<string>();
  private readonly outgoingCallIds = new Map<string, string | undefined>();
  private readonly presenceAgents = new Map<string, { tenantId: string; userId: string }>();
  private readonly wrapUpAgents = new Map<string, { tenantId: string; userId: string }>();
  private readonly wrapUpSessionIds = new Set<string>();

  constructor(
    private readonly store: LiveStoreReader,
    private readonly bus: EventBus,
  ) {}

  /** The session asked for its list (coming online): it gets it even if nothing changed. */
  resendIncoming(sessionId: string): void {
    this.incomingSessionIds.add(sessionId);
  }

  /** A tab coming online learns the agent's after-call work (even when there is none). */
  resendWrapUp(sessionId: string): void {
    this.wrapUpSessionIds.add(sessionId);
  }

  applied(transition: RoutingTransition): void {
    switch (transition.type) {
      case 'legRung':
      case 'legJoined':
        return void this.incomingSessionIds.add(transition.leg.sessionId);
      case 'legEnded':
      case 'legDropped':
        return void this.incomingSessionIds.add(transition.sessionId);
      case 'sessionOnline':
        return void this.incomingSessionIds.add(transition.sessionId);
      case 'answered':
        this.incomingSessionIds.add(transition.agent.sessionId);
        return this.outgoingChanged(transition.callId);
      case 'held':
      case 'resumed':
        // Hold shows on the agent's connected leg, and to the caller.
        this.connectedSessionsChanged(transition.callId);
        return this.outgoingChanged(transition.callId);
      case 'transferStarted':
        return this.transferViewChanged(transition.callId, transition.transfer.by.id);
      case 'transferConsultationDialed':
      case 'transferConsulting':
      case 'transferTurnedBlind':
      case 'transferFailed': {
        const by = this.store.call(transition.callId)?.transfer?.by;
        if (by) this.transferViewChanged(transition.callId, by.id);
        return;
      }
      case 'transferCancelled':
      case 'transferCleared':
      case 'transferCompleted':
        return this.transferViewChanged(transition.callId, transition.by.id);
      case 'callPlaced':
        return this.outgoingChanged(transition.call.id, transition.requestId);
      case 'phoneAnswered':
      case 'attemptStarted':
      case 'handedOff':
      case 'redirected':
      case 'callEnded':
        return this.outgoingChanged(transition.callId);
      case 'callQueued':
        if (transition.front) this.outgoingChanged(transition.callId);
        return;
      case 'presenceChanged':
        this.presenceAgents.set(`${transition.tenantId}/${transition.userId}`, transition);
        return;
      case 'wrapUpStarted':
      case 'wrapUpEnded':
        this.wrapUpAgents.set(`${transition.tenantId}/${transition.userId}`, transition);
        return;
      case 'deadlineSet': {
        const { deadline } = transition;
        if (deadline.kind === 'wrapUp')
          this.wrapUpAgents.set(`${deadline.tenantId}/${deadline.userId}`, deadline);
        return;
      }
      default:
        return;
    }
  }

  /** The whole current incoming list of one session, oldest call first. */
  incomingCalls(sessionId: string): CallView[] {
    const session = this.store.session(sessionId);
    const listed: { call: LiveCall; view: CallView }[] = [];
    for (const callId of session?.inboundCallIds ?? []) {
      const call = this.store.call(callId);
      const leg = call && listedLeg(call, sessionId);
      if (call && leg) listed.push({ call, view: inboundView(call, leg) });
    }
    listed.sort((a, b) => byArrival(a.call, b.call));
    return listed.map(({ view }) => view);
  }

  stepEnded(): void {
    if (
      this.incomingSessionIds.size === 0 &&
      this.outgoingCallIds.size === 0 &&
      this.presenceAgents.size === 0 &&
      this.wrapUpAgents.size === 0 &&
      this.wrapUpSessionIds.size === 0
    )
      return;
    // Swap the pending sets out first: publishing may start another step (a listener that
    // reacts synchronously), which must collect into fresh sets.
    const incoming = [...this.incomingSessionIds];
    const outgoing = [...this.outgoingCallIds];
    const presence = [...this.presenceAgents.values()];
    const wrapUpSessionIds = new Set(this.wrapUpSessionIds);
    for (const { tenantId, userId } of this.wrapUpAgents.values())
      for (const sessionId of this.store.agent(tenantId, userId)?.sessionIds ?? [])
        wrapUpSessionIds.add(sessionId);
    this.incomingSessionIds.clear();
    this.outgoingCallIds.clear();
    this.presenceAgents.clear();
    this.wrapUpAgents.clear();
    this.wrapUpSessionIds.clear();

    for (const sessionId of incoming) {
      if (this.store.session(sessionId))
        this.bus.publish(sessionId, {
          type: 'incoming_calls',
          calls: this.incomingCalls(sessionId),
        });
    }
    for (const [callId, requestId] of outgoing) {
      const call = this.store.call(callId);
      if (!call?.callerSessionId) continue;
      const message: ServerMessage = { type: 'outgoing_call', call: outboundView(call) };
      if (requestId) message.requestId = requestId;
      this.bus.publish(call.callerSessionId, message);
    }
    for (const { tenantId, userId } of presence) {
      const agent = this.store.agent(tenantId, userId);
      if (!agent) continue;
      const { notReady } = agent;
      const message: ServerMessage = notReady
        ? {
            type: 'presence',
            presence: agent.presence,
            notReady: { reason: notReady.reason, callId: notReady.callId, since: notReady.since },
          }
        : { type: 'presence', presence: agent.presence };
      for (const sessionId of agent.sessionIds) this.bus.publish(sessionId, message);
    }
    for (const sessionId of wrapUpSessionIds) {
      const session = this.store.session(sessionId);
      if (!session) continue;
      this.bus.publish(sessionId, {
        type: 'wrap_up',
        wrapUp: wrapUpView(this.store.agent(session.tenantId, session.userId)),
      });
    }
  }

  /** `requestId` ties the first frame of a dialed call to the `call.dial` that made it. */
  private outgoingChanged(callId: string, requestId?: string): void {
    this.outgoingCallIds.set(callId, this.outgoingCallIds.get(callId) ?? requestId);
  }

  /** The transfer shows on the transferring agent's legs that have not ended (inboundView). */
  private transferViewChanged(callId: string, byUserId: string): void {
    const call = this.store.call(callId);
    if (!call) return;
    for (const leg of call.legs)
      if (leg.listed && leg.userId === byUserId && leg.status !== 'disconnected')
        this.incomingSessionIds.add(leg.sessionId);
  }

  private connectedSessionsChanged(callId: string): void {
    const call = this.store.call(callId);
    if (!call) return;
    for (const leg of call.legs)
      if (leg.listed && leg.status === 'connected') this.incomingSessionIds.add(leg.sessionId);
  }
}

/**
 * What a call does when its attempt has no ringing leg left: a private call ends `rejected` if
 * its agent declined, a group call that was declined or missed rings again after the retry
 * interval, a call whose legs were only withdrawn (the agents left) goes back to waiting for
 * someone available, a consultation rings once, and a redirect falls back. Also: the ring
 * timeout of an attempt, and withdrawing the legs of tabs and agents that stop taking calls.
 */
import {
  isGroupCall,
  listedLeg,
  type AgentState,
  type LiveCall,
  type LiveSession,
} from './state/live-state.ts';
import type { RoutingState } from './state/routing-state.ts';
import type { CallEnding } from './call-ending.ts';
import type { PresenceTracker } from './presence.ts';
import type { NotReady } from './not-ready.ts';
import type { RedirectFallback } from './redirect-fallback.ts';
import type { Ringing } from './ringing.ts';

export class Attempts {
  constructor(
    private readonly state: RoutingState,
    private readonly ringing: Ringing,
    private readonly ending: CallEnding,
    private readonly fallback: RedirectFallback,
    presence: PresenceTracker,
    private readonly notReady: NotReady,
  ) {
    state.onDeadline({
      ringTimeout: (callId) => this.attemptTimedOut(callId),
      retry: (callId) => this.retryDue(callId),
    });
    // An agent who can no longer take calls (busy, away, offline): every tab stops ringing.
    presence.onChange((agent) => {
      if (agent.presence !== 'available') this.withdrawAgent(agent);
    });
  }

  /** Called after legs end: decides what the call does once no leg of its attempt rings. */
  settleAttempt(call: LiveCall): void {
    if (call.phase !== 'ringing') return;
    for (const leg of call.legs) if (leg.listed && leg.status === 'ringing') return;
    const { state } = this;
    const { tenantId, id: callId } = call;
    state.clearDeadline({ kind: 'call', callId, name: 'ringTimeout' });
    // A strategy that rings one agent at a time goes on to the next (a group's own call or a
    // transfer to a group alike); a consultation rings once.
    if (!call.consultationFor && this.ringing.hasNextAgent(call)) {
      state.apply({ type: 'callWaiting', tenantId, callId });
      return this.ringing.offer(call);
    }
    if (call.redirect) return this.fallback.redirectFailed(call);
    const attemptLegs = call.legs.filter((leg) => leg.attempt === call.attempt);
    const declined = attemptLegs.some((leg) => leg.outcome === 'rejected');
    const missed = attemptLegs.some((leg) => leg.outcome === 'missed');
    // A consultation rings once: the transferring agent is waiting with a caller on hold.
    if (call.consultationFor) return this.ending.endCall(call, declined ? 'rejected' : 'no_answer');

    if (!isGroupCall(call)) {
      if (declined) return this.ending.endCall(call, 'rejected');
      state.apply({ type: 'callWaiting', tenantId, callId });
      return this.ringing.offer(call);
    }
    if (declined || missed) {
      state.apply({ type: 'retryWaiting', tenantId, callId });
      state.setDeadline({ kind: 'call', callId, name: 'retry' }, call.target.retryIntervalMs);
      return;
    }
    state.apply({ type: 'callWaiting', tenantId, callId });
    this.ringing.offer(call);
  }

  /** This tab stops ringing (it went offline, away, or lost its socket); the calls look for someone else. */
  withdrawSession(session: LiveSession): void {
    const withdrawn: LiveCall[] = [];
    for (const callId of [...session.inboundCallIds]) {
      const call = this.state.read.call(callId);
      const leg = call && listedLeg(call, session.id);
      if (!call || leg?.status !== 'ringing') continue;
      this.ringing.endLeg(call, leg, 'no_answer', 'withdrawn');
      withdrawn.push(call);
    }
    for (const call of withdrawn) this.settleAttempt(call);
  }

  withdrawAgent(agent: AgentState): void {
    for (const sessionId of [...agent.sessionIds]) {
      const session = this.state.read.session(sessionId);
      if (session) this.withdrawSession(session);
    }
  }

  private attemptTimedOut(callId: string): void {
    const call = this.state.read.call(callId);
    if (call?.phase !== 'ringing') return;
    const missed = call.legs.filter((leg) => leg.listed && leg.status === 'ringing');
    for (const leg of missed) this.ringing.endLeg(call, leg, 'no_answer', 'missed');
    // Before the call looks for someone else: whoever let it ring out is not asked again.
    this.notReady.missed(call, missed);
    this.settleAttempt(call);
  }

  private retryDue(callId: string): void {
    const call = this.state.read.call(callId);
    if (call?.phase !== 'retry-wait') return;
    this.state.apply({ type: 'callWaiting', tenantId: call.tenantId, callId });
    this.ringing.offer(call);
  }
}

/**
 * "This agent's tab now has the call" — the one step every path that hands a call to an agent
 * goes through: an accept (first one wins), the destination of a completed warm transfer, and
 * through them a ring-back, a return from the queue and a supervisor's assign. It records the
 * answer, ends whatever was handing the call on (redirect, transfer, hold), takes the call out
 * of its queue and timers, stops every other tab ringing (`answered_elsewhere`), and makes the
 * call's parties busy. Media, records and the supervisor feed follow from the `answered`
 * transition.
 */
import type { LiveCall, LiveLeg } from './state/live-state.ts';
import type { RoutingState } from './state/routing-state.ts';
import type { AgentOnCall } from './state/transitions.ts';
import type { CallQueue } from './call-queue.ts';
import type { PresenceTracker } from './presence.ts';
import type { Ringing } from './ringing.ts';

export class Answering {
  constructor(
    private readonly state: RoutingState,
    private readonly ringing: Ringing,
    private readonly presence: PresenceTracker,
    private readonly queue: CallQueue,
  ) {}

  /**
   * Gives the call to `agent`'s tab on `leg` (ringing there, or just joined by a warm
   * transfer). The caller checked the call is the agent's to take; nobody else has it.
   */
  connect(call: LiveCall, leg: LiveLeg, agent: AgentOnCall): void {
    const { state } = this;
    const winner = { id: agent.id, name: agent.name };
    state.apply({
      type: 'answered',
      tenantId: call.tenantId,
      callId: call.id,
      legId: leg.id,
      agent,
      // Answered before (a transfer, a ring-back, a return to the queue): its room exists already.
      handedOver: call.answeredAt !== null,
    });
    this.endHandingOn(call);
    this.stopWaiting(call);
    // Every other tab, the winner's own included, stops ringing in this same push.
    for (const other of call.legs) {
      if (other !== leg && other.listed && other.status === 'ringing')
        this.ringing.endLeg(call, other, 'answered_elsewhere', 'answered_elsewhere', winner);
    }
    for (const userId of partiesOf(call)) {
      const party = state.read.agent(call.tenantId, userId);
      if (!party) continue;
      if (!party.activeCallIds.includes(call.id))
        state.apply({ type: 'agentJoinedCall', tenantId: call.tenantId, userId, callId: call.id });
      this.presence.refresh(party);
    }
  }

  /**
   * The phone an agent dialed answered: the call is connected between the dialing agent and
   * the phone (no agent leg; LiveKit SIP carries the phone's side), and the agent is busy.
   */
  connectPhone(call: LiveCall): void {
    const { state } = this;
    state.apply({ type: 'phoneAnswered', tenantId: call.tenantId, callId: call.id });
    this.stopWaiting(call);
    this.consultationAnswered(call);
    for (const userId of partiesOf(call)) {
      const party = state.read.agent(call.tenantId, userId);
      if (!party) continue;
      if (!party.activeCallIds.includes(call.id))
        state.apply({ type: 'agentJoinedCall', tenantId: call.tenantId, userId, callId: call.id });
      this.presence.refresh(party);
    }
  }

  /** Whatever was handing the call on is over: the redirect, a transfer, the caller's hold. */
  private endHandingOn(call: LiveCall): void {
    const { state } = this;
    const { tenantId, id: callId } = call;
    if (call.redirect) state.apply({ type: 'redirectCleared', tenantId, callId });
    if (call.transfer)
      state.apply({ type: 'transferCleared', tenantId, callId, by: call.transfer.by });
    if (call.heldAt !== null) state.apply({ type: 'resumed', tenantId, callId });
    state.clearDeadline({ kind: 'call', callId, name: 'clearFailedTransfer' });
    this.consultationAnswered(call);
  }

  /** A warm transfer's consultation was answered: its agent may now complete the transfer. */
  private consultationAnswered(call: LiveCall): void {
    const { state } = this;
    if (!call.consultationFor) return;
    const original = state.read.call(call.consultationFor);
    const transfer = original?.transfer;
    if (original && transfer?.consultationCallId === call.id && transfer.status === 'ringing')
      state.apply({ type: 'transferConsulting', tenantId: call.tenantId, callId: original.id });
  }

  private stopWaiting(call: LiveCall): void {
    for (const name of ['ringTimeout', 'retry', 'maxWait', 'overflow'] as const)
      this.state.clearDeadline({ kind: 'call', callId: call.id, name });
    this.queue.remove(call);
  }
}

/** The users a connected call keeps busy: the answering agent and, for a dialed call, the caller. */
export function partiesOf(call: LiveCall): string[] {
  const userIds: string[] = [];
  if (call.answeredBy) userIds.push(call.answeredBy.id);
  if (call.callerSessionId && call.fromUserId && !userIds.includes(call.fromUserId))
    userIds.push(call.fromUserId);
  return userIds;
}

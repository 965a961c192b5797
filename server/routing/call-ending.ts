/**
 * How a call ends, for everyone at once: ringing legs stop (with the reason), the agent's leg
 * ends, the parties are free again, a transfer tied to it is settled (a consultation ends with
 * its call; a consultation that ends gives the caller back to the transferring agent), and the
 * ended call lingers for its caller and the HTTP API before it is forgotten.
 *
 * It owns the call deadlines that end calls: the maximum wait, the drop after lingering, and
 * the moment a failed transfer stops being shown.
 */
import type { AgentRef, EndReason } from '../../protocol/session-protocol.ts';
import type { EndedBy, LegOutcome, LiveCall, LiveLeg } from './state/live-state.ts';
import type { RoutingState } from './state/routing-state.ts';
import type { CallQueue } from './call-queue.ts';
import type { NotReady } from './not-ready.ts';
import type { PresenceTracker } from './presence.ts';
import type { Ringing, RingingTimings } from './ringing.ts';
import { partiesOf } from './answering.ts';

/** What a leg still ringing when the call ends is recorded as. */
const ringingOutcome: Partial<Record<EndReason, LegOutcome>> = {
  caller_cancelled: 'caller_cancelled',
  no_answer: 'missed',
  failed: 'failed',
  hangup: 'caller_cancelled',
};

/**
 * Who ends a call, as the code ending it knows it (a tab, a media party, the HTTP API);
 * `CallEnding` names the person from the live state.
 */
export type CallEnder =
  | { kind: 'caller' }
  | { kind: 'callee' }
  | { kind: 'agent'; userId: string }
  | { kind: 'supervisor'; user: AgentRef }
  | { kind: 'system' };

const SYSTEM: CallEnder = { kind: 'system' };

/**
 * Who ended a call when its ender did not say: the reason tells. A caller cancels; a direct
 * call ends `rejected` when its callee declines (the last to decline); a hang-up nobody claimed
 * comes from the caller's own line (a phone hanging up); a call handed out of the system
 * (`transferred` by REFER) was handed by the agent who had it; the rest is the system's (ring
 * timeout, maximum wait, closed, failed).
 */
function enderFromReason(call: LiveCall, reason: EndReason): CallEnder {
  switch (reason) {
    case 'caller_cancelled':
    case 'hangup':
      return { kind: 'caller' };
    case 'rejected': {
      const decliner = call.legs.findLast((leg) => leg.outcome === 'rejected');
      return decliner ? { kind: 'agent', userId: decliner.userId } : SYSTEM;
    }
    case 'transferred':
      return call.answeredBy ? { kind: 'agent', userId: call.answeredBy.id } : SYSTEM;
    default:
      return SYSTEM;
  }
}

export class CallEnding {
  constructor(
    private readonly state: RoutingState,
    private readonly ringing: Ringing,
    private readonly presence: PresenceTracker,
    private readonly queue: CallQueue,
    private readonly timings: RingingTimings,
    private readonly notReady: NotReady,
  ) {
    state.onDeadline({
      maxWait: (callId) => {
        const call = state.read.call(callId);
        // A closed-treatment script that never ended its call: the call was closed all along.
        if (call) this.endCall(call, call.closedScript ? 'closed' : 'no_answer');
      },
      drop: (callId) => this.drop(callId),
      clearFailedTransfer: (callId) => {
        const call = state.read.call(callId);
        if (call?.transfer?.status === 'failed')
          state.apply({
            type: 'transferCleared',
            tenantId: call.tenantId,
            callId,
            by: call.transfer.by,
          });
      },
    });
  }

  /**
   * Ends the call for everyone: ringing legs, the answering agent and the caller. `by` is who
   * ended it, recorded once with the end (without it, the reason tells: `enderFromReason`).
   */
  endCall(call: LiveCall, reason: EndReason, by?: CallEnder): void {
    if (call.phase === 'ended') return;
    const { state } = this;
    // A call between agents (on hold in a transfer, or back in the queue) still keeps its caller busy.
    const wasConnected = call.answeredAt !== null;
    state.apply({
      type: 'callEnded',
      tenantId: call.tenantId,
      callId: call.id,
      reason,
      by: this.endedBy(call, by ?? enderFromReason(call, reason)),
    });
    for (const name of ['ringTimeout', 'retry', 'maxWait', 'overflow'] as const)
      state.clearDeadline({ kind: 'call', callId: call.id, name });
    this.queue.remove(call);
    this.settleTransfer(call);
    const rangOut: LiveLeg[] = [];
    for (const leg of call.legs) {
      if (!leg.listed) continue;
      if (leg.status === 'ringing') {
        const outcome = ringingOutcome[reason] ?? 'caller_cancelled';
        this.ringing.endLeg(call, leg, reason, outcome);
        if (outcome === 'missed') rangOut.push(leg);
      } else if (leg.status === 'connected') this.ringing.endLeg(call, leg, reason, 'answered');
    }
    this.notReady.missed(call, rangOut);
    if (wasConnected) {
      for (const userId of partiesOf(call)) {
        const party = state.read.agent(call.tenantId, userId);
        if (!party) continue;
        if (party.activeCallIds.includes(call.id))
          state.apply({ type: 'agentLeftCall', tenantId: call.tenantId, userId, callId: call.id });
        this.presence.refresh(party);
      }
    }
    // Kept a little longer so its caller and the HTTP API can still read how it ended.
    this.dropLater(call);
  }

  /** A warm transfer whose consultation ended (or was cancelled): the caller is back with the agent. */
  resumeCaller(call: LiveCall): void {
    if (call.heldAt !== null)
      this.state.apply({ type: 'resumed', tenantId: call.tenantId, callId: call.id });
  }

  /**
   * Ends a warm transfer's consultation call, if it is still going: `by` the agent who cancels
   * the transfer, else by the system (the call it was about ended, or the agent's tab went away).
   */
  endConsultation(consultationCallId: string | null, by: CallEnder = SYSTEM): void {
    const consultation = consultationCallId ? this.state.read.call(consultationCallId) : undefined;
    if (!consultation || consultation.phase === 'ended') return;
    this.endCall(
      consultation,
      consultation.phase === 'connected' ? 'hangup' : 'caller_cancelled',
      by,
    );
  }

  /** The ender as recorded: the person named, when there is one. */
  private endedBy(call: LiveCall, ender: CallEnder): EndedBy {
    switch (ender.kind) {
      case 'caller':
        return {
          kind: 'caller',
          user: call.fromUserId ? { id: call.fromUserId, name: call.from.name } : null,
        };
      case 'agent': {
        const name =
          call.answeredBy?.id === ender.userId
            ? call.answeredBy.name
            : (this.state.read.agent(call.tenantId, ender.userId)?.name ?? '');
        return { kind: 'agent', user: { id: ender.userId, name } };
      }
      case 'supervisor':
        return { kind: 'supervisor', user: { id: ender.user.id, name: ender.user.name } };
      default:
        return { kind: ender.kind, user: null };
    }
  }

  /** The transfer of an ending call is over; a consultation that ends fails its transfer. */
  private settleTransfer(call: LiveCall): void {
    const { state } = this;
    const { tenantId, id: callId } = call;
    state.clearDeadline({ kind: 'call', callId, name: 'clearFailedTransfer' });
    const transfer = call.transfer;
    if (transfer) state.apply({ type: 'transferCleared', tenantId, callId, by: transfer.by });
    if (call.redirect) state.apply({ type: 'redirectCleared', tenantId, callId });
    // The caller is gone: the consultation has nothing left to consult about.
    if (transfer) this.endConsultation(transfer.consultationCallId);
    if (call.consultationFor) this.consultationEnded(call);
  }

  /** A warm transfer that failed: the caller is back with the agent; the failure shows briefly. */
  private consultationEnded(consultation: LiveCall): void {
    const original = this.state.read.call(consultation.consultationFor!);
    const transfer = original?.transfer;
    if (!original || original.phase === 'ended' || !transfer) return;
    if (transfer.consultationCallId !== consultation.id) return;
    this.state.apply({ type: 'transferFailed', tenantId: original.tenantId, callId: original.id });
    this.resumeCaller(original);
    this.state.setDeadline(
      { kind: 'call', callId: original.id, name: 'clearFailedTransfer' },
      this.timings.endedCallLingerMs,
    );
  }

  private dropLater(call: LiveCall): void {
    this.state.setDeadline(
      { kind: 'call', callId: call.id, name: 'drop' },
      this.timings.endedCallLingerMs,
    );
  }

  /** Forgets an ended call after the linger; a lost caller tab keeps it until it is back. */
  private drop(callId: string): void {
    const { state } = this;
    const call = state.read.call(callId);
    if (!call) return;
    const callerSession = call.callerSessionId
      ? state.read.session(call.callerSessionId)
      : undefined;
    if (callerSession?.detached) return this.dropLater(call);
    // Legs still listed belong to lost tabs waiting to come back: the call leaves their lists too.
    for (const leg of call.legs) {
      if (!leg.listed) continue;
      state.clearDeadline({ kind: 'leg', callId, legId: leg.id });
      state.apply({
        type: 'legDropped',
        tenantId: call.tenantId,
        callId,
        legId: leg.id,
        sessionId: leg.sessionId,
      });
    }
    state.apply({ type: 'callDropped', tenantId: call.tenantId, callId });
  }
}

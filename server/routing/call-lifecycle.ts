/**
 * What agents and callers do to a call once it exists: accept (first one wins), reject, hang
 * up, cancel, and how a call ends. Every method decides synchronously, so in one process two
 * accepts can never both see the call ringing.
 */
import type { EndReason } from '../../protocol/session-protocol.ts';
import { AppError } from '../shared/errors.ts';
import type { AgentState, LegOutcome, LiveCall, LiveLeg, LiveSession } from './live-state.ts';
import { callRow, legRows } from './call-views.ts';
import {
  setRoutingTimer,
  timerNames,
  type CallEvents,
  type RoutingContext,
} from './routing-context.ts';

/** What a leg still ringing when the call ends is recorded as. */
const ringingOutcome: Partial<Record<EndReason, LegOutcome>> = {
  caller_cancelled: 'caller_cancelled',
  no_answer: 'missed',
  failed: 'failed',
  hangup: 'caller_cancelled',
};

export class CallLifecycle {
  constructor(private readonly context: RoutingContext) {}

  accept(session: LiveSession, callId: string): void {
    const { store, pushes, offers, scheduler } = this.context;
    const { call, leg } = this.inboundLeg(session, callId);
    if (leg.status !== 'ringing') throw new AppError('wrong-state', notRingingMessage(call, leg));
    const agent = this.agentOf(session);
    if (!store.claimAnswer(call.id, session.id))
      throw new AppError('wrong-state', `call ${call.id} was already answered`);

    const now = scheduler.now();
    const winner = { id: agent.userId, name: agent.name };
    // Answered before (a transfer, a ring-back, a return to the queue): its room exists already.
    const handedOver = call.answeredAt !== null;
    leg.status = 'connected';
    leg.answeredAt = now;
    leg.answeredBy = winner;
    leg.outcome = 'answered';
    pushes.incomingChanged(session.id);
    call.phase = 'connected';
    // The first answer is kept: the records' queue wait and talk time are the caller's.
    call.answeredAt ??= now;
    call.answeredBy = { ...winner, sessionId: session.id };
    this.context.transfers.answered(call);
    this.stopWaiting(call);
    // Every other tab, the winner's own included, stops ringing in this same push.
    for (const other of call.legs.values()) {
      if (other !== leg && other.status === 'ringing')
        offers.endLeg(call, other, 'answered_elsewhere', 'answered_elsewhere', winner);
    }
    pushes.outgoingChanged(call);
    this.context.records.callAnswered(callRow(call));
    for (const participant of this.participants(call)) {
      participant.activeCallIds.add(call.id);
      this.context.presence.refresh(participant);
    }
    if (handedOver)
      this.tellObserver('callTransferred', call, null, {
        userId: agent.userId,
        sessionId: session.id,
        name: agent.name,
      });
    else this.tellObserver('callAnswered', call);
  }

  reject(session: LiveSession, callId: string): void {
    const { call, leg } = this.inboundLeg(session, callId);
    if (leg.status !== 'ringing') throw new AppError('wrong-state', notRingingMessage(call, leg));
    this.context.offers.endLeg(call, leg, 'rejected', 'rejected');
    this.context.offers.settleAttempt(call);
  }

  /** Hang-up from a tab: the caller ends or cancels its call; an agent ends its call or declines a ringing one. */
  hangup(session: LiveSession, callId: string): void {
    const dialed = session.outboundCallIds.has(callId)
      ? this.context.store.call(callId)
      : undefined;
    if (dialed) return this.hangupAsCaller(dialed);
    const { call, leg } = this.inboundLeg(session, callId);
    if (leg.status === 'ringing') return this.reject(session, callId);
    if (leg.status !== 'connected')
      throw new AppError('wrong-state', `call ${call.id} has already ended`);
    this.endCall(call, 'hangup');
  }

  /** The caller (a dialing tab or the HTTP API) hangs up: cancel while ringing, hang up once answered. */
  hangupAsCaller(call: LiveCall): void {
    if (call.phase === 'ended')
      throw new AppError('wrong-state', `call ${call.id} has already ended`);
    this.endCall(call, call.phase === 'connected' ? 'hangup' : 'caller_cancelled');
  }

  /** Ends the call for everyone: ringing legs, the answering agent and the caller. */
  endCall(call: LiveCall, reason: EndReason): void {
    if (call.phase === 'ended') return;
    // A call between agents (on hold in a transfer, or back in the queue) still keeps its caller busy.
    const wasConnected = call.answeredAt !== null;
    call.phase = 'ended';
    call.endReason = reason;
    call.endedAt = this.context.scheduler.now();
    this.stopWaiting(call);
    this.context.transfers.callEnded(call);
    for (const leg of call.legs.values()) {
      if (leg.status === 'ringing')
        this.context.offers.endLeg(call, leg, reason, ringingOutcome[reason] ?? 'caller_cancelled');
      else if (leg.status === 'connected')
        this.context.offers.endLeg(call, leg, reason, 'answered');
    }
    this.context.pushes.outgoingChanged(call);
    this.context.records.callEnded(callRow(call), legRows(call));
    if (wasConnected) {
      for (const participant of this.participants(call)) {
        participant.activeCallIds.delete(call.id);
        this.context.presence.refresh(participant);
      }
    }
    this.tellObserver('callEnded', call);
    // Kept a little longer so its caller and the HTTP API can still read how it ended.
    this.dropLater(call);
  }

  /** Forgets an ended call after the linger; a lost caller tab keeps it until it is back. */
  private dropLater(call: LiveCall): void {
    setRoutingTimer(
      this.context,
      timerNames.drop(call.id),
      this.context.config.endedCallLingerMs,
      () => {
        const callerSession = call.callerSessionId
          ? this.context.store.session(call.callerSessionId)
          : undefined;
        if (callerSession?.detached) return this.dropLater(call);
        this.context.store.deleteCall(call.id);
        callerSession?.outboundCallIds.delete(call.id);
      },
    );
  }

  /**
   * The leg behind a callId a tab sent. A call of another tenant, or one never offered to this
   * tab, is reported exactly like an id that does not exist.
   */
  private inboundLeg(session: LiveSession, callId: string): { call: LiveCall; leg: LiveLeg } {
    const call = this.context.store.call(callId);
    const leg = call && call.tenantId === session.tenantId ? call.legs.get(session.id) : undefined;
    if (!call || !leg)
      throw new AppError('not-found', `call ${callId} is not in this session's list`);
    return { call, leg };
  }

  private agentOf(session: LiveSession): AgentState {
    const agent = this.context.store.agent(session.tenantId, session.userId);
    if (!agent) throw new AppError('wrong-state', 'this session is no longer registered');
    return agent;
  }

  /** The users a connected call keeps busy: the answering agent and, for a dialed call, the caller. */
  private participants(call: LiveCall): AgentState[] {
    const userIds = new Set<string>();
    if (call.answeredBy) userIds.add(call.answeredBy.id);
    if (call.callerSessionId && call.fromUserId) userIds.add(call.fromUserId);
    const agents: AgentState[] = [];
    for (const userId of userIds) {
      const agent = this.context.store.agent(call.tenantId, userId);
      if (agent) agents.push(agent);
    }
    return agents;
  }

  /** Media and other observers must never break or undo a routing decision. */
  tellObserver<Event extends keyof CallEvents>(
    event: Event,
    ...args: Parameters<NonNullable<CallEvents[Event]>>
  ): void {
    const [call] = args;
    try {
      (this.context.callEvents?.[event] as ((...values: typeof args) => void) | undefined)?.call(
        this.context.callEvents,
        ...args,
      );
    } catch (error) {
      this.context.log.error({ err: error, callId: call.id }, `${event} observer failed`);
    }
  }

  private stopWaiting(call: LiveCall): void {
    this.context.timers.clear(timerNames.attempt(call.id));
    this.context.timers.clear(timerNames.retry(call.id));
    this.context.timers.clear(timerNames.deadline(call.id));
    this.context.queue.remove(call);
  }
}

function notRingingMessage(call: LiveCall, leg: LiveLeg): string {
  if (leg.endReason === 'answered_elsewhere' && leg.answeredBy)
    return `call ${call.id} was answered by ${leg.answeredBy.name}`;
  if (leg.status === 'connected') return `call ${call.id} is already connected`;
  return `call ${call.id} is not ringing (it ended: ${leg.endReason ?? leg.status})`;
}

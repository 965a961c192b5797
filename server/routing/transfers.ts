/**
 * How a live call changes hands without ending: blind and warm transfers. The caller keeps the
 * same call (and the same media room) throughout; while no agent is on it the caller is on
 * hold. Where an unanswered transfer falls back (ring-back, the queue): redirect-fallback.ts.
 */
import type { TransferMode } from '../../protocol/session-protocol.ts';
import { privateAddress } from '../directory/directory.ts';
import { AppError } from '../shared/errors.ts';
import {
  listedLeg,
  type AgentState,
  type CallTarget,
  type LiveCall,
  type LiveLeg,
  type LiveSession,
  type LiveTransfer,
} from './state/live-state.ts';
import type { RoutingState } from './state/routing-state.ts';
import type { Answering } from './answering.ts';
import type { CallEnding } from './call-ending.ts';
import type { Dialing, ResolvedTarget } from './dialing.ts';
import { agentCallOf } from './hold.ts';
import type { PresenceTracker } from './presence.ts';
import type { RedirectFallback } from './redirect-fallback.ts';
import type { Ringing } from './ringing.ts';

/** Skills only when some are required: an empty set requires nothing. */
const skillsField = (skills: Record<string, number> | undefined) =>
  skills && Object.keys(skills).length > 0 ? { requiredSkills: { ...skills } } : {};

export interface TransferManagers {
  ringing: Ringing;
  answering: Answering;
  ending: CallEnding;
  fallback: RedirectFallback;
  dialing: Dialing;
  presence: PresenceTracker;
}

export class Transfers {
  constructor(
    private readonly state: RoutingState,
    private readonly managers: TransferManagers,
    private readonly privateRingTimeoutMs: number,
  ) {}

  // ------------------------------------------------------------------ agent commands

  /** Checks a transfer may start, before its address is looked up (refusals change nothing). */
  checkTransfer(session: LiveSession, callId: string): LiveCall {
    const call = agentCallOf(this.state.read, session, callId, 'transfer');
    if (call.transfer && call.transfer.status !== 'failed')
      throw new AppError('wrong-state', `a transfer of call ${call.id} is already in progress`);
    if (call.consultationFor)
      throw new AppError(
        'wrong-state',
        `call ${call.id} is a consultation and cannot be transferred`,
      );
    return call;
  }

  transfer(
    session: LiveSession,
    callId: string,
    mode: TransferMode,
    resolved: ResolvedTarget,
    { requiredSkills }: { requiredSkills?: Record<string, number> } = {},
  ): void {
    const { state } = this;
    const call = this.checkTransfer(session, callId);
    const agent = this.agentOf(session);
    if (resolved.target.kind === 'user' && resolved.target.userId === agent.userId)
      throw new AppError('bad-request', `cannot transfer call ${call.id} to yourself`);
    if (resolved.closed)
      throw new AppError('conflict', `${resolved.to.address} is closed (business hours)`);
    // A phone number is handed over by server/sip: blind through the phone's network (REFER),
    // warm as a consultation call to the number, bridged to the caller on completion.
    if (resolved.target.kind === 'phone' && mode === 'blind')
      throw new AppError(
        'bad-request',
        'a blind transfer to a phone number goes through server/sip',
      );
    state.clearDeadline({ kind: 'call', callId: call.id, name: 'clearFailedTransfer' });
    const transfer: LiveTransfer = {
      mode,
      to: resolved.to,
      destination: {
        target: resolved.target,
        ringTimeoutMs: this.ringTimeoutOf(resolved.target),
        ...skillsField(requiredSkills),
      },
      status: 'ringing',
      by: { id: agent.userId, name: agent.name, sessionId: session.id },
      consultationCallId: null,
    };
    state.apply({ type: 'transferStarted', tenantId: call.tenantId, callId: call.id, transfer });
    if (mode === 'blind') this.handToDestination(call);
    else this.consult(call, agent, resolved);
  }

  complete(session: LiveSession, callId: string): void {
    const call = agentCallOf(this.state.read, session, callId, 'complete a transfer of');
    const transfer = this.warmTransferOf(call);
    if (transfer.status !== 'consulting')
      throw new AppError(
        'wrong-state',
        `${transfer.to.name} has not answered the consultation yet`,
      );
    this.completeWarm(call, transfer);
  }

  cancel(session: LiveSession, callId: string): void {
    const call = agentCallOf(this.state.read, session, callId, 'cancel a transfer of');
    const transfer = this.warmTransferOf(call);
    this.state.apply({
      type: 'transferCancelled',
      tenantId: call.tenantId,
      callId: call.id,
      by: transfer.by,
    });
    this.managers.ending.resumeCaller(call);
    this.managers.ending.endConsultation(transfer.consultationCallId, {
      kind: 'agent',
      userId: transfer.by.id,
    });
  }

  /**
   * The transferring agent's tab went away during a warm transfer. A consultation already
   * talking completes (the destination takes the caller); one still ringing turns into a blind
   * transfer to the same destination. Either way the caller is not dropped with the tab.
   */
  sessionGone(session: LiveSession): void {
    for (const callId of [...session.inboundCallIds]) {
      const call = this.state.read.call(callId);
      const transfer = call?.transfer;
      if (!call || call.phase === 'ended' || !transfer) continue;
      if (transfer.by.sessionId !== session.id || transfer.status === 'failed') continue;
      // A blind transfer left the agent's tab behind already: it rings on without it.
      if (transfer.mode === 'blind') continue;
      // A number cannot take the caller without the agent (server/sip bridges on its command):
      // the consultation is hung up and the caller stays with the call as after a cancel.
      if (transfer.destination.target.kind === 'phone') {
        this.state.apply({
          type: 'transferCancelled',
          tenantId: call.tenantId,
          callId: call.id,
          by: transfer.by,
        });
        this.managers.ending.resumeCaller(call);
        this.managers.ending.endConsultation(transfer.consultationCallId);
        continue;
      }
      if (transfer.status === 'consulting') {
        this.completeWarm(call, transfer);
        continue;
      }
      const { consultationCallId } = transfer;
      // Forgotten first, so ending the consultation does not fail this transfer.
      this.state.apply({ type: 'transferTurnedBlind', tenantId: call.tenantId, callId: call.id });
      this.managers.ending.endConsultation(consultationCallId);
      this.handToDestination(call);
    }
  }

  // ------------------------------------------------------------------ internals

  /** Blind: the agent leaves at once and the destination rings with the caller on hold. */
  private handToDestination(call: LiveCall): void {
    const { state, managers } = this;
    const transfer = call.transfer!;
    const { by } = transfer;
    const leg = listedLeg(call, by.sessionId);
    if (leg?.status === 'connected')
      managers.ringing.endLeg(call, leg, 'transferred', 'transferred');
    if (call.heldAt === null)
      state.apply({ type: 'held', tenantId: call.tenantId, callId: call.id, by: 'transfer' });
    state.apply({ type: 'handedOff', tenantId: call.tenantId, callId: call.id, from: by });
    this.freeAgent(call, by.id);
    const ringing = managers.ringing.redirect(call, {
      kind: 'transfer',
      target: transfer.destination.target,
      ringTimeoutMs: transfer.destination.ringTimeoutMs,
      transferredBy: { id: by.id, name: by.name },
      excludedUserId: by.id,
      ...skillsField(transfer.destination.requiredSkills),
    });
    if (!ringing) managers.fallback.ringBack(call);
  }

  /** Warm: the caller holds while the agent dials the destination from the same tab. */
  private consult(call: LiveCall, agent: AgentState, resolved: ResolvedTarget): void {
    const { state, managers } = this;
    const transfer = call.transfer!;
    if (call.heldAt === null)
      state.apply({ type: 'held', tenantId: call.tenantId, callId: call.id, by: 'transfer' });
    const consultation = managers.dialing.create(
      {
        tenantId: call.tenantId,
        origin: 'session',
        from: { name: agent.name, address: privateAddress(agent.username) },
        fromUserId: agent.userId,
        callerSessionId: transfer.by.sessionId,
        // The destination sees what the caller dialed with, as it will once it takes the call.
        params: { ...call.params },
        consultationFor: call.id,
        consultationAbout: call.from,
        requiredSkills: transfer.destination.requiredSkills,
      },
      {
        ...resolved,
        // A phone rings for LiveKit SIP's own ringing timeout; the call's backstop is longer.
        maxWaitMs:
          resolved.target.kind === 'phone'
            ? resolved.maxWaitMs
            : transfer.destination.ringTimeoutMs,
      },
    );
    state.apply({
      type: 'transferConsultationDialed',
      tenantId: call.tenantId,
      callId: call.id,
      consultationCallId: consultation.id,
    });
    // Nobody could ring: the transfer fails at once rather than holding the caller for nothing.
    // (A phone waits for LiveKit SIP's answer, server/sip's PhoneDialer, without ringing anyone.)
    if (consultation.phase === 'waiting' && consultation.target.kind !== 'phone')
      managers.ending.endCall(consultation, 'no_answer');
  }

  /**
   * The warm transfer of this tab's call to a phone number that is consulting now, if any: its
   * completion is server/sip's (the caller's and the number's rooms are bridged there).
   */
  phoneConsultationOf(
    session: LiveSession,
    callId: string,
  ): { call: LiveCall; consultation: LiveCall } | undefined {
    const call = this.state.read.call(callId);
    const transfer = call?.transfer;
    if (!call || call.tenantId !== session.tenantId || !transfer) return undefined;
    if (transfer.mode !== 'warm' || transfer.destination.target.kind !== 'phone') return undefined;
    agentCallOf(this.state.read, session, callId, 'complete a transfer of');
    const consultation = transfer.consultationCallId
      ? this.state.read.call(transfer.consultationCallId)
      : undefined;
    return consultation ? { call, consultation } : undefined;
  }

  /**
   * A warm transfer to a phone number completes: server/sip has bridged the caller's room to the
   * number's, so both calls end here `transferred` (their rooms are no longer call media's). The
   * agent is free.
   */
  completeToPhone(session: LiveSession, callId: string): void {
    const { state, managers } = this;
    const call = agentCallOf(state.read, session, callId, 'complete a transfer of');
    const transfer = this.warmTransferOf(call);
    if (transfer.status !== 'consulting')
      throw new AppError(
        'wrong-state',
        `${transfer.to.name} has not answered the consultation yet`,
      );
    const consultation = transfer.consultationCallId
      ? state.read.call(transfer.consultationCallId)
      : undefined;
    // Cleared first, so ending the consultation does not fail the transfer and resume the caller.
    state.apply({
      type: 'transferCleared',
      tenantId: call.tenantId,
      callId: call.id,
      by: transfer.by,
    });
    if (consultation && consultation.phase !== 'ended')
      managers.ending.endCall(consultation, 'transferred');
    managers.ending.endCall(call, 'transferred');
  }

  /** The destination, talking to the agent in the consultation, takes the caller. */
  private completeWarm(call: LiveCall, transfer: LiveTransfer): void {
    const { state, managers } = this;
    const { read } = state;
    const consultation = transfer.consultationCallId
      ? read.call(transfer.consultationCallId)
      : undefined;
    const destination = consultation?.answeredBy;
    const destinationSession = destination && read.session(destination.sessionId);
    if (!consultation || !destination || !destinationSession)
      throw new AppError('wrong-state', `the consultation of call ${call.id} is not connected`);
    if (!read.agent(call.tenantId, destination.id))
      throw new AppError('wrong-state', `the consultation of call ${call.id} is not connected`);

    const now = state.now();
    const by = { id: transfer.by.id, name: transfer.by.name };
    const previous = listedLeg(call, destination.sessionId);
    if (previous) state.clearDeadline({ kind: 'leg', callId: call.id, legId: previous.id });
    const joined: LiveLeg = {
      id: `${call.id}.${call.legs.length + 1}`,
      callId: call.id,
      sessionId: destination.sessionId,
      userId: destination.id,
      attempt: call.attempt,
      status: 'connected',
      endReason: null,
      answeredBy: { id: destination.id, name: destination.name },
      outcome: 'answered',
      transferredBy: by,
      ringingAt: now,
      answeredAt: now,
      endedAt: null,
      listed: true,
      lingerDeadline: null,
    };
    // The destination joins before the agent leaves, so the caller is never alone on the call.
    state.apply({ type: 'legJoined', tenantId: call.tenantId, leg: joined });
    const agentLeg = listedLeg(call, transfer.by.sessionId);
    if (agentLeg?.status === 'connected')
      managers.ringing.endLeg(call, agentLeg, 'transferred', 'transferred');
    state.apply({ type: 'handedOff', tenantId: call.tenantId, callId: call.id, from: transfer.by });
    state.apply({
      type: 'transferCompleted',
      tenantId: call.tenantId,
      callId: call.id,
      by: transfer.by,
      to: { ...destination },
    });
    managers.answering.connect(call, listedLeg(call, destination.sessionId)!, { ...destination });
    // The consultation is over because its caller, the transferring agent, handed the call on.
    managers.ending.endCall(consultation, 'transferred', { kind: 'agent', userId: transfer.by.id });
    this.freeAgent(call, transfer.by.id);
  }

  private freeAgent(call: LiveCall, userId: string): void {
    const agent = this.state.read.agent(call.tenantId, userId);
    if (!agent) return;
    if (agent.activeCallIds.includes(call.id))
      this.state.apply({ type: 'agentLeftCall', tenantId: call.tenantId, userId, callId: call.id });
    this.managers.presence.refresh(agent);
  }

  private warmTransferOf(call: LiveCall): LiveTransfer {
    const transfer = call.transfer;
    if (!transfer || transfer.mode !== 'warm' || transfer.status === 'failed')
      throw new AppError('wrong-state', `no warm transfer of call ${call.id} is in progress`);
    return transfer;
  }

  private agentOf(session: LiveSession): AgentState {
    const agent = this.state.read.agent(session.tenantId, session.userId);
    if (!agent) throw new AppError('wrong-state', 'this session is no longer registered');
    return agent;
  }

  /** A group rings for its own ring timeout; a person for the configured one. */
  private ringTimeoutOf(target: CallTarget): number {
    return target.kind === 'group' ? target.ringTimeoutMs : this.privateRingTimeoutMs;
  }
}

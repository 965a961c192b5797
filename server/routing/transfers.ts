/**
 * How a live call changes hands without ending: blind and warm transfers, the ring-back when
 * nobody took a transfer, the return to the front of the queue, and where every redirect
 * (assignments.ts included) falls back to. The caller keeps the same call (and the same media
 * room) throughout; while no agent is on it the caller is on hold.
 *
 * A transfer never strands the caller: destination unanswered → ring the transferring agent
 * again → the front of the call's group queue → (a call without a group) `no_answer`.
 */
import type { AgentRef, TransferMode } from '../../protocol/session-protocol.ts';
import { privateAddress } from '../directory/directory.ts';
import { AppError } from '../shared/errors.ts';
import { callRow } from './call-views.ts';
import { agentCallOf } from './hold.ts';
import type { Dialing, ResolvedTarget } from './dialing.ts';
import {
  isGroupCall,
  type AgentState,
  type CallTarget,
  type LiveCall,
  type LiveLeg,
  type LiveSession,
  type LiveTransfer,
} from './live-state.ts';
import {
  setRoutingTimer,
  timerNames,
  type MediaAgent,
  type RoutingContext,
} from './routing-context.ts';

/** Who a leg rung now should say transferred the call. */
export function transferredByOf(call: LiveCall): AgentRef | null {
  if (call.redirect) return call.redirect.transferredBy;
  if (call.consultationFor && call.fromUserId) return { id: call.fromUserId, name: call.from.name };
  return null;
}

const mediaAgent = (agent: AgentRef & { sessionId: string }): MediaAgent => ({
  userId: agent.id,
  sessionId: agent.sessionId,
  name: agent.name,
});

export class Transfers {
  constructor(
    private readonly context: RoutingContext,
    private readonly dialing: Dialing,
  ) {}

  // ------------------------------------------------------------------ agent commands

  /** Checks a transfer may start, before its address is looked up (refusals change nothing). */
  checkTransfer(session: LiveSession, callId: string): LiveCall {
    const call = agentCallOf(this.context, session, callId, 'transfer');
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
  ): void {
    const call = this.checkTransfer(session, callId);
    const agent = this.agentOf(session);
    if (resolved.target.kind === 'user' && resolved.target.userId === agent.userId)
      throw new AppError('bad-request', `cannot transfer call ${call.id} to yourself`);
    this.context.timers.clear(timerNames.transferFailed(call.id));
    const transfer: LiveTransfer = {
      mode,
      to: resolved.to,
      destination: { target: resolved.target, ringTimeoutMs: this.ringTimeoutOf(resolved.target) },
      status: 'ringing',
      by: { id: agent.userId, name: agent.name, sessionId: session.id },
      consultationCallId: null,
    };
    call.transfer = transfer;
    if (mode === 'blind') this.handToDestination(call, transfer);
    else this.consult(call, transfer, agent, resolved);
  }

  complete(session: LiveSession, callId: string): void {
    const call = agentCallOf(this.context, session, callId, 'complete a transfer of');
    const transfer = this.warmTransferOf(call);
    if (transfer.status !== 'consulting')
      throw new AppError(
        'wrong-state',
        `${transfer.to.name} has not answered the consultation yet`,
      );
    this.completeWarm(call, transfer);
  }

  cancel(session: LiveSession, callId: string): void {
    const call = agentCallOf(this.context, session, callId, 'cancel a transfer of');
    const transfer = this.warmTransferOf(call);
    call.transfer = null;
    this.resumeCaller(call, transfer);
    this.endConsultation(transfer);
  }

  // ------------------------------------------------------------------ routing hooks

  /** Called by every accept: whatever was handing the call on is over. */
  answered(call: LiveCall): void {
    call.redirect = null;
    call.transfer = null;
    call.heldAt = null;
    call.requeued = false;
    this.context.timers.clear(timerNames.transferFailed(call.id));
    if (call.consultationFor) {
      const original = this.context.store.call(call.consultationFor);
      const transfer = original?.transfer;
      if (transfer?.consultationCallId === call.id && transfer.status === 'ringing') {
        transfer.status = 'consulting';
        this.context.pushes.incomingChanged(transfer.by.sessionId);
      }
    }
  }

  /** The redirect's attempt has no ringing leg left (declined, timed out, withdrawn). */
  redirectFailed(call: LiveCall): void {
    const redirect = call.redirect;
    call.redirect = null;
    if (redirect?.kind === 'transfer') return this.ringBack(call);
    if (redirect?.kind === 'ring-back') return this.returnToQueue(call);
    call.phase = 'waiting';
    this.context.pushes.outgoingChanged(call);
    this.context.offers.offer(call);
  }

  /** Called by every call end, before observers hear of it. */
  callEnded(call: LiveCall): void {
    this.context.timers.clear(timerNames.transferFailed(call.id));
    const transfer = call.transfer;
    call.transfer = null;
    call.redirect = null;
    // The caller is gone: the consultation has nothing left to consult about.
    if (transfer) this.endConsultation(transfer);
    if (call.consultationFor) this.consultationEnded(call);
  }

  /**
   * The transferring agent's tab went away during a warm transfer. A consultation already
   * talking completes (the destination takes the caller); one still ringing turns into a blind
   * transfer to the same destination. Either way the caller is not dropped with the tab.
   */
  sessionGone(session: LiveSession): void {
    for (const callId of [...session.inboundCallIds]) {
      const call = this.context.store.call(callId);
      const transfer = call?.transfer;
      if (!call || call.phase === 'ended' || !transfer) continue;
      if (transfer.by.sessionId !== session.id || transfer.status === 'failed') continue;
      if (transfer.status === 'consulting') {
        this.completeWarm(call, transfer);
        continue;
      }
      const consultationCallId = transfer.consultationCallId;
      transfer.mode = 'blind';
      transfer.consultationCallId = null;
      this.endConsultation({ ...transfer, consultationCallId });
      this.handToDestination(call, transfer);
    }
  }

  // ------------------------------------------------------------------ internals

  /** Blind: the agent leaves at once and the destination rings with the caller on hold. */
  private handToDestination(call: LiveCall, transfer: LiveTransfer): void {
    const { by } = transfer;
    const leg = call.legs.get(by.sessionId);
    if (leg?.status === 'connected')
      this.context.offers.endLeg(call, leg, 'transferred', 'transferred');
    call.heldAt ??= this.context.scheduler.now();
    call.answeredBy = null;
    this.context.store.releaseAnswer(call.id);
    this.freeAgent(call, by.id);
    this.context.lifecycle.tellObserver('callTransferred', call, mediaAgent(by), null);
    const ringing = this.context.offers.redirect(call, {
      kind: 'transfer',
      target: transfer.destination.target,
      ringTimeoutMs: transfer.destination.ringTimeoutMs,
      transferredBy: { id: by.id, name: by.name },
      excludedUserId: by.id,
    });
    if (!ringing) this.ringBack(call);
  }

  /** Warm: the caller holds while the agent dials the destination from the same tab. */
  private consult(
    call: LiveCall,
    transfer: LiveTransfer,
    agent: AgentState,
    resolved: ResolvedTarget,
  ): void {
    const { pushes, lifecycle, scheduler } = this.context;
    call.heldAt ??= scheduler.now();
    const consultation = this.dialing.create(
      {
        tenantId: call.tenantId,
        origin: 'session',
        from: { name: agent.name, address: privateAddress(agent.username) },
        fromUserId: agent.userId,
        callerSessionId: transfer.by.sessionId,
        // The destination sees what the caller dialed with, as it will once it takes the call.
        params: { ...call.params },
        consultationFor: call.id,
      },
      { ...resolved, maxWaitMs: transfer.destination.ringTimeoutMs },
    );
    transfer.consultationCallId = consultation.id;
    pushes.incomingChanged(transfer.by.sessionId);
    pushes.outgoingChanged(call);
    // Nobody could ring: the transfer fails at once rather than holding the caller for nothing.
    if (consultation.phase === 'waiting') lifecycle.endCall(consultation, 'no_answer');
  }

  private completeWarm(call: LiveCall, transfer: LiveTransfer): void {
    const { store, pushes, offers, timers, records, lifecycle, presence, scheduler } = this.context;
    const consultation = transfer.consultationCallId
      ? store.call(transfer.consultationCallId)
      : undefined;
    const destination = consultation?.answeredBy;
    const destinationSession = destination && store.session(destination.sessionId);
    const destinationAgent = destination && store.agent(call.tenantId, destination.id);
    if (!consultation || !destination || !destinationSession || !destinationAgent)
      throw new AppError('wrong-state', `the consultation of call ${call.id} is not connected`);

    // The destination joins before anyone leaves, so it never looks free in between.
    const now = scheduler.now();
    const by = { id: transfer.by.id, name: transfer.by.name };
    const joined: LiveLeg = {
      id: `${call.id}.${call.legHistory.length + 1}`,
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
    };
    const previous = call.legs.get(destination.sessionId);
    if (previous) timers.clear(timerNames.linger(previous.id));
    call.legs.set(destination.sessionId, joined);
    call.legHistory.push(joined);
    destinationSession.inboundCallIds.add(call.id);
    pushes.incomingChanged(destination.sessionId);
    destinationAgent.activeCallIds.add(call.id);
    presence.refresh(destinationAgent);

    const agentLeg = call.legs.get(transfer.by.sessionId);
    if (agentLeg?.status === 'connected')
      offers.endLeg(call, agentLeg, 'transferred', 'transferred');
    store.releaseAnswer(call.id);
    store.claimAnswer(call.id, destination.sessionId);
    call.answeredBy = { ...destination };
    call.transfer = null;
    call.heldAt = null;
    pushes.outgoingChanged(call);
    records.callAnswered(callRow(call));
    lifecycle.endCall(consultation, 'transferred');
    this.freeAgent(call, transfer.by.id);
    lifecycle.tellObserver(
      'callTransferred',
      call,
      mediaAgent(transfer.by),
      mediaAgent(destination),
    );
  }

  /** Nobody took the blind transfer: the agent who made it rings again, if available. */
  private ringBack(call: LiveCall): void {
    const transfer = call.transfer;
    if (!transfer) return this.returnToQueue(call);
    transfer.status = 'failed';
    const ringing = this.context.offers.redirect(call, {
      kind: 'ring-back',
      target: { kind: 'user', userId: transfer.by.id },
      ringTimeoutMs: this.privateRingTimeoutMs,
      transferredBy: null,
      excludedUserId: null,
    });
    if (!ringing) this.returnToQueue(call);
  }

  /** The last resort: a group call waits at the front of its queue; any other call ends. */
  private returnToQueue(call: LiveCall): void {
    const { queue, pushes, offers, lifecycle } = this.context;
    call.transfer = null;
    call.redirect = null;
    if (!isGroupCall(call)) return lifecycle.endCall(call, 'no_answer');
    call.phase = 'waiting';
    call.requeued = true;
    queue.add(call);
    setRoutingTimer(this.context, timerNames.deadline(call.id), call.maxWaitMs, () =>
      lifecycle.endCall(call, 'no_answer'),
    );
    pushes.outgoingChanged(call);
    offers.offer(call);
  }

  /** A warm transfer that failed: the caller is back with the agent; the failure shows briefly. */
  private consultationEnded(consultation: LiveCall): void {
    const original = this.context.store.call(consultation.consultationFor!);
    const transfer = original?.transfer;
    if (!original || original.phase === 'ended' || !transfer) return;
    if (transfer.consultationCallId !== consultation.id) return;
    transfer.status = 'failed';
    this.resumeCaller(original, transfer);
    setRoutingTimer(
      this.context,
      timerNames.transferFailed(original.id),
      this.context.config.endedCallLingerMs,
      () => {
        if (original.transfer !== transfer) return;
        original.transfer = null;
        this.context.pushes.incomingChanged(transfer.by.sessionId);
      },
    );
  }

  private resumeCaller(call: LiveCall, transfer: LiveTransfer): void {
    call.heldAt = null;
    this.context.pushes.incomingChanged(transfer.by.sessionId);
    this.context.pushes.outgoingChanged(call);
  }

  private endConsultation(transfer: LiveTransfer): void {
    const consultation = transfer.consultationCallId
      ? this.context.store.call(transfer.consultationCallId)
      : undefined;
    if (!consultation || consultation.phase === 'ended') return;
    this.context.lifecycle.endCall(
      consultation,
      consultation.phase === 'connected' ? 'hangup' : 'caller_cancelled',
    );
  }

  private freeAgent(call: LiveCall, userId: string): void {
    const agent = this.context.store.agent(call.tenantId, userId);
    if (!agent) return;
    agent.activeCallIds.delete(call.id);
    this.context.presence.refresh(agent);
  }

  private warmTransferOf(call: LiveCall): LiveTransfer {
    const transfer = call.transfer;
    if (!transfer || transfer.mode !== 'warm' || transfer.status === 'failed')
      throw new AppError('wrong-state', `no warm transfer of call ${call.id} is in progress`);
    return transfer;
  }

  private agentOf(session: LiveSession): AgentState {
    const agent = this.context.store.agent(session.tenantId, session.userId);
    if (!agent) throw new AppError('wrong-state', 'this session is no longer registered');
    return agent;
  }

  /** A group rings for its own ring timeout; a person for the configured one. */
  private ringTimeoutOf(target: CallTarget): number {
    return target.kind === 'group' ? target.ringTimeoutMs : this.privateRingTimeoutMs;
  }

  private get privateRingTimeoutMs(): number {
    return this.context.config.ringTimeoutSeconds * 1000;
  }
}

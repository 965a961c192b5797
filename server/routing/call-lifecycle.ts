/**
 * What agents and callers do to a call once it exists: accept (first one wins), reject, hang up,
 * cancel. Every method decides synchronously, so in one process two accepts can never both see
 * the call ringing.
 */
import { AppError } from '../shared/errors.ts';
import {
  listedLeg,
  type AgentState,
  type LiveCall,
  type LiveLeg,
  type LiveSession,
} from './state/live-state.ts';
import type { RoutingState } from './state/routing-state.ts';
import type { Answering } from './answering.ts';
import type { Attempts } from './attempts.ts';
import type { CallEnder, CallEnding } from './call-ending.ts';
import type { Ringing } from './ringing.ts';

export class CallLifecycle {
  constructor(
    private readonly state: RoutingState,
    private readonly ringing: Ringing,
    private readonly answering: Answering,
    private readonly attempts: Attempts,
    private readonly ending: CallEnding,
  ) {}

  accept(session: LiveSession, callId: string): void {
    const { call, leg } = this.inboundLeg(session, callId);
    if (leg.status !== 'ringing') throw new AppError('wrong-state', notRingingMessage(call, leg));
    const agent = this.agentOf(session);
    if (call.answeredBy) throw new AppError('wrong-state', `call ${call.id} was already answered`);
    this.answering.connect(call, leg, {
      id: agent.userId,
      name: agent.name,
      sessionId: session.id,
    });
  }

  reject(session: LiveSession, callId: string): void {
    const { call, leg } = this.inboundLeg(session, callId);
    if (leg.status !== 'ringing') throw new AppError('wrong-state', notRingingMessage(call, leg));
    this.ringing.endLeg(call, leg, 'rejected', 'rejected');
    this.attempts.settleAttempt(call);
  }

  /** Hang-up from a tab: the caller ends or cancels its call; an agent ends its call or declines a ringing one. */
  hangup(session: LiveSession, callId: string): void {
    const dialed = session.outboundCallIds.includes(callId)
      ? this.state.read.call(callId)
      : undefined;
    if (dialed) return this.hangupAsCaller(dialed);
    const { call, leg } = this.inboundLeg(session, callId);
    if (leg.status === 'ringing') return this.reject(session, callId);
    if (leg.status !== 'connected')
      throw new AppError('wrong-state', `call ${call.id} has already ended`);
    this.ending.endCall(call, 'hangup', { kind: 'agent', userId: session.userId });
  }

  /**
   * The caller (a dialing tab or the HTTP API) hangs up: cancel while ringing, hang up once
   * answered. `by` a supervisor who ends the call through the HTTP API on the caller's behalf.
   */
  hangupAsCaller(call: LiveCall, by: CallEnder = { kind: 'caller' }): void {
    if (call.phase === 'ended')
      throw new AppError('wrong-state', `call ${call.id} has already ended`);
    this.ending.endCall(call, call.phase === 'connected' ? 'hangup' : 'caller_cancelled', by);
  }

  /**
   * The leg behind a callId a tab sent. A call of another tenant, or one never offered to this
   * tab, is reported exactly like an id that does not exist.
   */
  private inboundLeg(session: LiveSession, callId: string): { call: LiveCall; leg: LiveLeg } {
    const call = this.state.read.call(callId);
    const leg =
      call && call.tenantId === session.tenantId ? listedLeg(call, session.id) : undefined;
    if (!call || !leg)
      throw new AppError('not-found', `call ${callId} is not in this session's list`);
    return { call, leg };
  }

  private agentOf(session: LiveSession): AgentState {
    const agent = this.state.read.agent(session.tenantId, session.userId);
    if (!agent) throw new AppError('wrong-state', 'this session is no longer registered');
    return agent;
  }
}

function notRingingMessage(call: LiveCall, leg: LiveLeg): string {
  if (leg.endReason === 'answered_elsewhere' && leg.answeredBy)
    return `call ${call.id} was answered by ${leg.answeredBy.name}`;
  if (leg.status === 'connected') return `call ${call.id} is already connected`;
  return `call ${call.id} is not ringing (it ended: ${leg.endReason ?? leg.status})`;
}

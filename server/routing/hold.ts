/**
 * Hold and resume: the agent connected to a call puts its caller on hold (the caller's SDK plays
 * hold audio, the agent's mutes what it publishes) and back. A transfer holds the caller too,
 * through the same `heldAt`, so hold shows the same way whoever set it.
 */
import { AppError } from '../shared/errors.ts';
import type { LiveCall, LiveSession } from './live-state.ts';
import type { RoutingContext } from './routing-context.ts';

/**
 * The call this tab is the agent of, for commands only that agent may give. Another tenant's
 * call, or one this tab never saw, is reported like an unknown id.
 */
export function agentCallOf(
  context: RoutingContext,
  session: LiveSession,
  callId: string,
  action: string,
): LiveCall {
  const call = context.store.call(callId);
  const known =
    call &&
    call.tenantId === session.tenantId &&
    (call.legs.has(session.id) || session.outboundCallIds.has(callId));
  if (!call || !known)
    throw new AppError('not-found', `call ${callId} is not in this session's list`);
  if (call.phase === 'ended')
    throw new AppError('wrong-state', `call ${call.id} has already ended`);
  const leg = call.legs.get(session.id);
  if (leg?.status !== 'connected' || call.answeredBy?.sessionId !== session.id)
    throw new AppError(
      'wrong-state',
      `cannot ${action} call ${call.id}: only the agent connected to it in this tab can`,
    );
  return call;
}

export class CallHold {
  constructor(private readonly context: RoutingContext) {}

  hold(session: LiveSession, callId: string): void {
    const call = agentCallOf(this.context, session, callId, 'hold');
    if (call.heldAt !== null)
      throw new AppError('wrong-state', `call ${call.id} is already on hold`);
    call.heldAt = this.context.scheduler.now();
    this.context.pushes.incomingChanged(session.id);
    this.context.pushes.outgoingChanged(call);
  }

  resume(session: LiveSession, callId: string): void {
    const call = agentCallOf(this.context, session, callId, 'resume');
    if (call.transfer && call.transfer.status !== 'failed')
      throw new AppError(
        'wrong-state',
        `call ${call.id} is held for a transfer: complete or cancel the transfer`,
      );
    if (call.heldAt === null) throw new AppError('wrong-state', `call ${call.id} is not on hold`);
    call.heldAt = null;
    this.context.pushes.incomingChanged(session.id);
    this.context.pushes.outgoingChanged(call);
  }
}

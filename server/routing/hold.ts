/**
 * Hold and resume: the agent connected to a call puts its caller on hold (the caller's SDK plays
 * hold audio, the agent's mutes what it publishes) and back. A transfer holds the caller too,
 * through the same `heldAt`, so hold shows the same way whoever set it.
 */
import { AppError } from '../shared/errors.ts';
import { listedLeg, type LiveCall, type LiveSession } from './state/live-state.ts';
import type { LiveStoreReader } from './state/live-store.ts';
import type { RoutingState } from './state/routing-state.ts';

/**
 * The call this tab is the agent of, for commands only that agent may give. Another tenant's
 * call, or one this tab never saw, is reported like an unknown id.
 */
export function agentCallOf(
  read: LiveStoreReader,
  session: LiveSession,
  callId: string,
  action: string,
): LiveCall {
  const call = read.call(callId);
  const leg = call && call.tenantId === session.tenantId ? listedLeg(call, session.id) : undefined;
  const known = call && (leg || session.outboundCallIds.includes(callId));
  if (!call || !known || call.tenantId !== session.tenantId)
    throw new AppError('not-found', `call ${callId} is not in this session's list`);
  if (call.phase === 'ended')
    throw new AppError('wrong-state', `call ${call.id} has already ended`);
  if (leg?.status !== 'connected' || call.answeredBy?.sessionId !== session.id)
    throw new AppError(
      'wrong-state',
      `cannot ${action} call ${call.id}: only the agent connected to it in this tab can`,
    );
  return call;
}

export class CallHold {
  constructor(private readonly state: RoutingState) {}

  hold(session: LiveSession, callId: string): void {
    const call = agentCallOf(this.state.read, session, callId, 'hold');
    if (call.heldAt !== null)
      throw new AppError('wrong-state', `call ${call.id} is already on hold`);
    this.state.apply({ type: 'held', tenantId: call.tenantId, callId: call.id, by: 'agent' });
  }

  resume(session: LiveSession, callId: string): void {
    const call = agentCallOf(this.state.read, session, callId, 'resume');
    if (call.transfer && call.transfer.status !== 'failed')
      throw new AppError(
        'wrong-state',
        `call ${call.id} is held for a transfer: complete or cancel the transfer`,
      );
    if (call.heldAt === null) throw new AppError('wrong-state', `call ${call.id} is not on hold`);
    this.state.apply({ type: 'resumed', tenantId: call.tenantId, callId: call.id });
  }
}

/**
 * A supervisor assigns (pulls) a waiting or ringing call to one agent: only that agent rings,
 * for one ring timeout, through the same redirect a transfer uses. Unanswered, the redirect
 * falls back to ringing as usual (Transfers.redirectFailed); the call never leaves its queue.
 */
import type { AgentRef } from '../../protocol/session-protocol.ts';
import { AppError } from '../shared/errors.ts';
import { isGroupCall, type LiveCall } from './live-state.ts';
import { timerNames, type RoutingContext } from './routing-context.ts';

export class Assignments {
  constructor(private readonly context: RoutingContext) {}

  assign(tenantId: string, callId: string, user: AgentRef): LiveCall {
    const { store, presence, timers, offers, pushes, config } = this.context;
    const call = store.call(callId);
    if (!call || call.tenantId !== tenantId)
      throw new AppError('not-found', `call ${callId} not found`);
    if (call.phase === 'ended') throw new AppError('wrong-state', `call ${callId} has ended`);
    if (call.phase === 'connected')
      throw new AppError('wrong-state', `call ${callId} is connected, not waiting`);
    if (call.redirect && call.redirect.kind !== 'assign')
      throw new AppError('wrong-state', `call ${callId} is being transferred`);
    if (call.consultationFor)
      throw new AppError('wrong-state', `call ${callId} is a consultation between agents`);
    const agent = store.agent(tenantId, user.id);
    const agentPresence = agent?.presence ?? 'offline';
    if (!agent || agentPresence !== 'available')
      throw new AppError(
        'wrong-state',
        `${user.name} is ${agentPresence}: only an available agent can be assigned a call`,
      );
    if (!presence.onlineSessions(agent).some((session) => session.id !== call.callerSessionId))
      throw new AppError('wrong-state', `${user.name} placed call ${callId}`);

    timers.clear(timerNames.retry(call.id));
    timers.clear(timerNames.attempt(call.id));
    for (const leg of call.legs.values())
      if (leg.status === 'ringing') offers.endLeg(call, leg, 'no_answer', 'withdrawn');
    const ringing = offers.redirect(call, {
      kind: 'assign',
      target: { kind: 'user', userId: user.id },
      ringTimeoutMs: isGroupCall(call)
        ? call.target.ringTimeoutMs
        : config.ringTimeoutSeconds * 1000,
      transferredBy: null,
      excludedUserId: null,
    });
    // Checked above, so only a bug lands here: the call must not be left with nobody ringing.
    if (!ringing) offers.offer(call);
    pushes.outgoingChanged(call);
    return call;
  }
}

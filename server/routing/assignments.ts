/**
 * A supervisor assigns (pulls) a waiting or ringing call to one agent: only that agent rings,
 * for one ring timeout, through the same redirect a transfer uses. Unanswered, the redirect
 * falls back to ringing as usual (RedirectFallback.redirectFailed); the call never leaves its
 * queue.
 */
import type { AgentRef } from '../../protocol/session-protocol.ts';
import { AppError } from '../shared/errors.ts';
import { isGroupCall, type LiveCall } from './state/live-state.ts';
import type { RoutingState } from './state/routing-state.ts';
import type { PresenceTracker } from './presence.ts';
import type { Ringing } from './ringing.ts';

export class Assignments {
  constructor(
    private readonly state: RoutingState,
    private readonly ringing: Ringing,
    private readonly presence: PresenceTracker,
    private readonly privateRingTimeoutMs: number,
  ) {}

  assign(tenantId: string, callId: string, user: AgentRef): LiveCall {
    const { state, ringing } = this;
    const call = state.read.call(callId);
    if (!call || call.tenantId !== tenantId)
      throw new AppError('not-found', `call ${callId} not found`);
    if (call.phase === 'ended') throw new AppError('wrong-state', `call ${callId} has ended`);
    if (call.phase === 'connected')
      throw new AppError('wrong-state', `call ${callId} is connected, not waiting`);
    if (call.redirect && call.redirect.kind !== 'assign')
      throw new AppError('wrong-state', `call ${callId} is being transferred`);
    if (call.target.kind === 'phone')
      throw new AppError('wrong-state', `call ${callId} is an agent's call to a phone`);
    if (call.consultationFor)
      throw new AppError('wrong-state', `call ${callId} is a consultation between agents`);
    const agent = state.read.agent(tenantId, user.id);
    const agentPresence = agent?.presence ?? 'offline';
    if (!agent || agentPresence !== 'available')
      throw new AppError(
        'wrong-state',
        `${user.name} is ${agentPresence}: only an available agent can be assigned a call`,
      );
    if (!this.presence.onlineSessions(agent).some((session) => session.id !== call.callerSessionId))
      throw new AppError('wrong-state', `${user.name} placed call ${callId}`);

    state.clearDeadline({ kind: 'call', callId, name: 'retry' });
    state.clearDeadline({ kind: 'call', callId, name: 'ringTimeout' });
    for (const leg of call.legs)
      if (leg.listed && leg.status === 'ringing')
        ringing.endLeg(call, leg, 'no_answer', 'withdrawn');
    const rang = ringing.redirect(call, {
      kind: 'assign',
      target: { kind: 'user', userId: user.id },
      ringTimeoutMs: isGroupCall(call) ? call.target.ringTimeoutMs : this.privateRingTimeoutMs,
      transferredBy: null,
      excludedUserId: null,
    });
    // Checked above, so only a bug lands here: the call must not be left with nobody ringing.
    if (!rang) ringing.offer(call);
    return call;
  }
}

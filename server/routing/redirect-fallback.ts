/**
 * Where a redirect falls back when nobody it rang took the call. A transfer never strands the
 * caller: destination unanswered → ring the transferring agent again → the front of the
 * call's group queue → (a call without a group) `no_answer`. An assign that nobody took simply
 * rings as usual again.
 */
import { isGroupCall, type LiveCall } from './state/live-state.ts';
import type { RoutingState } from './state/routing-state.ts';
import type { CallEnding } from './call-ending.ts';
import type { CallQueue } from './call-queue.ts';
import type { Ringing } from './ringing.ts';

export class RedirectFallback {
  constructor(
    private readonly state: RoutingState,
    private readonly ringing: Ringing,
    private readonly queue: CallQueue,
    private readonly ending: CallEnding,
    private readonly privateRingTimeoutMs: number,
  ) {}

  /** The redirect's attempt has no ringing leg left (declined, timed out, withdrawn). */
  redirectFailed(call: LiveCall): void {
    const redirect = call.redirect;
    this.state.apply({ type: 'redirectCleared', tenantId: call.tenantId, callId: call.id });
    if (redirect?.kind === 'transfer') return this.ringBack(call);
    if (redirect?.kind === 'ring-back') return this.returnToQueue(call);
    this.state.apply({ type: 'callWaiting', tenantId: call.tenantId, callId: call.id });
    this.ringing.offer(call);
  }

  /** Nobody took the blind transfer: the agent who made it rings again, if available. */
  ringBack(call: LiveCall): void {
    const transfer = call.transfer;
    if (!transfer) return this.returnToQueue(call);
    this.state.apply({ type: 'transferFailed', tenantId: call.tenantId, callId: call.id });
    const ringing = this.ringing.redirect(call, {
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
    const { state } = this;
    const { tenantId, id: callId } = call;
    if (call.transfer)
      state.apply({ type: 'transferCleared', tenantId, callId, by: call.transfer.by });
    if (call.redirect) state.apply({ type: 'redirectCleared', tenantId, callId });
    if (!isGroupCall(call)) return this.ending.endCall(call, 'no_answer');
    state.apply({ type: 'callWaiting', tenantId, callId });
    this.queue.addToFront(call);
    state.setDeadline({ kind: 'call', callId, name: 'maxWait' }, call.maxWaitMs);
    this.ringing.offer(call);
  }
}

/**
 * The queues calls wait in. A call is queued from the moment it is placed until it is answered
 * or ends, whatever its attempts are doing, so an agent who becomes available finds every call
 * it could take: oldest first, calls back from a transfer nobody took before them.
 */
import type { RingGroupRecord } from '../directory/directory.ts';
import type { AgentState, LiveCall } from './state/live-state.ts';
import { byArrival, callTargetsUser } from './state/live-state.ts';
import type { RoutingState } from './state/routing-state.ts';
import type { PresenceTracker } from './presence.ts';
import type { Ringing } from './ringing.ts';

export class CallQueue {
  constructor(
    private readonly state: RoutingState,
    private readonly ringing: Ringing,
    presence: PresenceTracker,
  ) {
    presence.onChange((agent) => {
      if (agent.presence === 'available') this.offerWaitingCallsTo(agent);
    });
  }

  add(call: LiveCall): void {
    if (!call.queued)
      this.state.apply({
        type: 'callQueued',
        tenantId: call.tenantId,
        callId: call.id,
        front: false,
      });
  }

  /** Back from a transfer nobody took: offered before calls that arrived earlier. */
  addToFront(call: LiveCall): void {
    this.state.apply({ type: 'callQueued', tenantId: call.tenantId, callId: call.id, front: true });
  }

  remove(call: LiveCall): void {
    if (call.queued)
      this.state.apply({ type: 'callDequeued', tenantId: call.tenantId, callId: call.id });
  }

  /** Offers the agent, oldest first, every queued call it is a target of. */
  offerWaitingCallsTo(agent: AgentState): void {
    const calls: LiveCall[] = [];
    for (const call of this.state.read.queuedCalls(agent.tenantId))
      if (callTargetsUser(call, agent.userId)) calls.push(call);
    // A call that came back from a transfer nobody took goes first: its caller already waited.
    calls.sort((a, b) => Number(b.requeued) - Number(a.requeued) || byArrival(a, b));
    for (const call of calls) this.ringing.offer(call);
  }

  /** Members can change while calls wait; queued calls ring the group as it is now. */
  adoptMembers(group: RingGroupRecord): void {
    for (const call of [...this.state.read.queuedCalls(group.tenantId)]) {
      if (call.target.kind !== 'group' || call.target.groupId !== group.id) continue;
      if (sameIds(call.target.memberIds, group.memberIds)) continue;
      this.state.apply({
        type: 'callTargetUpdated',
        tenantId: call.tenantId,
        callId: call.id,
        memberIds: group.memberIds,
      });
    }
  }
}

const sameIds = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((id, index) => id === b[index]);

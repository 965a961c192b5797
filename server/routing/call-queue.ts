/**
 * The queues calls wait in: one per ring group and one per private target, first in first out.
 * A call stays queued from the moment it is placed until it is answered or ends, whatever its
 * attempts are doing, so an agent who becomes available finds every call it could take.
 */
import type { RingGroupRecord } from '../directory/directory.ts';
import type { AgentState, LiveCall } from './live-state.ts';
import { byArrival, callTargetsUser } from './live-state.ts';
import type { RoutingContext } from './routing-context.ts';

const queueKeyOf = (call: LiveCall) =>
  call.target.kind === 'group' ? `group/${call.target.groupId}` : `user/${call.target.userId}`;

export class CallQueue {
  constructor(private readonly context: RoutingContext) {}

  add(call: LiveCall): void {
    this.context.store.enqueue(call.tenantId, queueKeyOf(call), call.id);
  }

  remove(call: LiveCall): void {
    this.context.store.dequeue(call.tenantId, queueKeyOf(call), call.id);
  }

  /** Offers the agent, oldest first, every queued call it is a target of. */
  offerWaitingCallsTo(agent: AgentState): void {
    const calls: LiveCall[] = [];
    for (const [, callIds] of this.context.store.queues(agent.tenantId)) {
      for (const callId of callIds) {
        const call = this.context.store.call(callId);
        if (call && callTargetsUser(call, agent.userId)) calls.push(call);
      }
    }
    // A call that came back from a transfer nobody took goes first: its caller already waited.
    calls.sort((a, b) => Number(b.requeued) - Number(a.requeued) || byArrival(a, b));
    for (const call of calls) this.context.offers.offer(call);
  }

  /** Members can change while calls wait; queued calls ring the group as it is now. */
  adoptMembers(group: RingGroupRecord): void {
    for (const [queueKey, callIds] of this.context.store.queues(group.tenantId)) {
      if (queueKey !== `group/${group.id}`) continue;
      for (const callId of callIds) {
        const call = this.context.store.call(callId);
        if (call?.target.kind === 'group') call.target.memberIds = group.memberIds;
      }
    }
  }
}

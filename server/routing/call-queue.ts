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
    // An agent who stops ringing for a call (declined, missed, answered elsewhere, caller gone)
    // may be who a one-at-a-time call skipped because they rang. Offered once the step settled,
    // so the ended call has moved on first and the agent is offered the next one.
    state.react('legEnded', ({ tenantId, userId }) =>
      state.deferToStepEnd(() => this.offerSkippedCallsTo(tenantId, userId)),
    );
    state.onDeadline({ overflow: (callId) => this.overflow(callId) });
  }

  /** The call waited its group's overflow delay: the overflow group's members are offered it too. */
  private overflow(callId: string): void {
    const call = this.state.read.call(callId);
    if (!call?.queued || call.target.kind !== 'group' || !call.target.overflow) return;
    const memberIds = withOverflow(call.target.memberIds, call.target.overflow.memberIds);
    if (sameIds(memberIds, call.target.memberIds)) return;
    this.state.apply({ type: 'callTargetUpdated', tenantId: call.tenantId, callId, memberIds });
    this.ringing.offer(call);
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

  /**
   * The agent, available and ringing for nothing, is offered the waiting calls of the strategies
   * that skip an agent who rings (ring-all calls rang them anyway).
   */
  private offerSkippedCallsTo(tenantId: string, userId: string): void {
    const agent = this.state.read.agent(tenantId, userId);
    if (!agent || agent.presence !== 'available' || this.ringing.agentRings(agent)) return;
    this.offerWaitingCallsTo(agent, (call) => this.ringing.ringsOneAtATime(call));
  }

  /** Offers the agent every queued call it is a target of: by priority, then oldest first. */
  offerWaitingCallsTo(agent: AgentState, only: (call: LiveCall) => boolean = () => true): void {
    const calls: LiveCall[] = [];
    for (const call of this.state.read.queuedCalls(agent.tenantId))
      if (callTargetsUser(call, agent.userId) && only(call)) calls.push(call);
    // Higher priority first; within one, a call back from a transfer nobody took goes first
    // (its caller already waited), then oldest first.
    calls.sort(
      (a, b) =>
        (b.priority ?? 0) - (a.priority ?? 0) ||
        Number(b.requeued) - Number(a.requeued) ||
        byArrival(a, b),
    );
    for (const call of calls) this.ringing.offer(call);
  }

  /** Members can change while calls wait; queued calls ring the group as it is now. */
  adoptMembers(group: RingGroupRecord): void {
    for (const call of [...this.state.read.queuedCalls(group.tenantId)]) {
      if (call.target.kind !== 'group' || call.target.groupId !== group.id) continue;
      // A call that overflowed keeps ringing the overflow group's members as well.
      const { overflow } = call.target;
      const overflowed = overflow && this.state.now() - call.createdAt >= overflow.delayMs;
      const memberIds = overflowed
        ? withOverflow(group.memberIds, overflow.memberIds)
        : group.memberIds;
      if (sameIds(call.target.memberIds, memberIds)) continue;
      this.state.apply({
        type: 'callTargetUpdated',
        tenantId: call.tenantId,
        callId: call.id,
        memberIds,
      });
    }
  }
}

/** The group's members first (their order matters to sequential), then the overflow's. */
const withOverflow = (own: readonly string[], overflow: readonly string[]) => [
  ...own,
  ...overflow.filter((id) => !own.includes(id)),
];

const sameIds = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((id, index) => id === b[index]);

/**
 * What an agent's desk shows of its ring groups' queues: a pure projection of the live calls and
 * agents, so it is tested directly and the feed only decides when to run it.
 */
import type { AgentRef, GroupQueueView } from '../../protocol/session-protocol.ts';
import type { AgentState, LiveCall } from '../routing/index.ts';

/** A ring group as the queue view needs it. */
export interface QueueGroup {
  id: string;
  name: string;
  memberIds: readonly string[];
}

/**
 * A caller waiting in the group's queue for an answer: queued (ringing or not) and not a
 * transfer or a consultation, which an agent already handles.
 */
export function waitsInQueue(call: LiveCall, groupId: string): boolean {
  if (!call.queued || call.phase === 'connected' || call.phase === 'ended') return false;
  if (call.target.kind !== 'group' || call.target.groupId !== groupId) return false;
  if (call.consultationFor !== null) return false;
  return call.redirect?.kind !== 'transfer' && call.redirect?.kind !== 'ring-back';
}

/**
 * What every member sees of one group, themselves included among the available: the feed works
 * it out once per group per recompute and gives each member `viewFor` of it, instead of going
 * over the tenant's calls and the group's members again for every tab (the push path's cost at
 * 1,000 agents, issue #12 §4).
 */
export interface GroupQueueBase {
  group: QueueGroup;
  waiting: number;
  longestWaitingSince: number | null;
  /** Every available member, in member order. */
  available: AgentRef[];
}

/** Each group's base, in the order of `groups`; one pass over the calls. */
export function groupQueueBases(
  groups: readonly QueueGroup[],
  liveCalls: readonly LiveCall[],
  agentOf: (userId: string) => Readonly<AgentState> | undefined,
): Map<string, GroupQueueBase> {
  const bases = new Map<string, GroupQueueBase>();
  for (const group of groups) {
    const available: AgentRef[] = [];
    for (const memberId of group.memberIds) {
      const agent = agentOf(memberId);
      if (agent?.presence === 'available') available.push({ id: memberId, name: agent.name });
    }
    bases.set(group.id, { group, waiting: 0, longestWaitingSince: null, available });
  }
  for (const call of liveCalls) {
    if (call.target.kind !== 'group') continue;
    const base = bases.get(call.target.groupId);
    if (!base || !waitsInQueue(call, base.group.id)) continue;
    base.waiting++;
    if (base.longestWaitingSince === null || call.createdAt < base.longestWaitingSince)
      base.longestWaitingSince = call.createdAt;
  }
  return bases;
}

/** One group's queue as `userId` sees it (everyone but them who is available). */
export function viewFor(base: GroupQueueBase, userId: string): GroupQueueView {
  return {
    group: { id: base.group.id, name: base.group.name },
    waiting: base.waiting,
    longestWaitingSince: base.longestWaitingSince,
    available: base.available.filter((agent) => agent.id !== userId),
  };
}

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

/** One group's queue as `userId` sees it (everyone but them who is available). */
export function groupQueueView(
  group: QueueGroup,
  userId: string,
  liveCalls: readonly LiveCall[],
  agentOf: (userId: string) => Readonly<AgentState> | undefined,
): GroupQueueView {
  let waiting = 0;
  let longestWaitingSince: number | null = null;
  for (const call of liveCalls) {
    if (!waitsInQueue(call, group.id)) continue;
    waiting++;
    if (longestWaitingSince === null || call.createdAt < longestWaitingSince)
      longestWaitingSince = call.createdAt;
  }
  const available: AgentRef[] = [];
  for (const memberId of group.memberIds) {
    if (memberId === userId) continue;
    const agent = agentOf(memberId);
    if (agent?.presence === 'available') available.push({ id: memberId, name: agent.name });
  }
  return { group: { id: group.id, name: group.name }, waiting, longestWaitingSince, available };
}

/** The queues of the groups `userId` belongs to, by group name; empty when none. */
export function queuesOf(
  userId: string,
  groups: readonly QueueGroup[],
  liveCalls: readonly LiveCall[],
  agentOf: (userId: string) => Readonly<AgentState> | undefined,
): GroupQueueView[] {
  return groups
    .filter((group) => group.memberIds.includes(userId))
    .map((group) => groupQueueView(group, userId, liveCalls, agentOf));
}

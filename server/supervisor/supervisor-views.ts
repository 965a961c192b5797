/**
 * Pure projections for the supervisor feed: live calls and agents as supervisors see them, and
 * each ring group's figures over a window. Kept free of I/O so they are tested directly and the
 * feed only decides when to run them.
 */
import type {
  GroupFigures,
  SupervisorAgent,
  SupervisorCall,
  SupervisorCallStatus,
  SupervisorGroup,
  WaitingSample,
} from '../../protocol/supervisor-protocol.ts';
import type { AgentRef } from '../../protocol/session-protocol.ts';
import { skillMatch, type AgentState, type LiveCall } from '../routing/index.ts';
import type {
  AgentTimes,
  EndedCallFact,
  TenantGroup,
  TenantPerson,
} from './supervisor-repository.ts';

/** Default service-level threshold: answered within this many seconds counts as "in service". */
export const DEFAULT_SERVICE_LEVEL_SECONDS = 20;
export const RECENT_WINDOW_MS = 15 * 60_000;
export const SAMPLE_BUCKET_MS = 60_000;
export const SAMPLE_HISTORY_MS = 60 * 60_000;

/** Reasons an unanswered call ended because the caller gave up. */
const ABANDON_REASONS = new Set(['caller_cancelled', 'hangup']);

export function startOfUtcDay(now: number): number {
  const day = new Date(now);
  return Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate());
}

export function supervisorStatus(call: LiveCall): SupervisorCallStatus | null {
  // A transfer ringing its destination (or ringing its agent back) is not a call in the queue.
  const transferring =
    (call.transfer !== null && call.transfer.status !== 'failed') ||
    call.redirect?.kind === 'transfer' ||
    call.redirect?.kind === 'ring-back';
  if (call.phase !== 'ended' && transferring) return 'transferring';
  if (call.phase === 'connected' && call.heldAt !== null) return 'held';
  // An agent's call to a phone waits in no queue: LiveKit SIP is ringing the phone.
  if (call.phase === 'waiting' && call.target.kind === 'phone') return 'ringing';
  switch (call.phase) {
    case 'waiting':
    case 'retry-wait':
      return 'queued';
    case 'ringing':
      return 'ringing';
    case 'connected':
      return 'connected';
    case 'ended':
      return null;
  }
}

/** Why a queued group call rings nobody (null: it is about to, or waits its retry interval). */
export function waitingReason(
  call: LiveCall,
  agentOf: (userId: string) => Readonly<AgentState> | undefined,
): SupervisorCall['waitingReason'] {
  // Its group is closed: the caller hears the closed treatment's script, nobody will ring.
  if (call.closedScript && call.phase === 'waiting') return 'closed';
  if (call.phase !== 'waiting' || call.target.kind !== 'group' || call.redirect) return null;
  const available = call.target.memberIds
    .map(agentOf)
    .filter((agent) => agent?.presence === 'available') as Readonly<AgentState>[];
  if (available.length === 0) return 'nobody-available';
  const required = call.requiredSkills;
  if (required && !available.some((agent) => skillMatch(agent, required) !== null))
    return 'nobody-with-skill';
  return null;
}

export function callView(
  call: LiveCall,
  nameOf: (userId: string) => string,
  agentOf?: (userId: string) => Readonly<AgentState> | undefined,
): SupervisorCall | null {
  const status = supervisorStatus(call);
  if (!status) return null;
  const rung = new Map<string, AgentRef>();
  for (const leg of call.legs) {
    if (leg.listed && leg.status === 'ringing' && !rung.has(leg.userId))
      rung.set(leg.userId, { id: leg.userId, name: nameOf(leg.userId) });
  }
  return {
    id: call.id,
    from: call.from,
    to: call.to,
    ringGroup: call.ringGroup,
    status,
    rungAgents: [...rung.values()],
    answeredBy: call.answeredBy && { id: call.answeredBy.id, name: call.answeredBy.name },
    attempt: call.attempt,
    createdAt: call.createdAt,
    answeredAt: call.answeredAt,
    ...(agentOf ? { waitingReason: waitingReason(call, agentOf) } : {}),
  };
}

/** The ended call as the figures remember it once the live call is gone. */
export function endedCallFact(call: LiveCall): EndedCallFact {
  return {
    id: call.id,
    ringGroupId: call.ringGroup?.id ?? null,
    createdAt: call.createdAt,
    answeredAt: call.answeredAt,
    endedAt: call.endedAt ?? call.createdAt,
    endReason: call.endReason,
    legs: call.legs.map((leg) => ({
      userId: leg.userId,
      outcome: leg.outcome,
      endedAt: leg.endedAt,
    })),
  };
}

export interface LegCounts {
  answered: number;
  missed: number;
  declined: number;
}

/** Per user: legs answered, timed out and declined, in ended calls and calls still live. */
export function legCountsByUser(
  facts: Iterable<EndedCallFact>,
  liveCalls: readonly LiveCall[],
): Map<string, LegCounts> {
  const counts = new Map<string, LegCounts>();
  const count = (userId: string, outcome: string) => {
    // A leg the agent transferred away was answered first.
    const key =
      outcome === 'answered' || outcome === 'transferred'
        ? 'answered'
        : outcome === 'missed'
          ? 'missed'
          : outcome === 'rejected'
            ? 'declined'
            : null;
    if (!key) return;
    let entry = counts.get(userId);
    if (!entry) counts.set(userId, (entry = { answered: 0, missed: 0, declined: 0 }));
    entry[key]++;
  };
  for (const fact of facts) for (const leg of fact.legs) count(leg.userId, leg.outcome);
  for (const call of liveCalls) {
    if (call.phase === 'ended') continue;
    for (const leg of call.legs) count(leg.userId, leg.outcome);
  }
  return counts;
}

/**
 * Whether the agents table lists the person: ring-group members, anyone who came online to take
 * calls, and anyone rung today. Not the role: a customer made through the subscriber API is an
 * "agent" by default, and a caller's or a supervisor's tab has a session without taking calls.
 */
export function takesCalls(
  userId: string,
  members: ReadonlySet<string>,
  state: Readonly<AgentState> | undefined,
  counts: ReadonlyMap<string, LegCounts>,
): boolean {
  return members.has(userId) || (state?.presence ?? 'offline') !== 'offline' || counts.has(userId);
}

export function agentView(
  person: TenantPerson,
  state: Readonly<AgentState> | undefined,
  presenceSince: number | null,
  counts: LegCounts | undefined,
  answererOf: (callId: string) => string | undefined = () => undefined,
  times?: AgentTimes,
  currentCall: SupervisorAgent['currentCall'] = null,
): SupervisorAgent {
  // Offline, the person is on a call as an agent only if they answered it; a call they placed
  // from a tab that never came online makes them its caller, not an agent on a call.
  const onCall = (state?.activeCallIds ?? []).filter(
    (callId) => state!.presence !== 'offline' || answererOf(callId) === person.id,
  );
  const [currentCallId = null] = onCall;
  return {
    id: person.id,
    name: person.name,
    username: person.username,
    presence: state?.presence ?? 'offline',
    presenceSince,
    currentCallId,
    answeredToday: counts?.answered ?? 0,
    missedToday: counts?.missed ?? 0,
    declinedToday: counts?.declined ?? 0,
    talkMsToday: times?.talkMs ?? 0,
    holdMsToday: times?.holdMs ?? 0,
    averageHandleMsToday: times?.averageHandleMs ?? null,
    currentCall,
  };
}

/** The agent's leg that answered the call and is still on it (their part in progress). */
export function answeringLeg(call: LiveCall, userId: string): LiveCall['legs'][number] | undefined {
  if (call.phase !== 'connected') return undefined;
  return call.legs.find(
    (leg) => leg.userId === userId && leg.answeredAt !== null && leg.endedAt === null,
  );
}

/**
 * The agent's part of a connected call they answered, for the console to add to today's times.
 * `holdBefore` is the call's finished hold when the part began (a transfer's hold belongs to
 * the agent who handed the call on), which the feed notes the first time it sees the part.
 */
export function currentPart(
  call: LiveCall,
  userId: string,
  holdBefore: number,
): SupervisorAgent['currentCall'] {
  const leg = answeringLeg(call, userId);
  if (!leg) return null;
  const since = leg.answeredAt!;
  return {
    since,
    heldMs: Math.max(0, call.heldMs - holdBefore),
    heldSince: call.heldAt !== null && call.heldAt >= since ? call.heldAt : null,
  };
}

/** One group's figures over calls answered or ended since `from`. */
export function groupFigures(
  groupId: string,
  from: number,
  facts: Iterable<EndedCallFact>,
  liveCalls: readonly LiveCall[],
  serviceLevelSeconds: number,
): GroupFigures {
  const thresholdMs = serviceLevelSeconds * 1000;
  let answered = 0;
  let answeredWithin = 0;
  let totalWaitMs = 0;
  let abandoned = 0;
  let otherUnanswered = 0;
  let missed = 0;
  const countAnswered = (createdAt: number, answeredAt: number) => {
    answered++;
    totalWaitMs += answeredAt - createdAt;
    if (answeredAt - createdAt <= thresholdMs) answeredWithin++;
  };
  const countMissed = (legs: Iterable<{ outcome: string; endedAt: number | null }>) => {
    for (const leg of legs) if (leg.outcome === 'missed' && (leg.endedAt ?? 0) >= from) missed++;
  };
  for (const fact of facts) {
    if (fact.ringGroupId !== groupId) continue;
    countMissed(fact.legs);
    if (fact.answeredAt !== null) {
      if (fact.answeredAt >= from) countAnswered(fact.createdAt, fact.answeredAt);
    } else if (fact.endedAt >= from) {
      if (fact.endReason && ABANDON_REASONS.has(fact.endReason)) abandoned++;
      else otherUnanswered++;
    }
  }
  for (const call of liveCalls) {
    if (call.phase === 'ended' || call.ringGroup?.id !== groupId) continue;
    countMissed(call.legs);
    if (call.answeredAt !== null && call.answeredAt >= from)
      countAnswered(call.createdAt, call.answeredAt);
  }
  const finished = answered + abandoned + otherUnanswered;
  return {
    answered,
    abandoned,
    missed,
    averageWaitMs: answered > 0 ? Math.round(totalWaitMs / answered) : null,
    serviceLevel: finished > 0 ? answeredWithin / finished : null,
  };
}

/** Calls of the group not answered yet (queued or ringing). */
export function waitingCalls(groupId: string, liveCalls: readonly LiveCall[]): LiveCall[] {
  return liveCalls.filter(
    (call) =>
      call.ringGroup?.id === groupId &&
      (call.phase === 'waiting' || call.phase === 'retry-wait' || call.phase === 'ringing'),
  );
}

/**
 * The most calls waiting per minute over the last hour, per group. Recorded whenever the feed
 * computes, so a minute with no change has no sample: the chart holds the previous value.
 */
export class WaitingHistory {
  private readonly buckets = new Map<string, Map<number, number>>();

  record(groupId: string, now: number, waiting: number): void {
    let groupBuckets = this.buckets.get(groupId);
    if (!groupBuckets) this.buckets.set(groupId, (groupBuckets = new Map<number, number>()));
    const bucket = now - (now % SAMPLE_BUCKET_MS);
    groupBuckets.set(bucket, Math.max(groupBuckets.get(bucket) ?? 0, waiting));
    for (const at of groupBuckets.keys()) {
      if (at < now - SAMPLE_HISTORY_MS) groupBuckets.delete(at);
      else break; // Map keeps insertion order, which is time order here.
    }
  }

  samples(groupId: string): WaitingSample[] {
    return [...(this.buckets.get(groupId) ?? [])].map(([at, waiting]) => ({ at, waiting }));
  }
}

export function groupView(
  group: TenantGroup,
  now: number,
  facts: Iterable<EndedCallFact>,
  liveCalls: readonly LiveCall[],
  history: WaitingHistory,
  serviceLevelSeconds = DEFAULT_SERVICE_LEVEL_SECONDS,
): SupervisorGroup {
  const waiting = waitingCalls(group.id, liveCalls);
  history.record(group.id, now, waiting.length);
  const factList = [...facts];
  return {
    id: group.id,
    name: group.name,
    serviceLevelSeconds,
    ...(group.strategy ? { strategy: group.strategy } : {}),
    waiting: waiting.length,
    longestWaitingSince: waiting.length ? Math.min(...waiting.map((call) => call.createdAt)) : null,
    today: groupFigures(group.id, startOfUtcDay(now), factList, liveCalls, serviceLevelSeconds),
    last15Minutes: groupFigures(
      group.id,
      now - RECENT_WINDOW_MS,
      factList,
      liveCalls,
      serviceLevelSeconds,
    ),
    waitingSamples: history.samples(group.id),
  };
}

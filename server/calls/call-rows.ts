/**
 * The records side's own projection of routing: which rows to write after each routing step,
 * taken from the step's transitions and the live calls they name. A call's row is written when
 * it is placed, each time it is answered, and when it ends (with every leg it rang); the
 * write-behind queue keeps the latest row of each call, so a step that touches a call twice
 * writes it once.
 */
import {
  callRecordStatus,
  holdMsOf,
  type LiveCall,
  type RoutingTransition,
} from '../routing/index.ts';
import { randomUUID } from 'node:crypto';
import type { CallRow, EventRow, LegRow, PresenceRow } from './call-repository.ts';
import { durations } from './call-schemas.ts';

export interface RecordChange {
  kind: 'created' | 'answered' | 'held' | 'resumed' | 'transferred' | 'ended';
  call: CallRow;
  /** Every leg the call rang, once it ended; empty before. */
  legs: LegRow[];
  /** The timeline events this step adds (answered, held, resumed, transferred). */
  events: EventRow[];
}

let lastEventSeq = 0;
/**
 * Increasing across the process and, being micro-epoch based, across restarts: events of one
 * call in the same millisecond keep the order routing applied them in.
 */
function nextEventSeq(): number {
  lastEventSeq = Math.max(lastEventSeq + 1, Date.now() * 1000);
  return lastEventSeq;
}

/** The row changes one routing step makes, in the order they happened. */
export function recordChanges(
  transitions: readonly RoutingTransition[],
  liveCall: (callId: string) => LiveCall | undefined,
  now: number,
): RecordChange[] {
  const changes: RecordChange[] = [];
  // A blind transfer hands the call off, then holds the caller on the leaving agent's behalf.
  const handedOffBy = new Map<string, string>();
  for (const transition of transitions) {
    let kind: RecordChange['kind'];
    let callId: string;
    // Who the event is about: the agent who answered or handed the call on; for holds, the
    // agent who has the call (a transfer holds the caller on the transferring agent's behalf).
    let userId: string | null = null;
    if (transition.type === 'callPlaced') [kind, callId] = ['created', transition.call.id];
    else if (transition.type === 'answered') {
      [kind, callId] = ['answered', transition.callId];
      userId = transition.agent.id;
    } else if (transition.type === 'phoneAnswered')
      [kind, callId] = ['answered', transition.callId];
    else if (transition.type === 'held') [kind, callId] = ['held', transition.callId];
    else if (transition.type === 'resumed') [kind, callId] = ['resumed', transition.callId];
    else if (transition.type === 'handedOff') {
      [kind, callId] = ['transferred', transition.callId];
      userId = transition.from.id;
      handedOffBy.set(callId, userId);
    } else if (transition.type === 'callEnded') [kind, callId] = ['ended', transition.callId];
    else continue;
    const call = liveCall(callId);
    if (!call) continue;
    if (kind === 'held' || kind === 'resumed')
      userId =
        call.answeredBy?.id ?? call.redirect?.transferredBy?.id ?? handedOffBy.get(callId) ?? null;
    const events: EventRow[] =
      kind === 'created' || kind === 'ended'
        ? []
        : [
            {
              id: randomUUID(),
              callId,
              tenantId: call.tenantId,
              type: kind,
              at: transition.at,
              seq: nextEventSeq(),
              userId,
            },
          ];
    changes.push({
      kind,
      call: callRow(call, now),
      legs: kind === 'ended' ? legRows(call) : [],
      events,
    });
  }
  return changes;
}

/** The presence changes of one routing step, as agent_presence rows. */
export function presenceRows(transitions: readonly RoutingTransition[]): PresenceRow[] {
  const rows: PresenceRow[] = [];
  for (const transition of transitions)
    if (transition.type === 'presenceChanged')
      rows.push({
        id: randomUUID(),
        tenantId: transition.tenantId,
        userId: transition.userId,
        presence: transition.presence,
        at: transition.at,
        seq: nextEventSeq(),
      });
  return rows;
}

/** The call as its record row. */
export function callRow(call: LiveCall, now: number): CallRow {
  return {
    id: call.id,
    tenantId: call.tenantId,
    fromName: call.from.name,
    fromAddress: call.from.address,
    fromUserId: call.fromUserId,
    toAddress: call.to.address,
    ringGroupId: call.ringGroup?.id ?? null,
    origin: call.origin,
    params: { ...call.params },
    status: callRecordStatus(call),
    endReason: call.endReason,
    endedBy: call.endedBy?.kind ?? null,
    endedByUserId: call.endedBy?.user?.id ?? null,
    answeredByUserId: call.answeredBy?.id ?? null,
    createdAt: call.createdAt,
    answeredAt: call.answeredAt,
    endedAt: call.endedAt,
    ...durations(call),
    // Hold is part of handling a call: none for a call nobody answered.
    holdMs: call.answeredAt === null ? null : Math.round(holdMsOf(call, now)),
    missedRings: call.legs.filter((leg) => leg.outcome === 'missed').length,
    declinedRings: call.legs.filter((leg) => leg.outcome === 'rejected').length,
  };
}

export function legRows(call: LiveCall): LegRow[] {
  return call.legs.map((leg) => ({
    id: leg.id,
    callId: call.id,
    tenantId: call.tenantId,
    userId: leg.userId,
    attempt: leg.attempt,
    outcome: leg.outcome,
    rungAt: leg.ringingAt,
    endedAt: leg.endedAt,
  }));
}

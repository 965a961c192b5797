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
import type { CallRow, LegRow } from './call-repository.ts';
import { durations } from './call-schemas.ts';

export interface RecordChange {
  kind: 'created' | 'answered' | 'ended';
  call: CallRow;
  /** Every leg the call rang, once it ended; empty before. */
  legs: LegRow[];
}

/** The row changes one routing step makes, in the order they happened. */
export function recordChanges(
  transitions: readonly RoutingTransition[],
  liveCall: (callId: string) => LiveCall | undefined,
  now: number,
): RecordChange[] {
  const changes: RecordChange[] = [];
  for (const transition of transitions) {
    let kind: RecordChange['kind'];
    let callId: string;
    if (transition.type === 'callPlaced') [kind, callId] = ['created', transition.call.id];
    else if (transition.type === 'answered' || transition.type === 'phoneAnswered')
      [kind, callId] = ['answered', transition.callId];
    else if (transition.type === 'callEnded') [kind, callId] = ['ended', transition.callId];
    else continue;
    const call = liveCall(callId);
    if (!call) continue;
    changes.push({ kind, call: callRow(call, now), legs: kind === 'ended' ? legRows(call) : [] });
  }
  return changes;
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
    answeredByUserId: call.answeredBy?.id ?? null,
    createdAt: call.createdAt,
    answeredAt: call.answeredAt,
    endedAt: call.endedAt,
    ...durations(call),
    // Hold is part of handling a call: none for a call nobody answered.
    holdMs: call.answeredAt === null ? null : Math.round(holdMsOf(call, now)),
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

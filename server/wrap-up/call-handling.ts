/**
 * Who may write a call's wrap-up: an agent who handled it, i.e. answered it (the agent who
 * transferred it on handled it too). Read from the live call while routing still holds it (a
 * transferred call goes on after its first agent left), from its record afterwards.
 */
import type { CallDetail } from '../calls/call-schemas.ts';
import { AppError, notFound } from '../shared/errors.ts';

/** Leg outcomes of an agent who had the call: still on it or done, or handed it on. */
const HANDLED = new Set(['answered', 'transferred']);

export interface CallHandling {
  /** When the call ended for everyone; null while it is live. */
  callEndedAt: number | null;
  /** When this agent's part ended (hang-up or transfer); null while the agent is on it. */
  partEndedAt: number | null;
}

export interface CallLookup {
  liveCall(tenantId: string, callId: string): CallDetail | null;
  recordedCall(tenantId: string, callId: string): Promise<CallDetail | null>;
}

/** 404 for unknown and other tenants' calls, 403 for a call this user did not handle. */
export async function handlingOf(
  calls: CallLookup,
  tenantId: string,
  callId: string,
  userId: string,
): Promise<CallHandling> {
  const call = calls.liveCall(tenantId, callId) ?? (await calls.recordedCall(tenantId, callId));
  if (!call) throw notFound(`call ${callId}`);
  const legs = call.legs.filter((leg) => leg.userId === userId && HANDLED.has(leg.outcome));
  if (legs.length === 0)
    throw new AppError('forbidden', 'only an agent who answered this call can wrap it up');
  const stillOn = call.endedAt === null && legs.some((leg) => leg.endedAt === null);
  return {
    callEndedAt: call.endedAt,
    partEndedAt: stillOn ? null : Math.max(...legs.map((leg) => leg.endedAt ?? call.endedAt ?? 0)),
  };
}

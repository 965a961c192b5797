/**
 * Projections of a live call for the wire: one leg as an agent's tab sees it, the call as its
 * caller sees it, and the full detail the HTTP API returns. (The database rows are the records
 * side's own projection: calls/call-rows.ts.)
 */
import type { CallView, TransferState, WrapUpView } from '../../protocol/session-protocol.ts';
import type { CallDetail, CallRecordStatus } from '../calls/call-schemas.ts';
import { durations } from '../calls/call-schemas.ts';
import { wasAnswered, type AgentState, type LiveCall, type LiveLeg } from './state/live-state.ts';

/** The agent's after-call work as its tabs see it; null when there is none. */
export function wrapUpView(agent: AgentState | undefined): WrapUpView | null {
  const wrapUp = agent?.wrapUp;
  if (!wrapUp) return null;
  return {
    callId: wrapUp.callId,
    from: wrapUp.from,
    startedAt: wrapUp.startedAt,
    endsAt: wrapUp.deadline,
  };
}

export function inboundView(call: LiveCall, leg: LiveLeg): CallView {
  return {
    id: call.id,
    direction: 'inbound',
    from: call.from,
    to: call.to,
    ringGroup: call.ringGroup,
    status: leg.status,
    endReason: leg.endReason,
    answeredBy: leg.answeredBy,
    params: call.params,
    createdAt: call.createdAt,
    ringingAt: leg.ringingAt,
    answeredAt: leg.answeredAt,
    endedAt: leg.endedAt,
    attempt: leg.attempt,
    // Hold and transfer belong to the agent on the call; other legs only say who transferred it.
    held: leg.status === 'connected' && call.heldAt !== null,
    heldAt: leg.status === 'connected' ? call.heldAt : null,
    transferredBy: leg.transferredBy,
    transfer: transferViewFor(call, leg),
    consultationFor: call.consultationFor,
    ...(call.consultationAbout ? { consultationAbout: call.consultationAbout } : {}),
  };
}

/**
 * The transfer as its agent sees it: on the leg that has the call, and on the leg that rings
 * the agent back after nobody took a blind transfer (status `failed`).
 */
function transferViewFor(call: LiveCall, leg: LiveLeg): TransferState | null {
  const transfer = call.transfer;
  if (!transfer || leg.userId !== transfer.by.id || leg.status === 'disconnected') return null;
  return {
    mode: transfer.mode,
    to: transfer.to,
    status: transfer.status,
    consultationCallId: transfer.consultationCallId,
  };
}

export function outboundView(call: LiveCall): CallView {
  return {
    id: call.id,
    direction: 'outbound',
    from: call.from,
    to: call.to,
    ringGroup: call.ringGroup,
    // The caller hears ringback while the call waits in a queue too; once answered it stays
    // connected (on hold) through transfers and a return to the queue.
    status: call.phase === 'ended' ? 'disconnected' : wasAnswered(call) ? 'connected' : 'ringing',
    endReason: call.endReason,
    answeredBy: call.answeredBy && { id: call.answeredBy.id, name: call.answeredBy.name },
    params: call.params,
    createdAt: call.createdAt,
    ringingAt: call.ringingAt,
    answeredAt: call.answeredAt,
    endedAt: call.endedAt,
    attempt: call.attempt,
    held: call.heldAt !== null,
    heldAt: call.heldAt,
    consultationFor: call.consultationFor,
    ...(call.consultationAbout ? { consultationAbout: call.consultationAbout } : {}),
  };
}

const recordStatus: Record<LiveCall['phase'], CallRecordStatus> = {
  waiting: 'queued',
  'retry-wait': 'queued',
  ringing: 'ringing',
  connected: 'connected',
  ended: 'ended',
};

export const callRecordStatus = (call: LiveCall): CallRecordStatus => {
  if (wasAnswered(call)) return 'connected';
  // A call to a phone waits in no queue: LiveKit SIP is ringing the phone.
  if (call.target.kind === 'phone' && call.phase === 'waiting') return 'ringing';
  return recordStatus[call.phase];
};

export function callDetail(call: LiveCall): CallDetail {
  return {
    id: call.id,
    origin: call.origin,
    from: call.from,
    to: call.to,
    ringGroup: call.ringGroup,
    status: callRecordStatus(call),
    endReason: call.endReason,
    endedBy: call.endedBy ? { kind: call.endedBy.kind, user: call.endedBy.user } : null,
    answeredBy: call.answeredBy && { id: call.answeredBy.id, name: call.answeredBy.name },
    params: call.params,
    createdAt: call.createdAt,
    answeredAt: call.answeredAt,
    endedAt: call.endedAt,
    ...durations(call),
    legs: call.legs.map((leg) => ({
      userId: leg.userId,
      attempt: leg.attempt,
      outcome: leg.outcome,
      rungAt: leg.ringingAt,
      endedAt: leg.endedAt,
    })),
  };
}

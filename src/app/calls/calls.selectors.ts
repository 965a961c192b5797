import { createSelector } from '@ngrx/store';
import { authFeature } from '../auth/auth.feature';
import { sessionFeature } from '../session/session.feature';
import { hasEnded, outcomeText, statusText } from './call-outcome';
import { callsFeature, type CallRecord } from './calls.feature';
import type { TransferState } from '@switchboard/telephony';

/** One card in the ringing queue: still ringing, or ended and about to leave. */
export interface RingingCardView {
  callId: string;
  callerName: string;
  callerAddress: string;
  ringGroupName: string | null;
  /** The customer context the call carries (`params`), in the caller's order. */
  details: CallDetailView[];
  /** Seconds the caller has waited; frozen once the call ended. */
  waitSeconds: number;
  ringing: boolean;
  /** Why it stopped ringing ("Answered by Grace Hopper"); null while ringing. */
  outcome: string | null;
  /** An accept or decline is on its way to the server. */
  busy: boolean;
  error: string | null;
  /** "Transferred by …": the agent who sent this call here; null for a first ring or a consultation. */
  transferredBy: string | null;
  /**
   * A warm transfer's consultation ringing here: "Consultation from Ada Lovelace about Katherine
   * Johnson" (not "Transferred by": the caller stays with Ada until she completes it).
   */
  consultation: string | null;
  /** Rings this agent again because nobody took its transfer: where the transfer went. */
  transferNotTakenBy: string | null;
}

/** A transfer this agent started, as the active call panel shows it. */
/** One `params` entry, as shown on the card and the call. */
export interface CallDetailView {
  name: string;
  value: string;
}

export interface ActiveTransferView {
  mode: TransferState['mode'];
  destinationName: string;
  destinationAddress: string;
  status: TransferState['status'];
  statusText: string;
  /** Warm transfer: the call to the destination, whose media the panel shows while consulting. */
  consultationCallId: string | null;
}

export interface ActiveCallView {
  callId: string;
  callerName: string;
  /** On a consultation this agent answered: who it is about ("Consultation from … about …"). */
  consultation: string | null;
  callerAddress: string;
  ringGroupName: string | null;
  details: CallDetailView[];
  statusText: string;
  talkSeconds: number;
  ended: boolean;
  outcome: string | null;
  busy: boolean;
  error: string | null;
  held: boolean;
  /** Seconds on hold so far (0 when not held): the ticking hold timer. */
  holdSeconds: number;
  transfer: ActiveTransferView | null;
  /** Hold, Resume and Transfer apply: connected, not ending, no transfer under way. */
  controllable: boolean;
}

export interface OutgoingCallView {
  callId: string;
  calleeName: string;
  calleeAddress: string;
  statusText: string;
  /** Who took the call (the caller's own view says so); null until answered. */
  answeredByName: string | null;
  /**
   * What the agent did with the call, in one line of the caller's panel: "Ada Lovelace
   * answered", "Ada Lovelace put you on hold"; null while nobody has answered or once it ended.
   */
  agentText: string | null;
  /** Seconds since dialing, or talk time once answered. */
  seconds: number;
  live: boolean;
  /** Someone answered: the call has (or is getting) media. */
  answered: boolean;
  outcome: string | null;
  busy: boolean;
  /** The callee put this call on hold (or is transferring it). */
  held: boolean;
}

export interface EndedCallView {
  callId: string;
  direction: 'inbound' | 'outbound';
  partyName: string;
  partyAddress: string;
  outcome: string;
  endedAt: number | null;
}

/** A held call's status, on both sides of it. */
export const ON_HOLD_TEXT = 'On hold';

const { selectAll, selectNow, selectOutgoingCallId, selectEntities } = callsFeature;
const { selectUserId } = authFeature;

const seconds = (from: number, to: number) => Math.max(0, Math.floor((to - from) / 1000));
const inbound = (call: CallRecord) => call.direction === 'inbound';

/** Inbound calls still ringing, oldest first (the adapter keeps them sorted by createdAt). */
export const selectRingingCalls = createSelector(selectAll, (calls) =>
  calls.filter((call) => inbound(call) && call.status === 'ringing'),
);

export const selectOldestRingingCallId = createSelector(
  selectRingingCalls,
  (calls): string | null => calls.at(0)?.id ?? null,
);

/** The queue: ringing calls and recently ended ones that never connected here, oldest first. */
export const selectRingingQueue = createSelector(
  selectAll,
  selectNow,
  selectUserId,
  (calls, now, userId) =>
    calls
      .filter(
        (call) =>
          inbound(call) &&
          !call.answeredHere &&
          (call.status === 'ringing' || (hasLeftRinging(call) && !call.cardDismissed)),
      )
      .map((call): RingingCardView => ({
        callId: call.id,
        callerName: call.from.name,
        callerAddress: call.from.address,
        ringGroupName: call.ringGroup?.name ?? null,
        details: detailsOf(call),
        waitSeconds: seconds(
          call.createdAt,
          call.status === 'ringing' ? now : (call.endedAt ?? now),
        ),
        ringing: call.status === 'ringing',
        outcome: outcomeText(call, userId),
        busy: call.pending !== null,
        error: call.error,
        transferredBy: call.consultationAbout ? null : (call.transferredBy?.name ?? null),
        consultation: consultationText(call),
        transferNotTakenBy:
          call.status === 'ringing' && call.transfer?.status === 'failed'
            ? call.transfer.to.name
            : null,
      })),
);

/** The call this agent is on (answered in this tab), until the server drops it. */
export const selectActiveCall = createSelector(
  selectAll,
  selectNow,
  selectUserId,
  (calls, now, userId) => {
    const answered = calls.filter((c) => inbound(c) && c.answeredHere && c.status !== 'destroyed');
    // A live call wins over one still lingering after its end (a completed warm transfer
    // arrives while the consultation call it came from is ending).
    const call = answered.filter((c) => !hasEnded(c.status)).at(-1) ?? answered.at(-1);
    if (!call) return null;
    const ended = hasEnded(call.status);
    const transfer = call.transfer && !ended ? activeTransfer(call.transfer) : null;
    return {
      callId: call.id,
      callerName: call.from.name,
      consultation: consultationText(call),
      callerAddress: call.from.address,
      ringGroupName: call.ringGroup?.name ?? null,
      details: detailsOf(call),
      statusText: ended ? statusText(call.status) : activeStatusText(call, transfer),
      talkSeconds: call.answeredAt
        ? seconds(call.answeredAt, ended ? (call.endedAt ?? now) : now)
        : 0,
      ended,
      outcome: outcomeText(withTransferDestination(call), userId),
      busy: call.pending !== null,
      error: call.error,
      held: call.held && !ended,
      holdSeconds: call.held && call.heldAt && !ended ? seconds(call.heldAt, now) : 0,
      transfer,
      controllable: call.status === 'connected' && (!transfer || transfer.status === 'failed'),
    } satisfies ActiveCallView;
  },
);

/** The call this console placed from the Call box, with its caller-side status. */
export const selectOutgoingCall = createSelector(
  selectEntities,
  selectOutgoingCallId,
  selectNow,
  (entities, id, now): OutgoingCallView | null => {
    const call = id ? entities[id] : undefined;
    if (!call) return null;
    const live = !hasEnded(call.status);
    const end = live ? now : (call.endedAt ?? now);
    const answeredByName = call.answeredAt !== null ? (call.answeredBy?.name ?? null) : null;
    return {
      callId: call.id,
      calleeName: call.to.name,
      calleeAddress: call.to.address,
      statusText: live && call.held ? ON_HOLD_TEXT : statusText(call.status),
      answeredByName,
      agentText: live && answeredByName ? callerAgentText(answeredByName, call.held) : null,
      seconds: call.answeredAt ? seconds(call.answeredAt, end) : seconds(call.createdAt, end),
      live,
      answered: call.status === 'connecting' || call.status === 'connected',
      outcome: outcomeText(call, null),
      busy: call.pending !== null,
      held: live && call.held,
    };
  },
);

/** Ended calls, most recent first, with their outcome. */
export const selectRecentCalls = createSelector(selectAll, selectUserId, (calls, userId) =>
  calls
    .filter((call) => hasEnded(call.status))
    .sort((a, b) => (b.endedAt ?? b.createdAt) - (a.endedAt ?? a.createdAt))
    .map((call): EndedCallView => ({
      callId: call.id,
      direction: call.direction,
      partyName: call.direction === 'inbound' ? call.from.name : call.to.name,
      partyAddress: call.direction === 'inbound' ? call.from.address : call.to.address,
      outcome: outcomeText(withTransferDestination(call), userId) ?? 'Ended',
      endedAt: call.endedAt,
    })),
);

/** Calls still alive in the SDK: the effects keep listening while there are any. */
export const selectHasLiveInboundCall = createSelector(selectAll, (calls) =>
  calls.some((call) => inbound(call) && call.status !== 'destroyed'),
);

/** Online, or calls still alive: while true the effects listen to the SDK's incoming calls. */
export const selectListensForIncomingCalls = createSelector(
  sessionFeature.selectRegistered,
  selectHasLiveInboundCall,
  (registered, hasLiveCall) => registered || hasLiveCall,
);

const transferStatusTexts: Record<TransferState['status'], string> = {
  ringing: 'Ringing…',
  consulting: 'Consulting',
  failed: 'Nobody took the transfer',
};

function activeTransfer(transfer: TransferState): ActiveTransferView {
  return {
    mode: transfer.mode,
    destinationName: transfer.to.name,
    destinationAddress: transfer.to.address,
    status: transfer.status,
    statusText: transferStatusTexts[transfer.status],
    consultationCallId: transfer.consultationCallId,
  };
}

/** The server's transfer target when it still says, else where this tab sent the caller. */
function withTransferDestination(call: CallRecord) {
  return { ...call, transferDestination: call.transfer?.to.name ?? call.transferredTo?.name };
}

/**
 * What is true of the call now, in one phrase: a transfer under way names where the caller is
 * going ("Consulting Grace Hopper", "Transferring to support"), a held caller is "On hold".
 */
function activeStatusText(call: CallRecord, transfer: ActiveTransferView | null): string {
  if (transfer && transfer.status !== 'failed') {
    if (transfer.mode === 'blind') return `Transferring to ${transfer.destinationName}`;
    return transfer.status === 'consulting'
      ? `Consulting ${transfer.destinationName}`
      : `Calling ${transfer.destinationName}`;
  }
  if (call.held) return ON_HOLD_TEXT;
  return statusText(call.status);
}

/**
 * The caller's line about the agent. A hold is the agent's doing, so it says so (not "muted":
 * nothing reaches the caller while held, which the media alone would read as a muted agent).
 */
function callerAgentText(agentName: string, held: boolean): string {
  return held ? `${agentName} put you on hold` : `${agentName} answered`;
}

function detailsOf(call: CallRecord): CallDetailView[] {
  return Object.entries(call.params ?? {}).map(([name, value]) => ({ name, value }));
}

function hasLeftRinging(call: CallRecord): boolean {
  return call.status !== 'ringing';
}

/** "Consultation from Ada Lovelace about Katherine Johnson"; null when the call is no consultation. */
function consultationText(call: {
  from: { name: string };
  consultationAbout: { name: string } | null;
}): string | null {
  return call.consultationAbout
    ? `Consultation from ${call.from.name} about ${call.consultationAbout.name}`
    : null;
}

import { createEntityAdapter, type EntityState } from '@ngrx/entity';
import { createFeature, createReducer, on } from '@ngrx/store';
import { AuthSessionActions, ToolbarActions } from '../auth/auth.actions';
import type { Party } from '@switchboard/telephony';
import type { CallSnapshot } from './call-snapshot';
import {
  ActiveCallActions,
  CallerCallActions,
  CallsApiActions,
  CallsSocketActions,
  ClockActions,
  DialBoxActions,
  RecentCallsActions,
  KeyboardShortcutActions,
  RingingCardActions,
  TransferDialogActions,
} from './calls.actions';

export type PendingCommand =
  | 'accept'
  | 'decline'
  | 'hang-up'
  | 'hold'
  | 'resume'
  | 'transfer'
  | 'complete-transfer'
  | 'cancel-transfer';

/** A call in the store: the SDK's snapshot plus what this console did with it. */
export interface CallRecord extends CallSnapshot {
  /** The call reached connecting/connected in this tab: it belongs to the active-call panel. */
  answeredHere: boolean;
  pending: PendingCommand | null;
  error: string | null;
  /** Its ended ringing card has been on screen long enough. */
  cardDismissed: boolean;
  /** This tab asked to hang up (so a `hangup` end was not the other side's doing). */
  hungUpHere: boolean;
  /** Where this tab sent the caller (for "Transferred to …" once this leg has ended). */
  transferredTo: Party | null;
}

export interface CallsState extends EntityState<CallRecord> {
  outgoingCallId: string | null;
  dialing: boolean;
  dialError: string | null;
  /** Wall-clock time the wait and talk timers are computed against (epoch ms). */
  now: number;
}

/** Destroyed calls kept for the "Recent calls" list; older ones are dropped. */
export const ENDED_CALLS_KEPT = 10;

export const callsAdapter = createEntityAdapter<CallRecord>({
  sortComparer: (a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id),
});

export const initialCallsState: CallsState = callsAdapter.getInitialState({
  outgoingCallId: null,
  dialing: false,
  dialError: null,
  now: 0,
});

function record(snapshot: CallSnapshot, existing: CallRecord | undefined): CallRecord {
  // A new ring attempt is a new call for this console: nothing carries over. So is a call that
  // rings again after it left ringing (a transfer nobody took, coming back to this agent).
  const ringsAgain = !!existing && existing.status !== 'ringing' && snapshot.status === 'ringing';
  const previous =
    existing && existing.attempt === snapshot.attempt && !ringsAgain ? existing : undefined;
  const answeringNow = snapshot.status === 'connecting' || snapshot.status === 'connected';
  return {
    ...snapshot,
    answeredHere: (previous?.answeredHere ?? false) || answeringNow,
    pending: previous?.pending ?? null,
    error: previous?.error ?? null,
    cardDismissed: previous?.cardDismissed ?? false,
    hungUpHere: previous?.hungUpHere ?? false,
    transferredTo: previous?.transferredTo ?? null,
  };
}

function applyList(state: CallsState, calls: CallSnapshot[], receivedAt: number): CallsState {
  const listed = new Set(calls.map((call) => call.id));
  const upserts = calls.map((call) => record(call, state.entities[call.id]));
  // Inbound calls the server no longer lists are gone for good.
  const destroyed = Object.values(state.entities)
    .filter(
      (call): call is CallRecord => !!call && call.direction === 'inbound' && !listed.has(call.id),
    )
    .filter((call) => call.status !== 'destroyed')
    .map((call): CallRecord => ({ ...call, status: 'destroyed', pending: null }));
  const next = callsAdapter.upsertMany([...upserts, ...destroyed], {
    ...state,
    now: Math.max(state.now, receivedAt),
  });
  return pruneEnded(next);
}

function pruneEnded(state: CallsState): CallsState {
  const ended = Object.values(state.entities)
    .filter(
      (call): call is CallRecord =>
        !!call && call.status === 'destroyed' && call.id !== state.outgoingCallId,
    )
    .sort((a, b) => (b.endedAt ?? b.createdAt) - (a.endedAt ?? a.createdAt));
  const stale = ended.slice(ENDED_CALLS_KEPT).map((call) => call.id);
  return stale.length ? callsAdapter.removeMany(stale, state) : state;
}

const setPending =
  (pending: PendingCommand | null, error: string | null = null) =>
  (state: CallsState, { callId }: { callId: string }): CallsState =>
    callsAdapter.updateOne({ id: callId, changes: { pending, error } }, state);

export const callsFeature = createFeature({
  name: 'calls',
  reducer: createReducer(
    initialCallsState,
    on(CallsSocketActions.listReceived, (state, { calls, receivedAt }): CallsState =>
      applyList(state, calls, receivedAt),
    ),
    on(
      RingingCardActions.acceptClicked,
      KeyboardShortcutActions.acceptPressed,
      setPending('accept'),
    ),
    on(
      RingingCardActions.declineClicked,
      KeyboardShortcutActions.declinePressed,
      setPending('decline'),
    ),
    on(
      ActiveCallActions.hangUpClicked,
      CallerCallActions.hangUpClicked,
      DialBoxActions.hangUpClicked,
      KeyboardShortcutActions.hangUpPressed,
      (state, { callId }): CallsState =>
        callsAdapter.updateOne(
          { id: callId, changes: { pending: 'hang-up', error: null, hungUpHere: true } },
          state,
        ),
    ),
    on(ActiveCallActions.holdClicked, KeyboardShortcutActions.holdPressed, setPending('hold')),
    on(
      ActiveCallActions.resumeClicked,
      KeyboardShortcutActions.resumePressed,
      setPending('resume'),
    ),
    on(ActiveCallActions.completeTransferClicked, setPending('complete-transfer')),
    on(ActiveCallActions.cancelTransferClicked, setPending('cancel-transfer')),
    on(
      TransferDialogActions.blindTransferConfirmed,
      TransferDialogActions.warmTransferConfirmed,
      (state, { callId, destination }): CallsState =>
        callsAdapter.updateOne(
          {
            id: callId,
            changes: { pending: 'transfer', error: null, transferredTo: { ...destination } },
          },
          state,
        ),
    ),
    on(
      CallsApiActions.acceptSucceeded,
      CallsApiActions.declineSucceeded,
      CallsApiActions.hangUpSucceeded,
      CallsApiActions.holdSucceeded,
      CallsApiActions.resumeSucceeded,
      CallsApiActions.transferStarted,
      CallsApiActions.transferCompleted,
      setPending(null),
    ),
    on(CallsApiActions.transferCancelled, (state, { callId }): CallsState =>
      callsAdapter.updateOne(
        { id: callId, changes: { pending: null, error: null, transferredTo: null } },
        state,
      ),
    ),
    on(CallsApiActions.callControlFailed, (state, { callId, command, message }): CallsState => {
      const refusedTransfer = command === 'blind-transfer' || command === 'warm-transfer';
      return callsAdapter.updateOne(
        {
          id: callId,
          changes: {
            pending: null,
            error: message,
            ...(refusedTransfer ? { transferredTo: null } : {}),
          },
        },
        state,
      );
    }),
    on(
      CallsApiActions.acceptFailed,
      CallsApiActions.declineFailed,
      (state, { callId, message }): CallsState => setPending(null, message)(state, { callId }),
    ),
    on(CallsApiActions.hangUpFailed, (state, { callId, message }): CallsState =>
      callsAdapter.updateOne(
        { id: callId, changes: { pending: null, error: message, hungUpHere: false } },
        state,
      ),
    ),
    on(RingingCardActions.endedCardExpired, (state, { callId, attempt }): CallsState =>
      // A timer from an earlier attempt must not hide the card of the one ringing now.
      state.entities[callId]?.attempt === attempt
        ? callsAdapter.updateOne({ id: callId, changes: { cardDismissed: true } }, state)
        : state,
    ),
    on(DialBoxActions.callClicked, RecentCallsActions.callBackClicked, (state): CallsState => ({
      ...state,
      dialing: true,
      dialError: null,
      outgoingCallId: null,
    })),
    on(CallsApiActions.outgoingCallUpdated, (state, { call }): CallsState =>
      callsAdapter.upsertOne(record(call, state.entities[call.id]), {
        ...state,
        dialing: false,
        outgoingCallId: call.id,
      }),
    ),
    on(CallsApiActions.dialFailed, (state, { message }): CallsState => ({
      ...state,
      dialing: false,
      dialError: message,
    })),
    on(DialBoxActions.outcomeDismissed, CallerCallActions.closeClicked, (state): CallsState => ({
      ...state,
      outgoingCallId: null,
      dialError: null,
    })),
    on(ClockActions.ticked, (state, { now }): CallsState => ({ ...state, now })),
    on(
      ToolbarActions.signOutClicked,
      AuthSessionActions.expired,
      (): CallsState => initialCallsState,
    ),
  ),
  extraSelectors: ({ selectCallsState }) => ({
    ...callsAdapter.getSelectors(selectCallsState),
  }),
});

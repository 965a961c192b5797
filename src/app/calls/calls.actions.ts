import { createActionGroup, emptyProps, props } from '@ngrx/store';
import type { Party, RequiredSkills, TelephonyErrorReason } from '@switchboard/telephony';
import type { CallSnapshot } from './call-snapshot';

type FailureReason = TelephonyErrorReason | 'unknown';
type CallFailure = { callId: string; reason: FailureReason; message: string };

/** Commands on a call in progress that share one failure action (and one error display). */
export type CallControlCommand =
  'hold' | 'resume' | 'blind-transfer' | 'warm-transfer' | 'complete-transfer' | 'cancel-transfer';

export const CallsSocketActions = createActionGroup({
  source: 'Calls Socket',
  events: {
    /** One `incomingCalls$` emission: the whole list, projected. */
    'List Received': props<{ calls: CallSnapshot[]; receivedAt: number }>(),
  },
});

export const RingingCardActions = createActionGroup({
  source: 'Ringing Card',
  events: {
    'Accept Clicked': props<{ callId: string }>(),
    'Decline Clicked': props<{ callId: string }>(),
    /** An ended card has been shown long enough. */
    'Ended Card Expired': props<{ callId: string; attempt: number }>(),
  },
});

export const KeyboardShortcutActions = createActionGroup({
  source: 'Keyboard Shortcut',
  events: {
    'Accept Pressed': props<{ callId: string }>(),
    'Decline Pressed': props<{ callId: string }>(),
    'Hang Up Pressed': props<{ callId: string }>(),
    'Hold Pressed': props<{ callId: string }>(),
    'Resume Pressed': props<{ callId: string }>(),
    'Mute Microphone Pressed': props<{ callId: string }>(),
    'Unmute Microphone Pressed': props<{ callId: string }>(),
  },
});

export const ActiveCallActions = createActionGroup({
  source: 'Active Call Panel',
  events: {
    'Hang Up Clicked': props<{ callId: string }>(),
    'Hold Clicked': props<{ callId: string }>(),
    'Resume Clicked': props<{ callId: string }>(),
    'Complete Transfer Clicked': props<{ callId: string }>(),
    'Cancel Transfer Clicked': props<{ callId: string }>(),
  },
});

/**
 * Where the caller goes, and, for a group, the skills its agent must hold (name → least level;
 * absent: anyone in it).
 */
type TransferChoice = { callId: string; destination: Party; skills?: RequiredSkills };

/** The transfer picker: the agent chose where the caller goes, and how. */
export const TransferDialogActions = createActionGroup({
  source: 'Transfer Dialog',
  events: {
    /** "Transfer now": hand the caller over and leave. */
    'Blind Transfer Confirmed': props<TransferChoice>(),
    /** "Consult first": hold the caller and talk to the destination. */
    'Warm Transfer Confirmed': props<TransferChoice>(),
  },
});

export const DialBoxActions = createActionGroup({
  source: 'Dial Box',
  events: {
    'Call Clicked': props<{ address: string }>(),
    'Hang Up Clicked': props<{ callId: string }>(),
    'Outcome Dismissed': emptyProps(),
  },
});

/** The caller's own call, in the centre of the console that placed it. */
export const CallerCallActions = createActionGroup({
  source: 'Caller Call Panel',
  events: {
    'Hang Up Clicked': props<{ callId: string }>(),
    /** The ended call has been read: the centre goes back to "Not on a call". */
    'Close Clicked': emptyProps(),
  },
});

export const RecentCallsActions = createActionGroup({
  source: 'Recent Calls',
  events: {
    'Call Back Clicked': props<{ address: string }>(),
  },
});

export const CallsApiActions = createActionGroup({
  source: 'Calls API',
  events: {
    'Accept Succeeded': props<{ callId: string }>(),
    'Accept Failed': props<CallFailure>(),
    'Decline Succeeded': props<{ callId: string }>(),
    'Decline Failed': props<CallFailure>(),
    'Hang Up Succeeded': props<{ callId: string }>(),
    'Hang Up Failed': props<CallFailure>(),
    'Hold Succeeded': props<{ callId: string }>(),
    'Resume Succeeded': props<{ callId: string }>(),
    /** The server took the transfer (blind: this leg ends; warm: the consultation rings). */
    'Transfer Started': props<{ callId: string }>(),
    'Transfer Completed': props<{ callId: string }>(),
    'Transfer Cancelled': props<{ callId: string }>(),
    /** Any hold or transfer command refused or lost: one failure for all of them. */
    'Call Control Failed': props<CallFailure & { command: CallControlCommand }>(),
    /** Every status change of the call this console placed. */
    'Outgoing Call Updated': props<{ call: CallSnapshot }>(),
    'Dial Failed': props<{ address: string; reason: FailureReason; message: string }>(),
  },
});

export const ClockActions = createActionGroup({
  source: 'Clock',
  events: {
    Ticked: props<{ now: number }>(),
  },
});

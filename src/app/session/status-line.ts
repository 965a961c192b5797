import { createSelector } from '@ngrx/store';
import type { Presence } from '@switchboard/telephony';
import { statusText } from '../calls/call-outcome';
import {
  selectActiveCall,
  selectOutgoingCall,
  selectRingingCalls,
  type ActiveCallView,
  type OutgoingCallView,
} from '../calls/calls.selectors';
import { sessionFeature } from './session.feature';

/** What the status line is given: this tab's registration, the server's presence, its calls. */
export interface StatusFacts {
  registered: boolean;
  wantsOnline: boolean;
  presence: Presence;
  activeCall: ActiveCallView | null;
  outgoingCall: OutgoingCallView | null;
  /** Callers ringing this tab now, oldest first. */
  ringingCallerNames: string[];
}

/**
 * The agent's status line, in one sentence that is true now: what the current call is doing
 * (ringing, connected, on hold, consulting, transferring) or, with no call, whether calls ring
 * here, from the presence the server holds (available, away, wrap-up, busy elsewhere).
 */
export function statusLine(facts: StatusFacts): string {
  if (!facts.registered)
    return facts.wantsOnline ? 'Coming online…' : 'Offline: calls do not ring here';
  const call = facts.activeCall;
  if (call && !call.ended) return callLine(call);
  const outgoing = facts.outgoingCall;
  if (outgoing?.live)
    return outgoing.answered
      ? `On a call to ${outgoing.calleeName}`
      : `Calling ${outgoing.calleeName}…`;
  const [first, ...others] = facts.ringingCallerNames;
  if (first)
    return others.length > 0
      ? `Ringing: ${facts.ringingCallerNames.length} calls`
      : `Ringing: ${first} is calling`;
  switch (facts.presence) {
    case 'wrap-up':
      return 'Wrap-up: calls will ring when you are done';
    case 'away':
      return 'Away: calls do not ring here';
    case 'busy':
      // On a call in another tab (or still finishing one): nothing rings until it ends.
      return 'Busy: calls will ring when your call ends';
    default:
      return 'Online: calls ring here';
  }
}

function callLine(call: ActiveCallView): string {
  const transfer = call.transfer;
  if (transfer && transfer.status !== 'failed') {
    if (transfer.mode === 'blind')
      return `Transferring ${call.callerName} to ${transfer.destinationName}`;
    return transfer.status === 'consulting'
      ? `Consulting ${transfer.destinationName}: ${call.callerName} is on hold`
      : `Calling ${transfer.destinationName}: ${call.callerName} is on hold`;
  }
  if (call.held) return `On hold: ${call.callerName} is waiting`;
  if (call.statusText === statusText('connecting')) return `Connecting to ${call.callerName}…`;
  if (call.statusText === statusText('disconnecting'))
    return `Ending the call with ${call.callerName}…`;
  return `On a call with ${call.callerName}`;
}

export const selectStatusLine = createSelector(
  sessionFeature.selectRegistered,
  sessionFeature.selectWantsOnline,
  sessionFeature.selectPresence,
  selectActiveCall,
  selectOutgoingCall,
  selectRingingCalls,
  (registered, wantsOnline, presence, activeCall, outgoingCall, ringing) =>
    statusLine({
      registered,
      wantsOnline,
      presence,
      activeCall,
      outgoingCall,
      ringingCallerNames: ringing.map((call) => call.from.name),
    }),
);

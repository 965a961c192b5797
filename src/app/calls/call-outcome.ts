import type { CallLifecycleStatus } from '@switchboard/telephony';
import type { CallSnapshot } from './call-snapshot';

/**
 * Why a call ended, in the words an agent reads on its card: "Answered by Grace Hopper",
 * "Caller hung up", "Declined", "Missed"… null while the call has not ended.
 */
export function outcomeText(
  call: Pick<CallSnapshot, 'direction' | 'status' | 'endReason' | 'answeredBy'> & {
    /** This tab hung up (known for calls in the store; unknown reads as "someone did"). */
    hungUpHere?: boolean;
    /** Who this tab transferred the call to, when it did ("Transferred to support"). */
    transferDestination?: string | null;
  },
  selfUserId: string | null,
): string | null {
  const outbound = call.direction === 'outbound';
  switch (call.endReason) {
    case 'answered_elsewhere':
      if (!call.answeredBy) return 'Answered elsewhere';
      return call.answeredBy.id === selfUserId
        ? 'Answered in another tab'
        : `Answered by ${call.answeredBy.name}`;
    case 'caller_cancelled':
      return outbound ? 'Cancelled' : 'Caller hung up';
    case 'rejected':
      return 'Declined';
    case 'no_answer':
      return outbound ? 'No answer' : 'Missed';
    case 'hangup':
      // The server says only "hung up": on a call answered here, if this tab did not, the
      // caller did (or their tab closed, or their network went).
      return !outbound && call.hungUpHere === false ? 'Caller hung up' : 'Hung up';
    case 'transferred':
      return call.transferDestination
        ? `Transferred to ${call.transferDestination}`
        : 'Transferred';
    case 'failed':
      return 'Failed';
    case 'closed':
      return 'Closed';
    case null:
      return hasEnded(call.status) ? 'Ended' : null;
  }
}

export function hasEnded(status: CallLifecycleStatus): boolean {
  return status === 'disconnected' || status === 'destroyed';
}

const statusTexts: Record<CallLifecycleStatus, string> = {
  ringing: 'Ringing',
  connecting: 'Connecting…',
  connected: 'Connected',
  disconnecting: 'Hanging up…',
  disconnected: 'Ended',
  destroyed: 'Ended',
};

export function statusText(status: CallLifecycleStatus): string {
  return statusTexts[status];
}

/** "0:07", "12:34", "1:02:03". */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** Whether a party's address is a phone number (the server gives phones in E.164: "+14155550100"). */
export function isPhoneNumber(address: string): boolean {
  return /^\+[1-9][0-9]{4,14}$/.test(address);
}

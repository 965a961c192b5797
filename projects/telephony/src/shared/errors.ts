import type { ErrorCode } from '../protocol';

/**
 * Why an SDK operation failed. The server's error codes pass through unchanged; the rest are
 * the SDK's own: the socket was not there, closed mid-request, or never answered.
 */
export type TelephonyErrorReason = ErrorCode | 'not-connected' | 'connection-closed' | 'timeout';

export class TelephonyError extends Error {
  override readonly name = 'TelephonyError';

  constructor(
    readonly reason: TelephonyErrorReason,
    message: string,
  ) {
    super(message);
  }
}

/** Turns anything thrown by an SDK call into a reason a reducer can keep. */
export function errorReason(error: unknown): TelephonyErrorReason | 'unknown' {
  return error instanceof TelephonyError ? error.reason : 'unknown';
}

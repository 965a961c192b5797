/**
 * The one error type handlers throw. The app's single error handler maps `reason` to an HTTP
 * status (and the session gateway to an error frame), so no handler picks status codes itself
 * and 5xx internals never reach a client.
 */
export type ErrorReason =
  | 'bad-request'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'wrong-state'
  | 'too-large'
  | 'too-many-requests';

export const statusForReason: Record<ErrorReason, number> = {
  'bad-request': 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'wrong-state': 409,
  'too-large': 413,
  'too-many-requests': 429,
};

export class AppError extends Error {
  constructor(
    readonly reason: ErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** A limit was reached (sign-in attempts, calls): 429, with when to try again. */
export class TooManyRequests extends AppError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('too-many-requests', message);
  }
}

export const notFound = (what: string) => new AppError('not-found', `${what} not found`);

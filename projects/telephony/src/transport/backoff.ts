export interface BackoffOptions {
  /** Delay before the first retry. */
  initialDelayMs: number;
  /** No retry waits longer than this. */
  maxDelayMs: number;
  /** 0..1 share of each delay that is randomised, so a fleet of consoles does not retry in step. */
  jitter: number;
}

export const defaultBackoff: BackoffOptions = {
  initialDelayMs: 500,
  maxDelayMs: 15_000,
  jitter: 0.3,
};

/** Exponential backoff: attempt 0 waits about initialDelayMs, each next attempt twice as long. */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** attempt);
  const spread = ceiling * options.jitter;
  return Math.round(ceiling - spread + random() * spread);
}

/**
 * Time as a dependency: the clock and one-shot timers. Everything in call control that waits
 * (routing's deadlines, media's grace periods, the supervisor feed's coalescing) takes a
 * Scheduler, so tests drive time with `ManualScheduler` (server/test) instead of sleeping.
 */
export type CancelTimer = () => void;

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export interface Scheduler extends Clock {
  schedule(delayMs: number, task: () => void): CancelTimer;
}

export const systemScheduler: Scheduler = {
  now: () => Date.now(),
  schedule(delayMs, task) {
    const handle = setTimeout(task, Math.max(0, delayMs));
    return () => clearTimeout(handle);
  },
};

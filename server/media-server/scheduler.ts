/**
 * Time as a dependency of the media server: the clock and one-shot timers of its token refresh
 * and webhook retries, so tests move time instead of waiting minutes. The same shape as call
 * control's Scheduler (server/shared/scheduler.ts), declared here because the media server
 * imports nothing from call control; tests pass call control's ManualScheduler.
 */
export type CancelTimer = () => void;

export interface MediaScheduler {
  /** Epoch milliseconds. */
  now(): number;
  schedule(delayMs: number, task: () => void): CancelTimer;
}

/**
 * The wall clock. Its timers are unref'd: a pending token refresh or webhook retry never keeps a
 * process alive by itself (`close()` waits for the webhooks in flight explicitly).
 */
export const systemScheduler: MediaScheduler = {
  now: () => Date.now(),
  schedule(delayMs, task) {
    const handle = setTimeout(task, Math.max(0, delayMs));
    handle.unref();
    return () => clearTimeout(handle);
  },
};

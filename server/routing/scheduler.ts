/**
 * Time for the router: the clock and one-shot timers. Injected so unit tests drive ring
 * timeouts, retries and lingering with a manual clock instead of waiting for them.
 */
export type CancelTimer = () => void;

export interface Scheduler {
  /** Epoch milliseconds. */
  now(): number;
  schedule(delayMs: number, task: () => void): CancelTimer;
}

export const systemScheduler: Scheduler = {
  now: () => Date.now(),
  schedule(delayMs, task) {
    const handle = setTimeout(task, Math.max(0, delayMs));
    return () => clearTimeout(handle);
  },
};

/**
 * Named timers, so "the ring timeout of call X" can be replaced or cancelled by name and
 * every pending timer can be dropped when the router stops.
 */
export class TimerRegistry {
  private readonly timers = new Map<string, CancelTimer>();

  constructor(private readonly scheduler: Scheduler) {}

  /** Starts (or restarts) the timer called `name`. */
  set(name: string, delayMs: number, task: () => void): void {
    this.clear(name);
    const cancel = this.scheduler.schedule(delayMs, () => {
      this.timers.delete(name);
      task();
    });
    this.timers.set(name, cancel);
  }

  clear(name: string): void {
    const cancel = this.timers.get(name);
    if (!cancel) return;
    this.timers.delete(name);
    cancel();
  }

  clearAll(): void {
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
  }

  get size(): number {
    return this.timers.size;
  }
}

/**
 * A Scheduler whose clock only moves when a test says so. Tasks due at the same instant run in
 * the order they were scheduled, like Node's timers.
 */
import type { CancelTimer, Scheduler } from '../shared/scheduler.ts';

interface PendingTask {
  dueAt: number;
  order: number;
  task: () => void;
}

export class ManualScheduler implements Scheduler {
  private current: number;
  private order = 0;
  private pending: PendingTask[] = [];

  constructor(startAt = 1_700_000_000_000) {
    this.current = startAt;
  }

  now(): number {
    return this.current;
  }

  schedule(delayMs: number, task: () => void): CancelTimer {
    const entry: PendingTask = {
      dueAt: this.current + Math.max(0, delayMs),
      order: this.order++,
      task,
    };
    this.pending.push(entry);
    return () => {
      this.pending = this.pending.filter((candidate) => candidate !== entry);
    };
  }

  /** Moves the clock forward, running every task that falls due on the way, in time order. */
  advance(milliseconds: number): void {
    const target = this.current + milliseconds;
    for (;;) {
      const next = this.nextDue();
      if (!next || next.dueAt > target) break;
      this.pending = this.pending.filter((candidate) => candidate !== next);
      this.current = next.dueAt;
      next.task();
    }
    this.current = target;
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  /** How far from now each pending task is due, soonest first (what a test waits to see armed). */
  dueIn(): number[] {
    return this.pending.map((entry) => entry.dueAt - this.current).sort((a, b) => a - b);
  }

  private nextDue(): PendingTask | undefined {
    let next: PendingTask | undefined;
    for (const entry of this.pending) {
      if (
        !next ||
        entry.dueAt < next.dueAt ||
        (entry.dueAt === next.dueAt && entry.order < next.order)
      )
        next = entry;
    }
    return next;
  }
}

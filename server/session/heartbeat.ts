/**
 * Heartbeats for every session socket, spread over the interval: pinging thousands of sockets
 * in one tick would stall the event loop (and every ring) for tens of milliseconds, so each
 * 100 ms tick pings its share and every socket is still visited once per interval.
 */
export interface HeartbeatTarget {
  /** Pings, or terminates a socket that left the last two pings unanswered. */
  heartbeat(): void;
}

const TICK_MS = 100;

export class Heartbeat<Target extends HeartbeatTarget> {
  readonly targets = new Set<Target>();
  private round: Target[] = [];
  private cursor = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly intervalMs: number) {
    this.timer = setInterval(() => this.tick(), Math.min(TICK_MS, intervalMs));
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private tick(): void {
    if (this.cursor >= this.round.length) {
      this.round = [...this.targets];
      this.cursor = 0;
    }
    const perTick = Math.ceil(
      (this.round.length * Math.min(TICK_MS, this.intervalMs)) / this.intervalMs,
    );
    const end = Math.min(this.round.length, this.cursor + perTick);
    for (; this.cursor < end; this.cursor++) {
      const target = this.round[this.cursor]!;
      // Sockets that closed since the round began are skipped, not pinged.
      if (this.targets.has(target)) target.heartbeat();
    }
  }
}

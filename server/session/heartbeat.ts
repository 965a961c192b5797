/**
 * Heartbeats for every socket, each exactly once per interval, spread over the interval:
 * pinging thousands of sockets in one tick would stall the event loop (and every ring) for tens
 * of milliseconds. The interval is cut into 100 ms slots; a socket joins the slot with the
 * fewest sockets and is visited whenever the clock passes its slot, so its own beats are one
 * interval apart whether there is one socket or ten thousand.
 */
export interface HeartbeatTarget {
  /** Pings, or terminates a socket that left the last two beats unanswered. */
  heartbeat(): void;
}

const TICK_MS = 100;

/** The set of sockets to beat; adding one gives it a slot, deleting it frees the slot. */
class HeartbeatTargets<Target> extends Set<Target> {
  private readonly slotOf = new Map<Target, number>();

  constructor(readonly slots: Set<Target>[]) {
    super();
  }

  override add(target: Target): this {
    if (this.slotOf.has(target)) return this;
    let emptiest = 0;
    for (let index = 1; index < this.slots.length; index++)
      if (this.slots[index].size < this.slots[emptiest].size) emptiest = index;
    this.slots[emptiest].add(target);
    this.slotOf.set(target, emptiest);
    return super.add(target);
  }

  override delete(target: Target): boolean {
    const slot = this.slotOf.get(target);
    if (slot !== undefined) this.slots[slot].delete(target);
    this.slotOf.delete(target);
    return super.delete(target);
  }

  override clear(): void {
    for (const slot of this.slots) slot.clear();
    this.slotOf.clear();
    super.clear();
  }
}

export class Heartbeat<Target extends HeartbeatTarget> {
  readonly targets: Set<Target>;
  private readonly slots: Set<Target>[];
  private slot = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs: number) {
    const tickMs = Math.min(TICK_MS, intervalMs);
    this.slots = Array.from(
      { length: Math.max(1, Math.round(intervalMs / tickMs)) },
      () => new Set<Target>(),
    );
    this.targets = new HeartbeatTargets(this.slots);
    this.timer = setInterval(() => this.tick(), tickMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private tick(): void {
    // A copy: a beat may terminate its socket, whose close handler removes it from the slot.
    for (const target of [...this.slots[this.slot]]) target.heartbeat();
    this.slot = (this.slot + 1) % this.slots.length;
  }
}

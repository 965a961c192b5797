/**
 * Logging for things any client can cause at will (protocol errors, refused frames): one line
 * per kind per interval, the next one saying how many were left out, so a misbehaving client
 * cannot flood the log or hide other lines in it.
 */

export interface WarnLog {
  warn(details: object, message: string): void;
}

export class RateLimitedLog {
  private readonly windows = new Map<string, { until: number; suppressed: number }>();

  constructor(
    private readonly log: WarnLog,
    private readonly intervalMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Logs at warn unless a line of the same `kind` went out less than the interval ago. */
  warn(kind: string, details: object, message: string): void {
    const now = this.now();
    const window = this.windows.get(kind);
    if (window && window.until > now) {
      window.suppressed++;
      return;
    }
    const suppressed = window?.suppressed ?? 0;
    this.windows.set(kind, { until: now + this.intervalMs, suppressed: 0 });
    // Kinds come from a fixed set in practice; this keeps a surprise from growing without end.
    if (this.windows.size > 1_000) this.windows.clear();
    this.log.warn(
      { ...details, kind, ...(suppressed ? { suppressedSinceLast: suppressed } : {}) },
      message,
    );
  }
}

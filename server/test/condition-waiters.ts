/**
 * "Resolve when this becomes true" for the test clients that watch a socket: each incoming
 * frame calls `notify()`, and every pending condition is checked again. A condition that never
 * holds fails with the description and the client's state, so a red test says what it saw.
 */
export class ConditionWaiters {
  private readonly waiters = new Set<() => void>();

  /** `describeState` is appended to timeout errors (e.g. the last list of calls). */
  constructor(private readonly describeState: () => string) {}

  notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  /** Resolves with the first truthy value of `condition`, re-checked on every `notify()`. */
  waitUntil<T>(
    condition: () => T | undefined | null | false,
    description: string,
    timeoutMs = 5000,
  ): Promise<T> {
    const first = condition();
    if (first) return Promise.resolve(first);
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        const value = condition();
        if (!value) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(value);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${description}; ${this.describeState()}`,
          ),
        );
      }, timeoutMs);
      this.waiters.add(check);
    });
  }
}

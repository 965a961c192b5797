/**
 * Failed sign-ins, counted per account (tenant + email, whether or not it exists, so a lockout
 * reveals nothing) and per client address over a sliding window. Checked before any password is
 * hashed: a locked account or client costs the server nothing. A successful sign-in clears its
 * account's failures (not the client's, so one good password does not buy another burst).
 */
import { TooManyRequests } from '../shared/errors.ts';

export interface LoginThrottleLimits {
  maxFailuresPerAccount: number;
  maxFailuresPerClient: number;
  windowMs: number;
}

/** Keys kept before the oldest are forgotten, so a spray of addresses cannot exhaust memory. */
const MAX_TRACKED_KEYS = 100_000;

export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limits: LoginThrottleLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Throws TooManyRequests (429 with Retry-After) when the account or the client is locked. */
  check(account: string, client: string): void {
    const now = this.now();
    for (const [key, limit, what] of [
      [this.accountKey(account), this.limits.maxFailuresPerAccount, 'this account'],
      [this.clientKey(client), this.limits.maxFailuresPerClient, 'this client'],
    ] as const) {
      const recent = this.recent(key, now);
      if (recent.length >= limit) {
        const retryAfterMs = recent[recent.length - limit] + this.limits.windowMs - now;
        throw new TooManyRequests(
          `too many failed sign-ins for ${what}; try again in ${Math.ceil(retryAfterMs / 1000)} s`,
          retryAfterMs / 1000,
        );
      }
    }
  }

  failed(account: string, client: string): void {
    const now = this.now();
    for (const key of [this.accountKey(account), this.clientKey(client)]) {
      const recent = this.recent(key, now);
      recent.push(now);
      // Re-inserted so the map's order is least recently failed first.
      this.failures.delete(key);
      this.failures.set(key, recent);
    }
    while (this.failures.size > MAX_TRACKED_KEYS)
      this.failures.delete(this.failures.keys().next().value!);
  }

  succeeded(account: string): void {
    this.failures.delete(this.accountKey(account));
  }

  private recent(key: string, now: number): number[] {
    const times = this.failures.get(key) ?? [];
    const recent = times.filter((time) => time > now - this.limits.windowMs);
    if (recent.length) this.failures.set(key, recent);
    else this.failures.delete(key);
    return recent;
  }

  private accountKey(account: string): string {
    return `account:${account.toLowerCase()}`;
  }

  private clientKey(client: string): string {
    return `client:${client}`;
  }
}

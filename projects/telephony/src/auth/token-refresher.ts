import { TypedEmitter } from '../shared/typed-emitter';

/** A session token and when it stops working (epoch milliseconds). */
export interface TokenGrant {
  token: string;
  expiresAt: number;
}

export type TokenRefresherEvents = {
  refreshed: TokenGrant;
  /** The server refused the token itself: only signing in again helps. */
  rejected: string;
};

export interface TokenRefresherOptions {
  refreshUrl?: string;
  fetch?: typeof fetch;
  /** Wait between attempts after a refresh failed for a reason other than the token. */
  retryDelayMs?: number;
}

const MAX_LEAD_MS = 60_000;

/** The refresh endpoint refused the token (401/403); retrying with it is pointless. */
export class TokenRejectedError extends Error {
  override readonly name = 'TokenRejectedError';
}

/**
 * Keeps a token fresh: asks `/api/auth/refresh` shortly before it expires (a fifth of its
 * remaining life, at most a minute early), retries network failures, and reports the new
 * grant so the socket's next reconnect and the app's storage use it.
 */
export class TokenRefresher extends TypedEmitter<TokenRefresherEvents> {
  private grant: TokenGrant;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private inFlight: Promise<TokenGrant> | null = null;
  private stopped = true;
  private readonly refreshUrl: string;
  private readonly fetchImpl: typeof fetch;
  private readonly retryDelayMs: number;

  constructor(grant: TokenGrant, options: TokenRefresherOptions = {}) {
    super();
    this.grant = grant;
    this.refreshUrl = options.refreshUrl ?? '/api/auth/refresh';
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.retryDelayMs = options.retryDelayMs ?? 5_000;
  }

  get current(): TokenGrant {
    return this.grant;
  }

  start(): void {
    this.stopped = false;
    this.schedule(refreshDelay(this.grant.expiresAt, Date.now()));
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Refreshes now unless the token still has more than its lead time left. */
  async ensureFresh(): Promise<TokenGrant> {
    if (refreshDelay(this.grant.expiresAt, Date.now()) > 0) return this.grant;
    return this.refreshNow();
  }

  /** One request at a time: concurrent callers share it. */
  refreshNow(): Promise<TokenGrant> {
    this.inFlight ??= this.requestRefresh().finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  private async requestRefresh(): Promise<TokenGrant> {
    const response = await this.fetchImpl(this.refreshUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.grant.token}` },
    });
    if (response.status === 401 || response.status === 403) {
      const message = `token refresh refused (${response.status})`;
      this.emit('rejected', message);
      throw new TokenRejectedError(message);
    }
    if (!response.ok) throw new Error(`token refresh failed (${response.status})`);
    const body = (await response.json()) as TokenGrant;
    this.grant = { token: body.token, expiresAt: body.expiresAt };
    this.emit('refreshed', this.grant);
    return this.grant;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.refreshNow().then(
        (grant) => this.schedule(refreshDelay(grant.expiresAt, Date.now())),
        (error: unknown) => {
          const remaining = this.grant.expiresAt - Date.now();
          if (error instanceof TokenRejectedError || remaining <= 0) return; // expired: the next reconnect's ensureFresh() reports it
          console.warn('[telephony] token refresh failed; retrying', error);
          this.schedule(Math.min(this.retryDelayMs, remaining / 2));
        },
      );
    }, delayMs);
  }
}

/** Milliseconds until a token expiring at `expiresAt` should be refreshed (0 = now). */
export function refreshDelay(expiresAt: number, now: number): number {
  const remaining = expiresAt - now;
  const lead = Math.min(MAX_LEAD_MS, remaining * 0.2);
  return Math.max(0, Math.floor(remaining - lead));
}

/** Reads `exp` from a JWT without verifying it (the server verifies); null when absent. */
export function tokenExpiry(token: string): number | null {
  try {
    const payload = token.split('.')[1] ?? '';
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : null;
  } catch {
    return null;
  }
}

/**
 * Caps on live calls: per user (calls a user's tabs dial, or a supervisor places through the
 * API), per API key (a tenant's server-to-server calls) and per tenant (everything). A place
 * is taken before the address is even looked up, so a burst cannot slip past the count while
 * its calls are being created, and given back when the call ends (or was never created).
 * Past a cap: TooManyRequests (429 / a `too-many-requests` frame), and nothing is created.
 */
import { TooManyRequests } from '../shared/errors.ts';
import type { LiveCall, TransitionListener } from '../routing/index.ts';

export interface CallLimitSettings {
  maxLiveCallsPerUser: number;
  maxLiveCallsPerApiKey: number;
  maxLiveCallsPerTenant: number;
}

/** Who places a call: a user (tab or token) or the tenant's API key. */
export type CallPlacer = { tenantId: string; userId: string } | { tenantId: string; apiKey: true };

export interface CallSource {
  observeTransitions(listener: TransitionListener): () => void;
}

/** How soon a caller may expect a place to free up; calls last longer, this only paces retries. */
const RETRY_AFTER_SECONDS = 5;

export class CallLimits {
  private readonly counts = new Map<string, number>();
  private readonly placesOfCall = new Map<string, string[]>();

  constructor(private readonly settings: CallLimitSettings) {}

  /** Frees a call's place when routing ends it; returns the function that stops following. */
  follow(routing: CallSource): () => void {
    return routing.observeTransitions((transitions) => {
      for (const transition of transitions)
        if (transition.type === 'callEnded') this.release(transition.callId);
    });
  }

  /**
   * Runs `create` holding a place for one more live call of `placer`. `ended` says whether the
   * created call is already over (it may end in the step that created it).
   */
  async place<Call extends { id: string }>(
    placer: CallPlacer,
    create: () => Promise<Call>,
    ended: (call: Call) => boolean,
  ): Promise<Call> {
    const places = this.reserve(placer);
    let call: Call;
    try {
      call = await create();
    } catch (error) {
      this.give(places);
      throw error;
    }
    if (ended(call)) this.give(places);
    else this.placesOfCall.set(call.id, places);
    return call;
  }

  /**
   * Counts live calls this node did not place: a cluster's new owner adopting a tenant's calls
   * (server/cluster). Each takes the places it took where it was placed, limits or not (they
   * were within them then), and gives them back when it ends.
   */
  adopt(calls: readonly LiveCall[]): void {
    for (const call of calls) {
      const placer = placerOf(call);
      if (!placer || this.placesOfCall.has(call.id)) continue;
      const places = this.placesOf(placer).map(([key]) => key);
      for (const key of places) this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
      this.placesOfCall.set(call.id, places);
    }
  }

  /** Forgets a tenant's calls: another node runs them now (and counts them). */
  forgetTenant(tenantId: string): void {
    const tenantPlace = `tenant:${tenantId}`;
    for (const [callId, places] of this.placesOfCall)
      if (places.includes(tenantPlace)) this.release(callId);
  }

  private placesOf(placer: CallPlacer): [string, number, string][] {
    const { maxLiveCallsPerUser, maxLiveCallsPerApiKey, maxLiveCallsPerTenant } = this.settings;
    return [
      'userId' in placer
        ? [`user:${placer.tenantId}:${placer.userId}`, maxLiveCallsPerUser, 'user']
        : [`key:${placer.tenantId}`, maxLiveCallsPerApiKey, 'API key'],
      [`tenant:${placer.tenantId}`, maxLiveCallsPerTenant, 'tenant'],
    ];
  }

  private reserve(placer: CallPlacer): string[] {
    const places = this.placesOf(placer);
    for (const [key, limit, what] of places)
      if ((this.counts.get(key) ?? 0) >= limit)
        throw new TooManyRequests(
          `limit reached: at most ${limit} live calls per ${what}; end a call or try again later`,
          RETRY_AFTER_SECONDS,
        );
    for (const [key] of places) this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    return places.map(([key]) => key);
  }

  private release(callId: string): void {
    const places = this.placesOfCall.get(callId);
    if (!places) return;
    this.placesOfCall.delete(callId);
    this.give(places);
  }

  private give(places: string[]): void {
    for (const key of places) {
      const count = (this.counts.get(key) ?? 1) - 1;
      if (count > 0) this.counts.set(key, count);
      else this.counts.delete(key);
    }
  }
}

/**
 * Who a live call's place was taken for, read back from the call: a tab's dial counts against
 * its user; an HTTP API call against the user whose token placed it or the tenant's API key.
 * Consultation calls (warm transfers) and phones' calls never took a place.
 */
export function placerOf(call: LiveCall): CallPlacer | null {
  if (call.phase === 'ended') return null;
  const { tenantId } = call;
  if (call.origin === 'session')
    return call.fromUserId && !call.consultationFor ? { tenantId, userId: call.fromUserId } : null;
  if (call.origin === 'api')
    return call.placedByUserId
      ? { tenantId, userId: call.placedByUserId }
      : { tenantId, apiKey: true };
  return null;
}

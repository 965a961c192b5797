/**
 * Not ready after a missed call ("Missed", as Amazon Connect calls it): an available agent who
 * lets a call ring out (its ring timeout, or a private call's whole wait) stops being rung, with
 * presence `away` and the reason on its `presence` frames, until it chooses a presence again
 * (one click on "Available"). Calls stop ringing into an empty chair.
 *
 * The managers that end legs as `missed` (attempts.ts on a ring timeout, call-ending.ts when a
 * call gives up) hand the legs here once they are done ending them, so the presence change (which
 * withdraws the agent's other ringing legs) never runs in the middle of their loop.
 */
import type { LiveCall, LiveLeg } from './state/live-state.ts';
import type { RoutingState } from './state/routing-state.ts';
import type { PresenceTracker } from './presence.ts';

export class NotReady {
  constructor(
    private readonly state: RoutingState,
    private readonly presence: PresenceTracker,
    /** NOT_READY_AFTER_MISSED_CALL (on unless set to false). */
    private readonly enabled: boolean,
  ) {}

  /** `legs` of `call` just ended `missed`: their agents, if still available, are set not ready. */
  missed(call: LiveCall, legs: readonly LiveLeg[]): void {
    if (!this.enabled) return;
    const userIds = new Set(
      legs.filter((leg) => leg.outcome === 'missed').map((leg) => leg.userId),
    );
    for (const userId of userIds) {
      const agent = this.state.read.agent(call.tenantId, userId);
      if (!agent || agent.notReady || !this.presence.isAvailable(agent)) continue;
      this.state.apply({
        type: 'agentNotReady',
        tenantId: call.tenantId,
        userId,
        callId: call.id,
        reason: 'missed',
      });
      this.presence.refresh(agent);
    }
  }
}

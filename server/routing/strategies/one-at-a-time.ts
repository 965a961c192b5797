/**
 * Strategies that ring one agent at a time and move on to the next when that agent declines
 * or lets the attempt time out: longest-idle, round-robin and sequential. They differ only in
 * who goes first; what they share is here. Within a round (see `LiveCall.roundFirstAttempt`)
 * an agent who declined or missed the call is not rung again; once everyone available was
 * tried, the call waits its retry interval and a new round starts. An agent who rings for another
 * call is skipped (one call rings an agent at a time); when that ring ends they are offered the
 * waiting calls again (call-queue.ts).
 */
import type { LiveCall } from '../state/live-state.ts';
import type { RingCandidate, RingStrategy } from './ring-strategy.ts';

/** Orders the untried candidates; the first one rings. */
type Preference = (a: RingCandidate, b: RingCandidate) => number;

function oneAtATime(name: string, prefer: Preference | null): RingStrategy {
  return {
    name,
    ringsOneAtATime: true,
    choose(call, candidates) {
      if (isRinging(call)) return [];
      const untried = candidates.filter(
        (candidate) => !candidate.ringingElsewhere && !triedThisRound(call, candidate),
      );
      // Array.prototype.sort is stable: ties keep member order.
      const [first] = prefer ? [...untried].sort(prefer) : untried;
      return first ? [first] : [];
    },
  };
}

/** Someone rings for the call's current attempt: nobody else joins it. */
function isRinging(call: Readonly<LiveCall>): boolean {
  if (call.phase !== 'ringing') return false;
  return call.legs.some(
    (leg) => leg.attempt === call.attempt && leg.listed && leg.status === 'ringing',
  );
}

function triedThisRound(call: Readonly<LiveCall>, candidate: RingCandidate): boolean {
  // A snapshot taken before rounds existed has no round: it counts from the first attempt.
  const roundFirstAttempt = call.roundFirstAttempt ?? 1;
  return call.legs.some(
    (leg) =>
      leg.userId === candidate.agent.userId &&
      leg.attempt >= roundFirstAttempt &&
      (leg.outcome === 'rejected' || leg.outcome === 'missed'),
  );
}

/** The agent available for longest (earliest `presenceSince`) rings first. */
export const longestIdle = oneAtATime(
  'longest-idle',
  (a, b) => a.agent.presenceSince - b.agent.presenceSince,
);

/** The agent rung least recently, for any call, rings first: calls go round the members. */
export const roundRobin = oneAtATime(
  'round-robin',
  (a, b) => (a.agent.lastRungAt ?? -Infinity) - (b.agent.lastRungAt ?? -Infinity) || 0,
);

/** Members ring in the group's member order, every call starting with the first. */
export const sequential = oneAtATime('sequential', null);

/**
 * Who a call is offered to next. Routing finds the candidates (available target agents with
 * their online tabs, minus tabs already ringing for the call); a strategy picks which of them
 * ring now. It is a pure policy: it reads the call (its legs say who rang and how it went) and
 * the candidates, and changes nothing.
 *
 * A group rings everyone available (`ring-all`) unless it names another strategy through
 * `CallTarget.strategy`: longest-idle, round-robin or sequential (one-at-a-time.ts) ring one
 * agent and move on to the next when that one declines or times out. Behaviour that needs time
 * (overflow to another group after a delay, business hours) is a deadline on the call plus a
 * redirect, not a strategy.
 */
import type { AgentState, LiveCall, LiveSession } from '../state/live-state.ts';
import { longestIdle, roundRobin, sequential } from './one-at-a-time.ts';

export interface RingCandidate {
  agent: Readonly<AgentState>;
  /** The agent's online tabs that may ring for this call. */
  sessions: readonly LiveSession[];
  /**
   * The agent rings for another call right now. Ring-all rings them anyway (their list shows
   * every call); the one-at-a-time strategies never offer an agent a second call at once.
   */
  ringingElsewhere: boolean;
}

export interface RingStrategy {
  readonly name: string;
  /**
   * True: when the agent rung declines or times out, the next one rings at once (attempts.ts);
   * the retry interval only follows a round in which everyone available was tried.
   */
  readonly ringsOneAtATime: boolean;
  /** The candidates to ring now, in the order given or any order the strategy prefers. */
  choose(
    call: Readonly<LiveCall>,
    candidates: readonly RingCandidate[],
    now: number,
  ): readonly RingCandidate[];
}

/** Rings every available member at once; the first accept wins. */
export const ringAll: RingStrategy = {
  name: 'ring-all',
  ringsOneAtATime: false,
  choose: (_call, candidates) => candidates,
};

/** The strategies a ring group may name (the ring-groups API validates against these names). */
export const RING_STRATEGY_NAMES = [
  'ring-all',
  'longest-idle',
  'round-robin',
  'sequential',
] as const;
export type RingStrategyName = (typeof RING_STRATEGY_NAMES)[number];

export class RingStrategies {
  private readonly byName = new Map<string, RingStrategy>();

  constructor(
    strategies: readonly RingStrategy[] = [],
    private readonly fallback: RingStrategy = ringAll,
  ) {
    for (const strategy of [...BUILT_IN_STRATEGIES, ...strategies])
      this.byName.set(strategy.name, strategy);
  }

  /** The strategy of the group the call rings now (its redirect's, if any); a person rings as is. */
  of(call: Readonly<LiveCall>): RingStrategy {
    const target = call.redirect?.target ?? call.target;
    if (target.kind !== 'group') return ringAll;
    return this.byName.get(target.strategy ?? '') ?? this.fallback;
  }
}

const BUILT_IN_STRATEGIES: readonly RingStrategy[] = [ringAll, longestIdle, roundRobin, sequential];

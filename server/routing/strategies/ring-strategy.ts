/**
 * Who a call is offered to next. Routing finds the candidates (available target agents with
 * their online tabs, minus tabs already ringing for the call); a strategy picks which of them
 * ring now. It is a pure policy: it reads the call (its legs say who rang and how it went) and
 * the candidates, and changes nothing.
 *
 * Today every group rings everyone available (`ring-all`). Further strategies plug in here
 * by name, chosen per ring group through `CallTarget.strategy`: longest-idle (sort by
 * `agent.presenceSince`, take one), round-robin or sequential (skip those the call's legs show
 * were rung this attempt), skills with levels, priority. Behaviour that needs time (overflow to
 * another group after a delay, business hours) is a deadline on the call plus a redirect, not
 * a strategy.
 */
import type { AgentState, LiveCall, LiveSession } from '../state/live-state.ts';

export interface RingCandidate {
  agent: Readonly<AgentState>;
  /** The agent's online tabs that may ring for this call. */
  sessions: readonly LiveSession[];
}

export interface RingStrategy {
  readonly name: string;
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
  choose: (_call, candidates) => candidates,
};

export class RingStrategies {
  private readonly byName = new Map<string, RingStrategy>();

  constructor(
    strategies: readonly RingStrategy[] = [],
    private readonly fallback: RingStrategy = ringAll,
  ) {
    for (const strategy of [ringAll, ...strategies]) this.byName.set(strategy.name, strategy);
  }

  /** The strategy of the group the call rings now (its redirect's, if any); a person rings as is. */
  of(call: Readonly<LiveCall>): RingStrategy {
    const target = call.redirect?.target ?? call.target;
    if (target.kind !== 'group') return ringAll;
    return this.byName.get(target.strategy ?? '') ?? this.fallback;
  }
}

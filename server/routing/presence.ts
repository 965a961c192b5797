/**
 * Agent presence. Agents choose available, away or wrap-up; the facts decide the rest: no online
 * tab means offline, a connected call means busy, after-call work (after-call-work.ts) means
 * wrap-up until it ends. Only an available agent is rung.
 *
 * What follows from a change (an agent who stopped being available stops ringing; one who
 * became available is offered the calls waiting for it) is registered by the managers that do
 * it, through `onChange` (attempts.ts, call-queue.ts), so this stays at the bottom of routing.
 * A new presence rule (wrap-up for a while after a call, not-ready after a missed call) is a
 * fact in AgentState, a transition that sets it, a deadline that ends it, and a line in
 * `effective`.
 */
import type { Presence } from '../../protocol/session-protocol.ts';
import type { AgentState, LiveSession } from './state/live-state.ts';
import type { RoutingState } from './state/routing-state.ts';

export class PresenceTracker {
  constructor(private readonly state: RoutingState) {}

  onlineSessions(agent: AgentState): LiveSession[] {
    const sessions: LiveSession[] = [];
    for (const sessionId of agent.sessionIds) {
      const session = this.state.read.session(sessionId);
      if (session?.online) sessions.push(session);
    }
    return sessions;
  }

  effective(agent: AgentState): Presence {
    if (this.onlineSessions(agent).length === 0) return 'offline';
    if (agent.activeCallIds.length > 0) return 'busy';
    if (agent.wrapUp) return 'wrap-up';
    if (agent.notReady) return 'away';
    return agent.chosenPresence;
  }

  isAvailable(agent: AgentState): boolean {
    return this.effective(agent) === 'available';
  }

  /** Recomputes the agent's presence after anything that may change it. */
  refresh(agent: AgentState): void {
    const next = this.effective(agent);
    if (next === agent.presence) return;
    this.state.apply({
      type: 'presenceChanged',
      tenantId: agent.tenantId,
      userId: agent.userId,
      presence: next,
      previous: agent.presence,
    });
  }

  /** Runs `reaction` with the agent right after its presence changed, in the same step. */
  onChange(reaction: (agent: AgentState) => void): void {
    this.state.react('presenceChanged', ({ tenantId, userId }) => {
      const agent = this.state.read.agent(tenantId, userId);
      if (agent) reaction(agent);
    });
  }
}

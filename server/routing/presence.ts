/**
 * Agent presence. Agents choose available, away or wrap-up; the facts decide the rest: no online
 * tab means offline, a connected call means busy. Only an available agent is rung, so every
 * change here either withdraws the agent's ringing legs or offers it the calls waiting for it.
 */
import type { Presence } from '../../protocol/session-protocol.ts';
import type { AgentState, LiveSession } from './live-state.ts';
import type { RoutingContext } from './routing-context.ts';

export class PresenceTracker {
  constructor(private readonly context: RoutingContext) {}

  onlineSessions(agent: AgentState): LiveSession[] {
    const sessions: LiveSession[] = [];
    for (const sessionId of agent.sessionIds) {
      const session = this.context.store.session(sessionId);
      if (session?.online) sessions.push(session);
    }
    return sessions;
  }

  effective(agent: AgentState): Presence {
    if (this.onlineSessions(agent).length === 0) return 'offline';
    if (agent.activeCallIds.size > 0) return 'busy';
    return agent.chosenPresence;
  }

  isAvailable(agent: AgentState): boolean {
    return this.effective(agent) === 'available';
  }

  /**
   * Recomputes the agent's presence after anything that may change it, pushes a change to all
   * of the agent's tabs, and acts on it: an agent who stopped being available stops ringing;
   * one who became available is offered the calls waiting for it.
   */
  refresh(agent: AgentState): void {
    const next = this.effective(agent);
    if (next === agent.presence) return;
    agent.presence = next;
    this.context.pushes.presenceChanged(agent);
    if (next === 'available') this.context.queue.offerWaitingCallsTo(agent);
    else this.context.offers.withdrawAgent(agent);
  }
}

/**
 * After-call work (wrap-up): when an agent's part of a call they handled is over (hang-up,
 * either side; or they handed it on), the agent is in wrap-up for the call's wrap-up time (its
 * ring group's, else WRAP_UP_SECONDS) and is not rung meanwhile. The agent ends it early
 * (`end`, or by choosing another presence) or extends it (`extend`); otherwise its deadline
 * ends it. A consultation call (warm transfer) is not wrapped up: the call it was about is.
 *
 * One wrap-up at a time: an agent who handled a second call meanwhile (a dialed or ring-back
 * call) wraps up the latest one. The time runs while the agent is on another call; presence
 * shows busy until that call is over too (presence.ts).
 *
 * `wrapUpStarted`/`wrapUpEnded` transitions are what records observe to stamp the wrap-up row
 * (server/wrap-up); tabs get a `wrap_up` frame (push-batch.ts).
 */
import { AppError } from '../shared/errors.ts';
import { isGroupCall, type AgentState, type LiveCall } from './state/live-state.ts';
import type { RoutingState } from './state/routing-state.ts';
import type { WrapUpEnded } from './state/transitions.ts';
import type { PresenceTracker } from './presence.ts';

/** An extension adds at most this much at once, and wrap-up never runs further ahead than this. */
export const MAX_WRAP_UP_EXTENSION_SECONDS = 600;

/** Leg outcomes of an agent who had the call (answered it, or handed it on). */
const handledOutcomes = new Set(['answered', 'transferred']);

export class AfterCallWork {
  constructor(
    private readonly state: RoutingState,
    private readonly presence: PresenceTracker,
    /** WRAP_UP_SECONDS, for calls whose ring group does not set its own (0: no wrap-up). */
    private readonly defaultWrapUpMs: number,
  ) {
    state.react('agentLeftCall', ({ tenantId, userId, callId }) => {
      const agent = state.read.agent(tenantId, userId);
      const call = state.read.call(callId);
      if (agent && call) this.callLeft(agent, call);
    });
    // A ring-back gave the agent the call being wrapped up: it is theirs again, not over.
    state.react('agentJoinedCall', ({ tenantId, userId, callId }) => {
      const agent = state.read.agent(tenantId, userId);
      if (agent?.wrapUp?.callId === callId) this.finish(agent, 'resumed');
    });
    // The agent's last tab closed: the agent is forgotten, and so is the wrap-up.
    state.react('sessionClosed', ({ tenantId, userId }) => {
      const agent = state.read.agent(tenantId, userId);
      if (agent?.wrapUp && agent.sessionIds.length === 0) this.finish(agent, 'gone');
    });
    state.onDeadline({
      wrapUp: (tenantId, userId) => {
        const agent = state.read.agent(tenantId, userId);
        if (!agent?.wrapUp || agent.wrapUp.deadline !== null) return;
        this.finish(agent, 'expired');
        presence.refresh(agent);
      },
    });
  }

  /** The agent ends the wrap-up early (the "Done" button). */
  end(agent: AgentState): void {
    if (!agent.wrapUp) throw new AppError('wrong-state', 'not in wrap-up');
    this.finish(agent, 'done');
    this.presence.refresh(agent);
  }

  /** The agent asks for more time: the wrap-up ends `seconds` later than it would have. */
  extend(agent: AgentState, seconds: number): void {
    const wrapUp = agent.wrapUp;
    if (!wrapUp) throw new AppError('wrong-state', 'not in wrap-up');
    const now = this.state.now();
    const endsAt = Math.min(
      Math.max(wrapUp.deadline ?? now, now) + seconds * 1000,
      now + MAX_WRAP_UP_EXTENSION_SECONDS * 1000,
    );
    this.state.setDeadlineAt(this.deadlineOf(agent), endsAt);
  }

  /** The agent chose a presence: anything but wrap-up ends the after-call work. */
  presenceChosen(agent: AgentState, chosen: string): void {
    if (agent.wrapUp && chosen !== 'wrap-up') this.finish(agent, 'done');
  }

  private callLeft(agent: AgentState, call: LiveCall): void {
    if (call.consultationFor) return;
    const handled = call.legs.some(
      (leg) => leg.userId === agent.userId && handledOutcomes.has(leg.outcome),
    );
    if (!handled) return;
    const wrapUpMs = this.wrapUpMsOf(call);
    if (!(wrapUpMs > 0)) return;
    if (agent.wrapUp) this.finish(agent, 'done');
    const { tenantId, userId } = agent;
    this.state.apply({ type: 'wrapUpStarted', tenantId, userId, callId: call.id, from: call.from });
    this.state.setDeadline(this.deadlineOf(agent), wrapUpMs);
  }

  private wrapUpMsOf(call: LiveCall): number {
    if (isGroupCall(call) && call.target.wrapUpMs !== undefined) return call.target.wrapUpMs;
    return this.defaultWrapUpMs;
  }

  private finish(agent: AgentState, reason: WrapUpEnded['reason']): void {
    const wrapUp = agent.wrapUp;
    if (!wrapUp) return;
    this.state.clearDeadline(this.deadlineOf(agent));
    this.state.apply({
      type: 'wrapUpEnded',
      tenantId: agent.tenantId,
      userId: agent.userId,
      callId: wrapUp.callId,
      reason,
    });
  }

  private deadlineOf(agent: AgentState) {
    return { kind: 'wrapUp', tenantId: agent.tenantId, userId: agent.userId } as const;
  }
}

/**
 * Ringing: offering a call to the tabs its strategy picks among the available target agents,
 * starting attempts (with their ring timeout), redirecting one attempt elsewhere, and ending
 * legs (which then linger in their tab's list so the UI can show why, and drop out).
 *
 * What a call does once its attempt has no ringing leg left is attempts.ts's business.
 */
import type { AgentRef, EndReason } from '../../protocol/session-protocol.ts';
import {
  isGroupCall,
  listedLeg,
  type AgentState,
  type CallRedirect,
  type LegOutcome,
  type LiveCall,
  type LiveLeg,
  type LiveSession,
} from './state/live-state.ts';
import type { RoutingState } from './state/routing-state.ts';
import type { PresenceTracker } from './presence.ts';
import type { RingCandidate, RingStrategies } from './strategies/ring-strategy.ts';

export interface RingingTimings {
  /** How long an ended leg (and an ended call) stays visible: ENDED_CALL_LINGER_MS. */
  endedCallLingerMs: number;
}

/** Who a leg rung now should say transferred the call. */
export function transferredByOf(call: LiveCall): AgentRef | null {
  if (call.redirect) return call.redirect.transferredBy;
  if (call.consultationFor && call.fromUserId) return { id: call.fromUserId, name: call.from.name };
  return null;
}

/** How well the agent matches the required skills (higher is better); null: one missing or too low. */
export function skillMatch(
  agent: Readonly<AgentState>,
  required: Readonly<Record<string, number>>,
): number | null {
  let score = 0;
  for (const [skill, level] of Object.entries(required)) {
    const held = agent.skills?.[skill] ?? 0;
    if (held < level) return null;
    score += held;
  }
  return score;
}

export class Ringing {
  constructor(
    private readonly state: RoutingState,
    private readonly presence: PresenceTracker,
    private readonly strategies: RingStrategies,
    private readonly timings: RingingTimings,
  ) {
    state.onDeadline({ legLinger: (callId, legId) => this.dropLeg(callId, legId) });
  }

  /**
   * Rings the tabs the call's strategy picks among those that may ring and are not ringing for
   * it yet. A waiting call starts a new attempt; a ringing one adds the newcomers to the attempt
   * in progress, so an agent who comes online mid-ring hears the call at once.
   */
  offer(call: LiveCall): void {
    if (call.phase !== 'waiting' && call.phase !== 'ringing') return;
    const sessions = this.sessionsToRing(call);
    if (sessions.length === 0) return;
    if (call.phase === 'waiting') this.startAttempt(call);
    for (const session of sessions) this.ring(call, session);
  }

  /**
   * The call's strategy rings one agent at a time and has someone left to ring now: when the
   * agent rung declines or times out, the call moves on at once instead of waiting to retry.
   */
  hasNextAgent(call: LiveCall): boolean {
    return this.strategies.of(call).ringsOneAtATime && this.sessionsToRing(call).length > 0;
  }

  private sessionsToRing(call: LiveCall): LiveSession[] {
    const candidates = this.candidates(call);
    if (candidates.length === 0) return [];
    const chosen = this.strategies.of(call).choose(call, candidates, this.state.now());
    return chosen.flatMap((candidate) => candidate.sessions);
  }

  /**
   * Starts one attempt that rings the redirect's target instead of the call's own (a transfer,
   * a ring-back, an assignment). False, and no redirect left, when nobody there could ring.
   */
  redirect(call: LiveCall, redirect: CallRedirect): boolean {
    this.state.apply({ type: 'redirected', tenantId: call.tenantId, callId: call.id, redirect });
    this.offer(call);
    // `offer` moved the call on to ringing if it rang anyone.
    if (call.phase === 'ringing') return true;
    this.state.apply({ type: 'redirectCleared', tenantId: call.tenantId, callId: call.id });
    return false;
  }

  /** Ends one leg and keeps it in the tab's list for a moment so the UI can show why. */
  endLeg(
    call: LiveCall,
    leg: LiveLeg,
    endReason: EndReason,
    outcome: LegOutcome,
    answeredBy: AgentRef | null = leg.answeredBy,
  ): void {
    this.state.apply({
      type: 'legEnded',
      tenantId: call.tenantId,
      callId: call.id,
      legId: leg.id,
      sessionId: leg.sessionId,
      userId: leg.userId,
      endReason,
      outcome,
      answeredBy,
    });
    this.linger(call, leg);
  }

  /** The tabs that may ring for the call now, by agent in target order. */
  private candidates(call: LiveCall): RingCandidate[] {
    const { read } = this.state;
    const target = call.redirect?.target ?? call.target;
    // A phone is called by LiveKit SIP (server/sip); no agent rings for it.
    if (target.kind === 'phone') return [];
    const userIds = target.kind === 'user' ? [target.userId] : target.memberIds;
    const candidates: RingCandidate[] = [];
    // A transfer with skills asks them of its destination; otherwise the call's own count.
    const required = call.redirect?.requiredSkills ?? call.requiredSkills;
    for (const userId of userIds) {
      if (userId === call.redirect?.excludedUserId) continue;
      const agent = read.agent(call.tenantId, userId);
      if (!agent || !this.mayRing(call, agent)) continue;
      if (required && skillMatch(agent, required) === null) continue;
      const sessions: LiveSession[] = [];
      const online = this.presence.onlineSessions(agent);
      for (const session of online) {
        // The tab that dialed never rings for its own call, even when it dials its own group.
        if (session.id === call.callerSessionId) continue;
        if (listedLeg(call, session.id)?.status === 'ringing') continue;
        sessions.push(session);
      }
      if (sessions.length > 0)
        candidates.push({
          agent,
          sessions,
          ringingElsewhere: this.ringsForAnotherCall(online, call),
        });
    }
    // Best match first (the sum of the levels held of the required skills); ties keep order.
    if (required)
      candidates.sort((a, b) => skillMatch(b.agent, required)! - skillMatch(a.agent, required)!);
    return candidates;
  }

  /** One of the agent's tabs rings for a call other than this one. */
  private ringsForAnotherCall(sessions: readonly LiveSession[], call: LiveCall): boolean {
    return sessions.some((session) => this.ringsFor(session, call.id));
  }

  /** The agent's tabs ring for some call (other than `exceptCallId`). */
  agentRings(agent: Readonly<AgentState>, exceptCallId?: string): boolean {
    return this.presence
      .onlineSessions(agent)
      .some((session) => this.ringsFor(session, exceptCallId));
  }

  private ringsFor(session: LiveSession, exceptCallId: string | undefined): boolean {
    return session.inboundCallIds.some((callId) => {
      if (callId === exceptCallId) return false;
      const other = this.state.read.call(callId);
      return !!other && listedLeg(other, session.id)?.status === 'ringing';
    });
  }

  /** The call's strategy rings one agent at a time. */
  ringsOneAtATime(call: Readonly<LiveCall>): boolean {
    return this.strategies.of(call).ringsOneAtATime;
  }

  /**
   * Available agents ring; so does an agent wrapping up this very call when it rings them back
   * (their transfer found nobody): the call is still theirs.
   */
  private mayRing(call: LiveCall, agent: AgentState): boolean {
    if (this.presence.isAvailable(agent)) return true;
    return (
      call.redirect?.kind === 'ring-back' &&
      agent.wrapUp?.callId === call.id &&
      this.presence.effective(agent) === 'wrap-up'
    );
  }

  private startAttempt(call: LiveCall): void {
    this.state.apply({
      type: 'attemptStarted',
      tenantId: call.tenantId,
      callId: call.id,
      attempt: call.attempt + 1,
    });
    const ringTimeoutMs = call.redirect
      ? call.redirect.ringTimeoutMs
      : isGroupCall(call)
        ? call.target.ringTimeoutMs
        : null;
    // A private call has no attempt timeout: it rings until its maximum wait (one ring timeout).
    if (ringTimeoutMs !== null)
      this.state.setDeadline({ kind: 'call', callId: call.id, name: 'ringTimeout' }, ringTimeoutMs);
  }

  private ring(call: LiveCall, session: LiveSession): void {
    // A leg still lingering from an earlier attempt gives its place to the new ringing one.
    const previous = listedLeg(call, session.id);
    if (previous) this.state.clearDeadline({ kind: 'leg', callId: call.id, legId: previous.id });
    this.state.apply({
      type: 'legRung',
      tenantId: call.tenantId,
      leg: {
        id: `${call.id}.${call.legs.length + 1}`,
        callId: call.id,
        sessionId: session.id,
        userId: session.userId,
        attempt: call.attempt,
        status: 'ringing',
        endReason: null,
        answeredBy: null,
        outcome: 'ringing',
        transferredBy: transferredByOf(call),
        ringingAt: this.state.now(),
        answeredAt: null,
        endedAt: null,
        listed: true,
        lingerDeadline: null,
      },
    });
  }

  private linger(call: LiveCall, leg: LiveLeg): void {
    this.state.setDeadline(
      { kind: 'leg', callId: call.id, legId: leg.id },
      this.timings.endedCallLingerMs,
    );
  }

  private dropLeg(callId: string, legId: string): void {
    const call = this.state.read.call(callId);
    const leg = call?.legs.find((candidate) => candidate.id === legId);
    if (!call || !leg?.listed) return;
    const session = this.state.read.session(leg.sessionId);
    // A call the agent had answered stays in a lost tab's list until it comes back and sees
    // how it ended (or the session closes for good).
    if (session?.detached && leg.answeredAt !== null) return this.linger(call, leg);
    this.state.apply({
      type: 'legDropped',
      tenantId: call.tenantId,
      callId,
      legId,
      sessionId: leg.sessionId,
    });
  }
}

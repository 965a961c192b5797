/**
 * Offering calls to agents: ringing every eligible tab at once, ending legs, and deciding what a
 * call does when its attempt has no ringing leg left (ring again later, wait in the queue, or
 * end for the caller).
 */
import type { AgentRef, EndReason } from '../../protocol/session-protocol.ts';
import type {
  AgentState,
  CallPhase,
  CallRedirect,
  LegOutcome,
  LiveCall,
  LiveLeg,
  LiveSession,
} from './live-state.ts';
import { isGroupCall } from './live-state.ts';
import { transferredByOf } from './transfers.ts';
import { setRoutingTimer, timerNames, type RoutingContext } from './routing-context.ts';

export class Offers {
  constructor(private readonly context: RoutingContext) {}

  /**
   * Rings every online tab of every available target agent that is not ringing for this call
   * yet. A waiting call starts a new attempt; a ringing one adds the newcomers to the attempt
   * in progress, so an agent who comes online mid-ring hears the call at once.
   */
  offer(call: LiveCall): void {
    if (call.phase !== 'waiting' && call.phase !== 'ringing') return;
    const sessions = this.eligibleSessions(call);
    if (sessions.length === 0) return;
    if (call.phase === 'waiting') this.startAttempt(call);
    for (const session of sessions) this.ring(call, session);
  }

  /**
   * Starts one attempt that rings the redirect's target instead of the call's own (a transfer,
   * a ring-back, an assignment). False, and no redirect left, when nobody there could ring.
   */
  redirect(call: LiveCall, redirect: CallRedirect): boolean {
    call.redirect = redirect;
    call.phase = 'waiting';
    this.offer(call);
    this.context.pushes.outgoingChanged(call);
    // `offer` moved the call on to ringing if it rang anyone.
    if ((call.phase as CallPhase) === 'ringing') return true;
    call.redirect = null;
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
    leg.status = 'disconnected';
    leg.endReason = endReason;
    leg.outcome = outcome;
    leg.answeredBy = answeredBy;
    leg.endedAt = this.context.scheduler.now();
    this.context.pushes.incomingChanged(leg.sessionId);
    setRoutingTimer(
      this.context,
      timerNames.linger(leg.id),
      this.context.config.endedCallLingerMs,
      () => this.dropLeg(call, leg),
    );
  }

  /**
   * Called after legs end. A ringing call with no ringing leg left has used up its attempt:
   * a private call ends `rejected` if its agent declined, a group call that was declined or
   * missed rings again after the retry interval, and a call whose legs were only withdrawn
   * (the agents left) goes back to waiting for someone available.
   */
  settleAttempt(call: LiveCall): void {
    if (call.phase !== 'ringing') return;
    for (const leg of call.legs.values()) if (leg.status === 'ringing') return;
    this.context.timers.clear(timerNames.attempt(call.id));
    if (call.redirect) return this.context.transfers.redirectFailed(call);
    const attemptLegs = call.legHistory.filter((leg) => leg.attempt === call.attempt);
    const declined = attemptLegs.some((leg) => leg.outcome === 'rejected');
    const missed = attemptLegs.some((leg) => leg.outcome === 'missed');
    // A consultation rings once: the transferring agent is waiting with a caller on hold.
    if (call.consultationFor)
      return this.context.lifecycle.endCall(call, declined ? 'rejected' : 'no_answer');

    if (!isGroupCall(call)) {
      if (declined) return this.context.lifecycle.endCall(call, 'rejected');
      call.phase = 'waiting';
      return this.offer(call);
    }
    if (declined || missed) {
      call.phase = 'retry-wait';
      setRoutingTimer(this.context, timerNames.retry(call.id), call.target.retryIntervalMs, () => {
        if (call.phase !== 'retry-wait') return;
        call.phase = 'waiting';
        this.offer(call);
      });
      return;
    }
    call.phase = 'waiting';
    this.offer(call);
  }

  /** The agent can no longer take calls (busy, away, offline): every tab stops ringing. */
  withdrawAgent(agent: AgentState): void {
    for (const sessionId of agent.sessionIds) {
      const session = this.context.store.session(sessionId);
      if (session) this.withdrawSession(session);
    }
  }

  /** This tab stops ringing (it went offline or away); the calls look for someone else. */
  withdrawSession(session: LiveSession): void {
    const withdrawn: LiveCall[] = [];
    for (const callId of session.inboundCallIds) {
      const call = this.context.store.call(callId);
      const leg = call?.legs.get(session.id);
      if (!call || leg?.status !== 'ringing') continue;
      this.endLeg(call, leg, 'no_answer', 'withdrawn');
      withdrawn.push(call);
    }
    for (const call of withdrawn) this.settleAttempt(call);
  }

  private eligibleSessions(call: LiveCall): LiveSession[] {
    const { store, presence } = this.context;
    const target = call.redirect?.target ?? call.target;
    const userIds = target.kind === 'user' ? [target.userId] : target.memberIds;
    const sessions: LiveSession[] = [];
    for (const userId of userIds) {
      if (userId === call.redirect?.excludedUserId) continue;
      const agent = store.agent(call.tenantId, userId);
      if (!agent || !presence.isAvailable(agent)) continue;
      for (const session of presence.onlineSessions(agent)) {
        // The tab that dialed never rings for its own call, even when it dials its own group.
        if (session.id === call.callerSessionId) continue;
        if (call.legs.get(session.id)?.status === 'ringing') continue;
        sessions.push(session);
      }
    }
    return sessions;
  }

  private startAttempt(call: LiveCall): void {
    call.attempt += 1;
    call.phase = 'ringing';
    call.ringingAt ??= this.context.scheduler.now();
    this.context.pushes.outgoingChanged(call);
    if (call.redirect) {
      setRoutingTimer(this.context, timerNames.attempt(call.id), call.redirect.ringTimeoutMs, () =>
        this.attemptTimedOut(call),
      );
    } else if (isGroupCall(call)) {
      setRoutingTimer(this.context, timerNames.attempt(call.id), call.target.ringTimeoutMs, () =>
        this.attemptTimedOut(call),
      );
    }
  }

  private attemptTimedOut(call: LiveCall): void {
    if (call.phase !== 'ringing') return;
    for (const leg of call.legs.values()) {
      if (leg.status === 'ringing') this.endLeg(call, leg, 'no_answer', 'missed');
    }
    this.settleAttempt(call);
  }

  private ring(call: LiveCall, session: LiveSession): void {
    const previous = call.legs.get(session.id);
    // A leg still lingering from an earlier attempt is replaced by the new ringing one.
    if (previous) this.context.timers.clear(timerNames.linger(previous.id));
    const leg: LiveLeg = {
      id: `${call.id}.${call.legHistory.length + 1}`,
      callId: call.id,
      sessionId: session.id,
      userId: session.userId,
      attempt: call.attempt,
      status: 'ringing',
      endReason: null,
      answeredBy: null,
      outcome: 'ringing',
      transferredBy: transferredByOf(call),
      ringingAt: this.context.scheduler.now(),
      answeredAt: null,
      endedAt: null,
    };
    call.legs.set(session.id, leg);
    call.legHistory.push(leg);
    session.inboundCallIds.add(call.id);
    this.context.pushes.incomingChanged(session.id);
  }

  private dropLeg(call: LiveCall, leg: LiveLeg): void {
    if (call.legs.get(leg.sessionId) !== leg) return;
    const session = this.context.store.session(leg.sessionId);
    // A call the agent had answered stays in a lost tab's list until it comes back and sees
    // how it ended (or the session closes for good).
    if (session?.detached && leg.answeredAt !== null) {
      setRoutingTimer(
        this.context,
        timerNames.linger(leg.id),
        this.context.config.endedCallLingerMs,
        () => this.dropLeg(call, leg),
      );
      return;
    }
    call.legs.delete(leg.sessionId);
    if (!session) return;
    session.inboundCallIds.delete(call.id);
    this.context.pushes.incomingChanged(session.id);
  }
}

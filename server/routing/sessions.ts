/**
 * Sessions, one per browser tab: open, come online, go offline, choose presence, detach (lost
 * socket), resume, close. A tab only rings while online; an agent whose last tab goes away is
 * offline at once, and a call belongs to the tab that answered it, so closing another tab never
 * touches it.
 */
import type { Presence } from '../../protocol/session-protocol.ts';
import {
  groupAddress,
  privateAddress,
  type Directory,
  type UserRecord,
} from '../directory/directory.ts';
import { AppError } from '../shared/errors.ts';
import {
  listedLeg,
  type AgentState,
  type ChosenPresence,
  type LiveSession,
} from './state/live-state.ts';
import type { RoutingLog, RoutingState } from './state/routing-state.ts';
import type { EventBus } from './event-bus.ts';
import type { AfterCallWork } from './after-call-work.ts';
import type { Attempts } from './attempts.ts';
import type { CallEnding } from './call-ending.ts';
import type { CallQueue } from './call-queue.ts';
import type { PresenceTracker } from './presence.ts';
import type { PushBatch } from './push-batch.ts';
import type { RingGroupCache } from './ring-group-cache.ts';
import type { Transfers } from './transfers.ts';

/** Why a session went away: a clean close hangs its call up; a lost connection fails it. */
export type SessionEndCause = 'closed' | 'lost';

export interface SessionManagers {
  presence: PresenceTracker;
  queue: CallQueue;
  attempts: Attempts;
  ending: CallEnding;
  transfers: Transfers;
  pushes: PushBatch;
  ringGroups: RingGroupCache;
  afterCallWork: AfterCallWork;
}

export class SessionRegistry {
  constructor(
    private readonly state: RoutingState,
    private readonly managers: SessionManagers,
    private readonly directory: Directory,
    private readonly bus: EventBus,
    private readonly log: RoutingLog,
  ) {
    // A page that went away cleanly (reload grace over) hangs its calls up; a lost one fails them.
    state.onDeadline({
      sessionResume: (sessionId) =>
        this.close(sessionId, state.read.session(sessionId)?.detached?.closing ? 'closed' : 'lost'),
    });
  }

  open(
    sessionId: string,
    tenantId: string,
    user: UserRecord,
  ): { session: LiveSession; agent: AgentState } {
    const { state } = this;
    if (!state.read.agent(tenantId, user.id)) {
      state.apply({
        type: 'agentRegistered',
        tenantId,
        agent: {
          tenantId,
          userId: user.id,
          name: user.displayName,
          username: user.username,
          chosenPresence: 'available',
          presence: 'offline',
          presenceSince: state.now(),
          lastRungAt: null,
          ...(user.skills ? { skills: { ...user.skills } } : {}),
          sessionIds: [],
          activeCallIds: [],
          wrapUp: null,
        },
      });
    }
    state.apply({
      type: 'sessionOpened',
      tenantId,
      session: {
        id: sessionId,
        tenantId,
        userId: user.id,
        online: false,
        inboundCallIds: [],
        outboundCallIds: [],
        detached: null,
        resumeDeadline: null,
      },
    });
    return { session: state.read.session(sessionId)!, agent: state.read.agent(tenantId, user.id)! };
  }

  require(sessionId: string): LiveSession {
    const session = this.state.read.session(sessionId);
    if (!session) throw new AppError('wrong-state', 'this session has ended');
    return session;
  }

  agentOf(session: LiveSession): AgentState {
    const agent = this.state.read.agent(session.tenantId, session.userId);
    if (!agent) throw new AppError('wrong-state', 'this session has ended');
    return agent;
  }

  comeOnline(session: LiveSession): { addresses: string[]; presence: Presence } {
    const { state } = this;
    const { presence, queue, pushes } = this.managers;
    const agent = this.agentOf(session);
    if (!session.online) {
      // Coming online from nothing means "ready for calls"; another tab joining keeps the
      // presence the agent already chose.
      if (presence.onlineSessions(agent).length === 0) this.choose(agent, 'available');
      state.apply({
        type: 'sessionOnline',
        tenantId: session.tenantId,
        sessionId: session.id,
        userId: session.userId,
      });
    }
    presence.refresh(agent);
    // Already available: the new tab still joins every call ringing for this agent.
    if (presence.isAvailable(agent)) queue.offerWaitingCallsTo(agent);
    pushes.resendIncoming(session.id);
    pushes.resendWrapUp(session.id);
    void this.adoptCurrentGroups(agent, session);
    return { addresses: [privateAddress(agent.username)], presence: agent.presence };
  }

  goOffline(session: LiveSession): Presence {
    const agent = this.agentOf(session);
    if (session.online) {
      this.state.apply({
        type: 'sessionOffline',
        tenantId: session.tenantId,
        sessionId: session.id,
        userId: session.userId,
      });
      this.managers.attempts.withdrawSession(session);
      this.managers.presence.refresh(agent);
    }
    return agent.presence;
  }

  setPresence(session: LiveSession, chosen: ChosenPresence): Presence {
    if (!session.online) throw new AppError('wrong-state', 'come online before setting presence');
    const agent = this.agentOf(session);
    this.managers.afterCallWork.presenceChosen(agent, chosen);
    this.choose(agent, chosen);
    this.managers.presence.refresh(agent);
    return agent.presence;
  }

  /** Ends the agent's after-call work early (wrong-state when there is none). */
  endWrapUp(session: LiveSession): Presence {
    const agent = this.agentOf(session);
    this.managers.afterCallWork.end(agent);
    return agent.presence;
  }

  /** Gives the agent's after-call work `seconds` more (wrong-state when there is none). */
  extendWrapUp(session: LiveSession, seconds: number): void {
    this.managers.afterCallWork.extend(this.agentOf(session), seconds);
  }

  /** A supervisor sets the agent away, as if the agent chose it. */
  forceAway(agent: AgentState): void {
    this.choose(agent, 'away');
    this.managers.presence.refresh(agent);
  }

  /**
   * The tab's socket was lost, not closed: a network blip or a busy laptop must not cost the
   * agent a call in progress (the media has its own connection and may be fine). The session
   * stops ringing at once, keeps its calls, and closes for good (`lost`) unless the tab comes
   * back with `?resume=` within `resumeMs`. `closing`: the page itself went away (a reload
   * closes the socket as a closed tab does), so an expiry hangs its calls up (`closed`).
   */
  detach(sessionId: string, resumeMs: number, closing = false): void {
    const { state } = this;
    const session = state.read.session(sessionId);
    if (!session || session.detached) return;
    const wasOnline = session.online;
    state.apply({
      type: 'sessionDetached',
      tenantId: session.tenantId,
      sessionId,
      userId: session.userId,
      ...(closing ? { closing: true } : {}),
    });
    if (wasOnline) {
      this.managers.attempts.withdrawSession(session);
      const agent = state.read.agent(session.tenantId, session.userId);
      if (agent) this.managers.presence.refresh(agent);
    }
    state.setDeadline({ kind: 'session', sessionId }, resumeMs);
  }

  /**
   * A lost tab reconnected in time: the same session again, online if it was, ringing for what
   * waits. Null when there is nothing of that user's to resume (expired, closed, someone else's):
   * the tab then starts a fresh session, as after any reconnect.
   */
  resume(sessionId: string, tenantId: string, userId: string): LiveSession | null {
    const { state } = this;
    const session = state.read.session(sessionId);
    if (!session?.detached || session.tenantId !== tenantId || session.userId !== userId)
      return null;
    state.clearDeadline({ kind: 'session', sessionId });
    const { wasOnline } = session.detached;
    state.apply({ type: 'sessionResumed', tenantId, sessionId, userId });
    if (wasOnline) this.comeOnline(session);
    return session;
  }

  close(sessionId: string, cause: SessionEndCause): void {
    const { state } = this;
    const { attempts, transfers, ending, presence } = this.managers;
    const session = state.read.session(sessionId);
    if (!session) return;
    const { tenantId, userId } = session;
    state.clearDeadline({ kind: 'session', sessionId });
    // Offline first, so the calls it was ringing for look for someone else, not for it.
    if (session.online) state.apply({ type: 'sessionOffline', tenantId, sessionId, userId });
    attempts.withdrawSession(session);
    transfers.sessionGone(session);
    const endReason = cause === 'closed' ? 'hangup' : 'failed';
    // A tab closed (signed out, or not back from a reload) hangs up as its person; a lost one fails.
    const closed = cause === 'closed';
    for (const callId of [...session.inboundCallIds]) {
      const call = state.read.call(callId);
      if (call && listedLeg(call, sessionId)?.status === 'connected')
        ending.endCall(call, endReason, closed ? { kind: 'agent', userId } : { kind: 'system' });
    }
    for (const callId of [...session.outboundCallIds]) {
      const call = state.read.call(callId);
      if (!call || call.phase === 'ended') continue;
      if (call.phase !== 'connected') ending.endCall(call, 'caller_cancelled', { kind: 'caller' });
      else ending.endCall(call, endReason, closed ? { kind: 'caller' } : { kind: 'system' });
    }
    state.apply({ type: 'sessionClosed', tenantId, sessionId, userId });
    const agent = state.read.agent(tenantId, userId);
    if (!agent) return;
    presence.refresh(agent);
    if (agent.sessionIds.length === 0) state.apply({ type: 'agentRemoved', tenantId, userId });
  }

  private choose(agent: AgentState, chosen: ChosenPresence): void {
    if (agent.chosenPresence !== chosen || agent.notReady)
      this.state.apply({
        type: 'presenceChosen',
        tenantId: agent.tenantId,
        userId: agent.userId,
        chosen,
      });
  }

  /**
   * Refreshes the members of the calls queued for this agent's groups (a member added while a
   * call waits should hear it), then offers them, and tells the tab the group addresses it now
   * answers for (a second `registered`, without requestId). Runs after the reply: it needs the
   * database.
   */
  private async adoptCurrentGroups(agent: AgentState, session: LiveSession): Promise<void> {
    const { state } = this;
    const { ringGroups, queue, presence } = this.managers;
    try {
      const groups = await this.directory.ringGroupsOfUser(agent.tenantId, agent.userId);
      state.run(() => {
        for (const group of groups) {
          ringGroups.remember(group);
          queue.adoptMembers(group);
        }
        if (groups.length > 0 && state.read.session(session.id) === session && session.online) {
          this.bus.publish(session.id, {
            type: 'registered',
            addresses: [
              privateAddress(agent.username),
              ...groups.map((group) => groupAddress(group.name)),
            ],
            presence: agent.presence,
          });
        }
        if (state.read.agent(agent.tenantId, agent.userId) === agent && presence.isAvailable(agent))
          queue.offerWaitingCallsTo(agent);
      });
    } catch (error) {
      this.log.error(
        { err: error, userId: agent.userId },
        'could not refresh ring group membership',
      );
    }
  }
}

/**
 * Sessions, one per browser tab: open, come online, go offline, choose presence, close.
 * A tab only rings while online; an agent whose last tab goes away is offline at once, and a
 * call belongs to the tab that answered it, so closing another tab never touches it.
 */
import type { Presence } from '../../protocol/session-protocol.ts';
import { groupAddress, privateAddress, type UserRecord } from '../directory/directory.ts';
import { AppError } from '../shared/errors.ts';
import type { AgentState, LiveSession } from './live-state.ts';
import { setRoutingTimer, timerNames, type RoutingContext } from './routing-context.ts';
import type { RingGroupCache } from './ring-group-cache.ts';

/** Why a session went away: a clean close hangs its call up; a lost connection fails it. */
export type SessionEndCause = 'closed' | 'lost';

export class SessionRegistry {
  constructor(
    private readonly context: RoutingContext,
    private readonly ringGroups: RingGroupCache,
  ) {}

  open(
    sessionId: string,
    tenantId: string,
    user: UserRecord,
  ): { session: LiveSession; agent: AgentState } {
    const { store } = this.context;
    let agent = store.agent(tenantId, user.id);
    if (!agent) {
      agent = {
        tenantId,
        userId: user.id,
        name: user.displayName,
        username: user.username,
        chosenPresence: 'available',
        presence: 'offline',
        sessionIds: new Set(),
        activeCallIds: new Set(),
      };
      store.putAgent(agent);
    }
    const session: LiveSession = {
      id: sessionId,
      tenantId,
      userId: user.id,
      online: false,
      inboundCallIds: new Set(),
      outboundCallIds: new Set(),
    };
    store.putSession(session);
    agent.sessionIds.add(session.id);
    return { session, agent };
  }

  require(sessionId: string): LiveSession {
    const session = this.context.store.session(sessionId);
    if (!session) throw new AppError('wrong-state', 'this session has ended');
    return session;
  }

  agentOf(session: LiveSession): AgentState {
    const agent = this.context.store.agent(session.tenantId, session.userId);
    if (!agent) throw new AppError('wrong-state', 'this session has ended');
    return agent;
  }

  comeOnline(session: LiveSession): { addresses: string[]; presence: Presence } {
    const { presence, queue, pushes } = this.context;
    const agent = this.agentOf(session);
    if (!session.online) {
      // Coming online from nothing means "ready for calls"; another tab joining keeps the
      // presence the agent already chose.
      if (presence.onlineSessions(agent).length === 0) agent.chosenPresence = 'available';
      session.online = true;
    }
    presence.refresh(agent);
    // Already available: the new tab still joins every call ringing for this agent.
    if (presence.isAvailable(agent)) queue.offerWaitingCallsTo(agent);
    pushes.incomingChanged(session.id);
    void this.adoptCurrentGroups(agent, session);
    return { addresses: [privateAddress(agent.username)], presence: agent.presence };
  }

  goOffline(session: LiveSession): Presence {
    const agent = this.agentOf(session);
    if (session.online) {
      session.online = false;
      this.context.offers.withdrawSession(session);
      this.context.presence.refresh(agent);
    }
    return agent.presence;
  }

  setPresence(session: LiveSession, chosen: AgentState['chosenPresence']): Presence {
    if (!session.online) throw new AppError('wrong-state', 'come online before setting presence');
    const agent = this.agentOf(session);
    agent.chosenPresence = chosen;
    this.context.presence.refresh(agent);
    return agent.presence;
  }

  /**
   * The tab's socket was lost, not closed: a network blip or a busy laptop must not cost the
   * agent a call in progress (the media has its own connection and may be fine). The session
   * stops ringing at once, keeps its calls, and closes for good (`lost`) unless the tab comes
   * back with `?resume=` within `resumeMs`.
   */
  detach(sessionId: string, resumeMs: number): void {
    const { store, offers, presence } = this.context;
    const session = store.session(sessionId);
    if (!session || session.detached) return;
    session.detached = { since: this.context.scheduler.now(), wasOnline: session.online };
    if (session.online) {
      session.online = false;
      offers.withdrawSession(session);
      const agent = store.agent(session.tenantId, session.userId);
      if (agent) presence.refresh(agent);
    }
    setRoutingTimer(this.context, timerNames.resume(session.id), resumeMs, () =>
      this.close(session.id, 'lost'),
    );
  }

  /**
   * A lost tab reconnected in time: the same session again, online if it was, ringing for what
   * waits. Null when there is nothing of that user's to resume (expired, closed, someone else's):
   * the tab then starts a fresh session, as after any reconnect.
   */
  resume(sessionId: string, tenantId: string, userId: string): LiveSession | null {
    const session = this.context.store.session(sessionId);
    if (!session?.detached || session.tenantId !== tenantId || session.userId !== userId)
      return null;
    this.context.timers.clear(timerNames.resume(session.id));
    const { wasOnline } = session.detached;
    session.detached = undefined;
    if (wasOnline) this.comeOnline(session);
    return session;
  }

  close(sessionId: string, cause: SessionEndCause): void {
    const { store, offers, lifecycle, presence } = this.context;
    const session = store.session(sessionId);
    if (!session) return;
    this.context.timers.clear(timerNames.resume(session.id));
    // Offline first, so the calls it was ringing for look for someone else, not for it.
    session.online = false;
    offers.withdrawSession(session);
    this.context.transfers.sessionGone(session);
    const endReason = cause === 'closed' ? 'hangup' : 'failed';
    for (const callId of [...session.inboundCallIds]) {
      const call = store.call(callId);
      if (call?.legs.get(session.id)?.status === 'connected') lifecycle.endCall(call, endReason);
    }
    for (const callId of [...session.outboundCallIds]) {
      const call = store.call(callId);
      if (!call || call.phase === 'ended') continue;
      lifecycle.endCall(call, call.phase === 'connected' ? endReason : 'caller_cancelled');
    }
    store.deleteSession(session.id);
    const agent = store.agent(session.tenantId, session.userId);
    if (!agent) return;
    agent.sessionIds.delete(session.id);
    presence.refresh(agent);
    if (agent.sessionIds.size === 0) store.deleteAgent(agent.tenantId, agent.userId);
  }

  /**
   * Refreshes the members of the calls queued for this agent's groups (a member added while a
   * call waits should hear it), then offers them, and tells the tab the group addresses it now
   * answers for (a second `registered`, without requestId). Runs after the reply: it needs the
   * database.
   */
  private async adoptCurrentGroups(agent: AgentState, session: LiveSession): Promise<void> {
    const { directory, pushes, queue, presence, store, log } = this.context;
    try {
      const groups = await directory.ringGroupsOfUser(agent.tenantId, agent.userId);
      pushes.run(() => {
        for (const group of groups) {
          this.ringGroups.remember(group);
          queue.adoptMembers(group);
        }
        if (groups.length > 0 && store.session(session.id) === session && session.online) {
          this.context.bus.publish(session.id, {
            type: 'registered',
            addresses: [
              privateAddress(agent.username),
              ...groups.map((group) => groupAddress(group.name)),
            ],
            presence: agent.presence,
          });
        }
        if (store.agent(agent.tenantId, agent.userId) === agent && presence.isAvailable(agent))
          queue.offerWaitingCallsTo(agent);
      });
    } catch (error) {
      log.error({ err: error, userId: agent.userId }, 'could not refresh ring group membership');
    }
  }
}

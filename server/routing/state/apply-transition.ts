/**
 * The one place the live state changes. Each transition is checked against the state it
 * applies to (a transition that does not fit is a routing bug: it throws before changing
 * anything) and then applied. Managers never write state; they decide and `apply`.
 *
 * Values taken from a transition are copied, so what observers were handed stays as it was
 * when it happened while the state moves on.
 */
import type { LiveCall, LiveLeg, LiveSession, AgentState } from './live-state.ts';
import { listedLeg } from './live-state.ts';
import type { LiveStore } from './live-store.ts';
import type { DeadlineRef, RoutingTransition } from './transitions.ts';

/** A transition that does not fit the state: a bug in the manager that described it. */
export class RoutingInvariantError extends Error {
  constructor(
    readonly transition: RoutingTransition,
    problem: string,
  ) {
    super(`${transition.type}: ${problem}`);
    this.name = 'RoutingInvariantError';
  }
}

export function applyTransition(store: LiveStore, transition: RoutingTransition): void {
  const fail = (problem: string): never => {
    throw new RoutingInvariantError(transition, problem);
  };
  const callOf = (callId: string): LiveCall => store.call(callId) ?? fail(`no live call ${callId}`);
  const liveCallOf = (callId: string): LiveCall => {
    const call = callOf(callId);
    if (call.phase === 'ended') fail(`call ${callId} has ended`);
    return call;
  };
  const sessionOf = (sessionId: string): LiveSession =>
    store.session(sessionId) ?? fail(`no session ${sessionId}`);
  const agentOf = (userId: string): AgentState =>
    store.agent(transition.tenantId, userId) ?? fail(`no agent ${userId}`);
  const legOf = (call: LiveCall, legId: string): LiveLeg =>
    call.legs.find((leg) => leg.id === legId) ?? fail(`no leg ${legId}`);
  const { at } = transition;

  switch (transition.type) {
    // ------------------------------------------------------------ sessions and agents
    case 'agentRegistered': {
      const { agent } = transition;
      if (store.agent(agent.tenantId, agent.userId)) fail(`agent ${agent.userId} exists`);
      store.putAgent({
        ...agent,
        sessionIds: [...agent.sessionIds],
        activeCallIds: [...agent.activeCallIds],
      });
      return;
    }
    case 'agentSkillsSet':
      agentOf(transition.userId).skills = { ...transition.skills };
      return;
    case 'agentRemoved': {
      const agent = agentOf(transition.userId);
      if (agent.sessionIds.length > 0) fail(`agent ${agent.userId} still has sessions`);
      store.deleteAgent(transition.tenantId, transition.userId);
      return;
    }
    case 'sessionOpened': {
      const { session } = transition;
      if (store.session(session.id)) fail(`session ${session.id} exists`);
      const agent = agentOf(session.userId);
      store.putSession({
        ...session,
        inboundCallIds: [...session.inboundCallIds],
        outboundCallIds: [...session.outboundCallIds],
      });
      agent.sessionIds.push(session.id);
      return;
    }
    case 'sessionOnline':
      sessionOf(transition.sessionId).online = true;
      return;
    case 'sessionOffline':
      sessionOf(transition.sessionId).online = false;
      return;
    case 'sessionDetached': {
      const session = sessionOf(transition.sessionId);
      if (session.detached) fail(`session ${session.id} is detached already`);
      session.detached = {
        since: at,
        wasOnline: session.online,
        ...(transition.closing ? { closing: true } : {}),
      };
      session.online = false;
      return;
    }
    case 'sessionResumed': {
      const session = sessionOf(transition.sessionId);
      if (!session.detached) fail(`session ${session.id} is not detached`);
      session.detached = null;
      return;
    }
    case 'sessionClosed': {
      const session = sessionOf(transition.sessionId);
      store.deleteSession(session.id);
      const agent = store.agent(transition.tenantId, session.userId);
      if (agent) removeId(agent.sessionIds, session.id);
      return;
    }
    case 'presenceChosen': {
      // The agent's own choice replaces a not-ready state a missed call put it in.
      const agent = agentOf(transition.userId);
      agent.chosenPresence = transition.chosen;
      agent.notReady = null;
      return;
    }
    case 'agentNotReady':
      agentOf(transition.userId).notReady = {
        reason: transition.reason,
        callId: transition.callId,
        since: at,
      };
      return;
    case 'presenceChanged': {
      const agent = agentOf(transition.userId);
      if (agent.presence !== transition.previous)
        fail(`agent ${agent.userId} is ${agent.presence}, not ${transition.previous}`);
      agent.presence = transition.presence;
      agent.presenceSince = at;
      return;
    }
    case 'agentJoinedCall': {
      const agent = agentOf(transition.userId);
      if (!agent.activeCallIds.includes(transition.callId))
        agent.activeCallIds.push(transition.callId);
      return;
    }
    case 'agentLeftCall':
      removeId(agentOf(transition.userId).activeCallIds, transition.callId);
      return;
    case 'wrapUpStarted': {
      const agent = agentOf(transition.userId);
      if (agent.wrapUp) fail(`agent ${agent.userId} is wrapping up ${agent.wrapUp.callId}`);
      agent.wrapUp = {
        callId: transition.callId,
        from: { ...transition.from },
        startedAt: at,
        deadline: null,
      };
      return;
    }
    case 'wrapUpEnded': {
      const agent = agentOf(transition.userId);
      if (agent.wrapUp?.callId !== transition.callId)
        fail(`agent ${agent.userId} is not wrapping up ${transition.callId}`);
      if (agent.wrapUp!.deadline !== null) fail(`the wrap-up of ${agent.userId} has a deadline`);
      agent.wrapUp = null;
      return;
    }

    // ------------------------------------------------------------ calls
    case 'callPlaced': {
      const { call } = transition;
      if (store.call(call.id)) fail(`call ${call.id} exists`);
      if (call.legs.length > 0 || call.phase !== 'waiting') fail('a new call waits with no legs');
      store.putCall({ ...call, legs: [], deadlines: { ...call.deadlines } });
      if (call.callerSessionId) {
        const caller = store.session(call.callerSessionId);
        if (caller && !caller.outboundCallIds.includes(call.id))
          caller.outboundCallIds.push(call.id);
      }
      return;
    }
    case 'callQueued': {
      const call = liveCallOf(transition.callId);
      call.queued = true;
      if (transition.front) call.requeued = true;
      store.indexQueued(call);
      return;
    }
    case 'callDequeued': {
      const call = callOf(transition.callId);
      call.queued = false;
      call.requeued = false;
      store.indexQueued(call);
      return;
    }
    case 'callTargetUpdated': {
      const call = liveCallOf(transition.callId);
      const target = call.target;
      if (target.kind !== 'group') return fail(`call ${call.id} does not ring a group`);
      call.target = { ...target, memberIds: [...transition.memberIds] };
      return;
    }
    case 'attemptStarted': {
      const call = liveCallOf(transition.callId);
      if (call.phase !== 'waiting') fail(`call ${call.id} is ${call.phase}, not waiting`);
      if (transition.attempt !== call.attempt + 1) fail(`attempt ${transition.attempt} skips one`);
      call.attempt = transition.attempt;
      call.phase = 'ringing';
      call.ringingAt ??= at;
      return;
    }
    case 'callWaiting': {
      const call = liveCallOf(transition.callId);
      if (call.phase === 'connected') fail(`call ${call.id} is connected`);
      call.phase = 'waiting';
      return;
    }
    case 'retryWaiting': {
      const call = liveCallOf(transition.callId);
      if (call.phase !== 'ringing') fail(`call ${call.id} is ${call.phase}, not ringing`);
      call.phase = 'retry-wait';
      call.roundFirstAttempt = call.attempt + 1;
      return;
    }
    case 'legRung':
    case 'legJoined': {
      const { leg } = transition;
      const call = liveCallOf(leg.callId);
      const session = sessionOf(leg.sessionId);
      const expected = transition.type === 'legRung' ? 'ringing' : 'connected';
      if (leg.status !== expected) fail(`a new leg is ${expected}`);
      if (leg.id !== `${call.id}.${call.legs.length + 1}`) fail(`leg ${leg.id} is out of order`);
      // A leg still lingering from an earlier attempt leaves the list to the new one.
      const previous = listedLeg(call, session.id);
      if (previous) {
        if (previous.status === 'ringing') fail(`session ${session.id} is ringing already`);
        if (previous.lingerDeadline !== null) fail(`leg ${previous.id} still lingers`);
        previous.listed = false;
      }
      call.legs.push({ ...leg, listed: true, lingerDeadline: null });
      if (transition.type === 'legRung') {
        const agent = store.agent(transition.tenantId, leg.userId);
        if (agent) agent.lastRungAt = at;
      }
      if (!session.inboundCallIds.includes(call.id)) session.inboundCallIds.push(call.id);
      return;
    }
    case 'legEnded': {
      const leg = legOf(callOf(transition.callId), transition.legId);
      if (leg.status === 'disconnected') fail(`leg ${leg.id} has ended`);
      leg.status = 'disconnected';
      leg.endReason = transition.endReason;
      leg.outcome = transition.outcome;
      leg.answeredBy = transition.answeredBy;
      leg.endedAt = at;
      return;
    }
    case 'legDropped': {
      const call = callOf(transition.callId);
      const leg = legOf(call, transition.legId);
      if (!leg.listed) fail(`leg ${leg.id} is not listed`);
      if (leg.lingerDeadline !== null) fail(`leg ${leg.id} still lingers`);
      leg.listed = false;
      const session = store.session(leg.sessionId);
      if (session) removeId(session.inboundCallIds, call.id);
      return;
    }
    case 'answered': {
      const call = liveCallOf(transition.callId);
      if (call.answeredBy) fail(`call ${call.id} was answered by ${call.answeredBy.name}`);
      const leg = legOf(call, transition.legId);
      if (!leg.listed || leg.sessionId !== transition.agent.sessionId)
        fail(`leg ${leg.id} is not the agent's`);
      if (leg.status === 'ringing') {
        leg.status = 'connected';
        leg.answeredAt = at;
        leg.answeredBy = { id: transition.agent.id, name: transition.agent.name };
        leg.outcome = 'answered';
      } else if (leg.status !== 'connected') fail(`leg ${leg.id} has ended`);
      call.phase = 'connected';
      // The first answer is kept: the records' queue wait and talk time are the caller's.
      call.answeredAt ??= at;
      call.answeredBy = { ...transition.agent };
      return;
    }
    case 'phoneAnswered': {
      const call = liveCallOf(transition.callId);
      if (call.target.kind !== 'phone') fail(`call ${call.id} does not call a phone`);
      if (call.answeredAt !== null) fail(`call ${call.id} was answered already`);
      call.phase = 'connected';
      call.answeredAt = at;
      return;
    }
    case 'handedOff': {
      const call = liveCallOf(transition.callId);
      if (call.answeredBy?.sessionId !== transition.from.sessionId)
        fail(`the call is not with ${transition.from.name}'s tab`);
      call.answeredBy = null;
      return;
    }
    case 'held': {
      const call = liveCallOf(transition.callId);
      if (call.heldAt !== null) fail(`call ${call.id} is on hold already`);
      call.heldAt = at;
      return;
    }
    case 'resumed': {
      const call = liveCallOf(transition.callId);
      if (call.heldAt === null) return fail(`call ${call.id} is not on hold`);
      call.heldMs += Math.max(0, at - call.heldAt);
      call.heldAt = null;
      return;
    }
    case 'redirected': {
      // A blind transfer redirects a connected call: nobody has it until the destination answers.
      const call = liveCallOf(transition.callId);
      if (call.answeredBy) fail(`call ${call.id} is with ${call.answeredBy.name}`);
      call.redirect = structuredClone(transition.redirect);
      call.phase = 'waiting';
      call.roundFirstAttempt = call.attempt + 1;
      return;
    }
    case 'redirectCleared': {
      const call = callOf(transition.callId);
      call.redirect = null;
      call.roundFirstAttempt = call.attempt + 1;
      return;
    }
    case 'transferStarted': {
      const call = liveCallOf(transition.callId);
      if (call.transfer && call.transfer.status !== 'failed')
        fail(`call ${call.id} is being transferred`);
      call.transfer = structuredClone(transition.transfer);
      return;
    }
    case 'transferConsultationDialed':
      transferOf(liveCallOf(transition.callId), fail).consultationCallId =
        transition.consultationCallId;
      return;
    case 'transferConsulting':
      transferOf(liveCallOf(transition.callId), fail).status = 'consulting';
      return;
    case 'transferTurnedBlind': {
      const transfer = transferOf(liveCallOf(transition.callId), fail);
      transfer.mode = 'blind';
      transfer.consultationCallId = null;
      return;
    }
    case 'transferFailed':
      transferOf(liveCallOf(transition.callId), fail).status = 'failed';
      return;
    case 'transferCompleted':
    case 'transferCancelled':
    case 'transferCleared': {
      const call = callOf(transition.callId);
      transferOf(call, fail);
      call.transfer = null;
      return;
    }
    case 'callEnded': {
      const call = liveCallOf(transition.callId);
      call.phase = 'ended';
      call.endReason = transition.reason;
      call.endedAt = at;
      call.endedBy = transition.by;
      // The hold is over with the call (heldAt stays: the views show how it ended).
      const { heldAt } = call;
      if (heldAt !== null) call.heldMs += Math.max(0, at - heldAt);
      return;
    }
    case 'callDropped': {
      const call = callOf(transition.callId);
      if (call.phase !== 'ended') fail(`call ${call.id} has not ended`);
      store.deleteCall(call.id);
      if (call.callerSessionId) {
        const caller = store.session(call.callerSessionId);
        if (caller) removeId(caller.outboundCallIds, call.id);
      }
      return;
    }

    // ------------------------------------------------------------ time
    case 'deadlineSet':
      writeDeadline(store, transition.deadline, transition.dueAt, fail);
      return;
    case 'deadlineCleared':
      writeDeadline(store, transition.deadline, null, fail);
      return;
  }
}

function transferOf(call: LiveCall, fail: (problem: string) => never) {
  return call.transfer ?? fail(`call ${call.id} has no transfer`);
}

function writeDeadline(
  store: LiveStore,
  deadline: DeadlineRef,
  dueAt: number | null,
  fail: (problem: string) => never,
): void {
  switch (deadline.kind) {
    case 'call': {
      const call = store.call(deadline.callId) ?? fail(`no live call ${deadline.callId}`);
      call.deadlines[deadline.name] = dueAt;
      return;
    }
    case 'leg': {
      const call = store.call(deadline.callId) ?? fail(`no live call ${deadline.callId}`);
      const leg = call.legs.find((candidate) => candidate.id === deadline.legId);
      if (!leg?.listed) fail(`leg ${deadline.legId} is not listed`);
      leg.lingerDeadline = dueAt;
      return;
    }
    case 'session': {
      const session = store.session(deadline.sessionId) ?? fail(`no session ${deadline.sessionId}`);
      session.resumeDeadline = dueAt;
      return;
    }
    case 'wrapUp': {
      const agent =
        store.agent(deadline.tenantId, deadline.userId) ?? fail(`no agent ${deadline.userId}`);
      const wrapUp = agent.wrapUp ?? fail(`agent ${deadline.userId} is not wrapping up`);
      agent.wrapUp = { ...wrapUp, deadline: dueAt };
      return;
    }
  }
}

function removeId(ids: string[], value: string): void {
  const index = ids.indexOf(value);
  if (index >= 0) ids.splice(index, 1);
}

/**
 * The live call engine's facade. Sessions register here, calls are placed here, and every
 * decision (who rings, who won, why a leg ended) is taken by the managers behind it:
 * SessionRegistry (tabs), Dialing (new calls), Ringing (offers and legs), Attempts (what a call
 * does when nobody took it), Answering (the one step that gives a call to an agent),
 * CallEnding, Transfers, CallHold, Assignments, CallQueue and PresenceTracker. They read the
 * live state from RoutingState and change it only by applying transitions there; each routing
 * step's transitions then become the tabs' frames (PushBatch) and reach every observer
 * (`observeTransitions`; media through CallEvents; the supervisor feed through observeChanges).
 * See server/routing/README.md.
 */
import type {
  AgentRef,
  CallView,
  EndReason,
  Presence,
  TransferMode,
} from '../../protocol/session-protocol.ts';
import type { Config } from '../config.ts';
import type { Directory, UserRecord } from '../directory/directory.ts';
import type { CallDetail } from '../calls/call-schemas.ts';
import { AppError } from '../shared/errors.ts';
import { isPhoneNumberLike } from '../phone-numbers/phone-number-format.ts';
import { systemScheduler, type Scheduler } from '../shared/scheduler.ts';
import { InProcessEventBus, type EventBus } from './event-bus.ts';
import { HoldingEventBus } from './holding-event-bus.ts';
import { InProcessLiveStore, type LiveSnapshot } from './state/live-store.ts';
import { RoutingState, type RoutingLog, type TransitionListener } from './state/routing-state.ts';
import type { AgentState, LiveCall, LiveSession } from './state/live-state.ts';
import { PushBatch } from './push-batch.ts';
import { PresenceTracker } from './presence.ts';
import { Ringing } from './ringing.ts';
import { CallQueue } from './call-queue.ts';
import { Answering } from './answering.ts';
import { AfterCallWork } from './after-call-work.ts';
import { NotReady } from './not-ready.ts';
import { CallEnding, type CallEnder } from './call-ending.ts';
import { RedirectFallback } from './redirect-fallback.ts';
import { Attempts } from './attempts.ts';
import { CallLifecycle } from './call-lifecycle.ts';
import { SessionRegistry, type SessionEndCause } from './sessions.ts';
import { Dialing } from './dialing.ts';
import { Transfers } from './transfers.ts';
import { CallHold } from './hold.ts';
import { Assignments } from './assignments.ts';
import { RingGroupCache } from './ring-group-cache.ts';
import { RingStrategies, type RingStrategy } from './strategies/ring-strategy.ts';
import { callDetail, outboundView } from './call-views.ts';
import {
  callEventsObserver,
  routingChangeObserver,
  type CallEvents,
  type RoutingChangeListener,
} from './call-events.ts';

export interface CallRouterDependencies {
  config: Config;
  directory: Directory;
  bus?: EventBus;
  scheduler?: Scheduler;
  log?: RoutingLog;
  /** Told when calls are placed, answered, handed on and end (media opens and closes rooms). */
  callEvents?: CallEvents;
  /** Ring strategies beyond ring-all, chosen per group by name. */
  strategies?: readonly RingStrategy[];
  /** Live state another router left (a snapshot): loaded, and its deadlines re-armed. */
  snapshot?: LiveSnapshot;
}

export interface PlaceCallRequest {
  from: { name: string; address: string };
  to: string;
  params?: Record<string, string>;
  /** Higher is offered first (0–9, default 0). */
  priority?: number;
  /** Skill name → minimum level: only agents holding each are offered the call. */
  requiredSkills?: Record<string, number>;
  /** `api` unless a phone placed it (server/sip). */
  origin?: 'api' | 'phone';
  /** The user whose token placed it (absent: the tenant's API key); see LiveCall.placedByUserId. */
  placedByUserId?: string;
}

const consoleLog: RoutingLog = { error: (details, message) => console.error(message, details) };

export class CallRouter {
  readonly bus: HoldingEventBus;
  private readonly state: RoutingState;
  private readonly pushes: PushBatch;
  private readonly presence: PresenceTracker;
  private readonly sessions: SessionRegistry;
  private readonly dialing: Dialing;
  private readonly lifecycle: CallLifecycle;
  private readonly ending: CallEnding;
  private readonly transfers: Transfers;
  private readonly holds: CallHold;
  private readonly assignments: Assignments;
  private readonly ringGroups: RingGroupCache;
  private readonly answering: Answering;
  private readonly queue: CallQueue;

  constructor(dependencies: CallRouterDependencies) {
    const { config, directory } = dependencies;
    const log = dependencies.log ?? consoleLog;
    const scheduler = dependencies.scheduler ?? systemScheduler;
    // Holding: a tab's dial is confirmed to it only once the call is recorded (SessionCommands).
    const bus = new HoldingEventBus(
      dependencies.bus ??
        new InProcessEventBus((error) => log.error({ err: error }, 'session listener failed')),
    );
    const store = dependencies.snapshot
      ? InProcessLiveStore.fromSnapshot(dependencies.snapshot)
      : new InProcessLiveStore();
    const timings = { endedCallLingerMs: config.endedCallLingerMs };
    const privateRingTimeoutMs = config.ringTimeoutSeconds * 1000;

    // Built bottom-up: each manager gets what it uses, nothing is filled in afterwards.
    const state = new RoutingState(store, scheduler, log);
    const pushes = new PushBatch(state.read, bus);
    state.addProjection(pushes);
    const presence = new PresenceTracker(state);
    const afterCallWork = new AfterCallWork(state, presence, (config.wrapUpSeconds ?? 0) * 1000);
    const ringing = new Ringing(
      state,
      presence,
      new RingStrategies(dependencies.strategies),
      timings,
    );
    const queue = new CallQueue(state, ringing, presence);
    const answering = new Answering(state, ringing, presence, queue);
    const notReady = new NotReady(state, presence, config.notReadyAfterMissedCall ?? false);
    const ending = new CallEnding(state, ringing, presence, queue, timings, notReady);
    const fallback = new RedirectFallback(state, ringing, queue, ending, privateRingTimeoutMs);
    const attempts = new Attempts(state, ringing, ending, fallback, presence, notReady);
    const ringGroups = new RingGroupCache(directory, scheduler);
    const dialing = new Dialing(
      state,
      directory,
      ringGroups,
      ringing,
      queue,
      ending,
      privateRingTimeoutMs,
    );
    const transfers = new Transfers(
      state,
      { ringing, answering, ending, fallback, dialing, presence },
      privateRingTimeoutMs,
    );
    this.sessions = new SessionRegistry(
      state,
      { presence, queue, attempts, ending, transfers, pushes, ringGroups, afterCallWork },
      directory,
      bus,
      log,
    );
    this.lifecycle = new CallLifecycle(state, ringing, answering, attempts, ending);
    this.holds = new CallHold(state);
    this.assignments = new Assignments(state, ringing, presence, privateRingTimeoutMs);
    this.bus = bus;
    this.state = state;
    this.pushes = pushes;
    this.presence = presence;
    this.dialing = dialing;
    this.ending = ending;
    this.transfers = transfers;
    this.ringGroups = ringGroups;
    this.answering = answering;
    this.queue = queue;
    if (dependencies.callEvents) state.observe(callEventsObserver(dependencies.callEvents, log));
    if (dependencies.snapshot) state.rearmDeadlines();
  }

  /**
   * Gives the live state up without touching it (another router took this tenant over): the
   * timers stop, calls and sessions stay as they are in the state that was handed on.
   */
  relinquish(): void {
    this.state.disarmDeadlines();
  }

  /**
   * Takes over one tenant's live state that another node kept (a cluster's new owner, SCALE.md):
   * loaded, deadlines re-armed, and every tab of the tenant is sent its lists again, so ringing
   * calls ring again and connected calls show as they are. Nothing is recorded twice: no
   * transition is applied.
   */
  adoptTenant(snapshot: LiveSnapshot): void {
    this.state.adopt(snapshot);
    for (const session of snapshot.sessions) {
      for (const call of this.outgoingCalls(session.id))
        this.bus.publish(session.id, { type: 'outgoing_call', call });
      this.bus.publish(session.id, {
        type: 'incoming_calls',
        calls: this.incomingCalls(session.id),
      });
    }
  }

  /** Gives one tenant's live state up unchanged (another node owns it now); its calls carry on there. */
  releaseTenant(tenantId: string): void {
    this.state.release(tenantId);
  }

  /** One tenant's live state as plain data (what a cluster keeps in Redis). */
  tenantSnapshot(tenantId: string): LiveSnapshot {
    return this.state.read.tenantSnapshot(tenantId);
  }

  /** Ends every live call as failed, so the records say so, and drops every timer. */
  stop(): void {
    this.state.run(() => {
      for (const call of [...this.state.read.calls()]) this.ending.endCall(call, 'failed');
    });
    this.state.disarmDeadlines();
  }

  /**
   * Runs `work` as one routing step: frames caused by it are sent when it returns, after
   * anything `work` itself sends (the gateway's reply comes before the pushes it caused).
   */
  batch<T>(work: () => T): T {
    return this.state.run(work);
  }

  // ------------------------------------------------------------------ sessions

  openSession(sessionId: string, tenantId: string, user: UserRecord): { presence: Presence } {
    return this.batch(() => ({
      presence: this.sessions.open(sessionId, tenantId, user).agent.presence,
    }));
  }

  comeOnline(sessionId: string): { addresses: string[]; presence: Presence } {
    return this.batch(() => this.sessions.comeOnline(this.sessions.require(sessionId)));
  }

  goOffline(sessionId: string): Presence {
    return this.batch(() => this.sessions.goOffline(this.sessions.require(sessionId)));
  }

  setPresence(sessionId: string, presence: 'available' | 'away' | 'wrap-up'): Presence {
    return this.batch(() => this.sessions.setPresence(this.sessions.require(sessionId), presence));
  }

  /** The agent is done with its after-call work before its time ran out. */
  endWrapUp(sessionId: string): Presence {
    return this.batch(() => this.sessions.endWrapUp(this.sessions.require(sessionId)));
  }

  /** The agent's after-call work ends `seconds` later than it would have. */
  extendWrapUp(sessionId: string, seconds: number): void {
    this.batch(() => this.sessions.extendWrapUp(this.sessions.require(sessionId), seconds));
  }

  closeSession(sessionId: string, cause: SessionEndCause): void {
    this.batch(() => this.sessions.close(sessionId, cause));
  }

  /** A lost socket: the session keeps its calls for `resumeMs` (see SessionRegistry.detach). */
  detachSession(sessionId: string, resumeMs: number, closing = false): void {
    this.batch(() => this.sessions.detach(sessionId, resumeMs, closing));
  }

  /** Whether the tab of `sessionId` is away and may still come back (media spares its party). */
  isSessionWaiting(sessionId: string): boolean {
    return Boolean(this.state.read.session(sessionId)?.detached);
  }

  /** Whether `sessionId` is a detached session of this user, waiting for its tab. */
  isResumable(sessionId: string, tenantId: string, userId: string): boolean {
    const session = this.state.read.session(sessionId);
    return Boolean(session?.detached && session.tenantId === tenantId && session.userId === userId);
  }

  /** The live session (read it, never change it); undefined when unknown here. */
  sessionOf(sessionId: string): Readonly<LiveSession> | undefined {
    return this.state.read.session(sessionId);
  }

  /** Whether `sessionId` is a session of this user that still has its socket (not detached). */
  isAttachedTo(sessionId: string, tenantId: string, userId: string): boolean {
    const session = this.state.read.session(sessionId);
    return Boolean(
      session && !session.detached && session.tenantId === tenantId && session.userId === userId,
    );
  }

  /**
   * Re-attaches a detached session of this user; null when there is none to resume. The
   * caller sends `hello` and the full state (`resumedState`) on the new socket.
   */
  resumeSession(
    sessionId: string,
    tenantId: string,
    userId: string,
  ): { presence: Presence; online: boolean } | null {
    return this.batch(() => {
      const session = this.sessions.resume(sessionId, tenantId, userId);
      if (!session) return null;
      return { presence: this.sessions.agentOf(session).presence, online: session.online };
    });
  }

  /** The calls a resumed tab placed, as `outgoing_call` views (ended ones included). */
  outgoingCalls(sessionId: string): CallView[] {
    const session = this.state.read.session(sessionId);
    return [...(session?.outboundCallIds ?? [])]
      .map((callId) => this.state.read.call(callId))
      .filter((call): call is LiveCall => Boolean(call))
      .map((call) => outboundView(call));
  }

  /** The session's whole incoming list, as pushed in `incoming_calls`. */
  incomingCalls(sessionId: string): CallView[] {
    return this.pushes.incomingCalls(sessionId);
  }

  // ------------------------------------------------------------------ agent commands

  accept(sessionId: string, callId: string): void {
    this.batch(() => this.lifecycle.accept(this.sessions.require(sessionId), callId));
  }

  reject(sessionId: string, callId: string): void {
    this.batch(() => this.lifecycle.reject(this.sessions.require(sessionId), callId));
  }

  hangup(sessionId: string, callId: string): void {
    this.batch(() => this.lifecycle.hangup(this.sessions.require(sessionId), callId));
  }

  // ------------------------------------------------------------------ transfer and hold

  /**
   * Hands the call this tab is connected to on to `to` (docs/session-protocol.md, "Transfer").
   * `reply` runs inside the routing step, so the `ok` goes out before the pushes it caused.
   */
  async transfer(
    sessionId: string,
    callId: string,
    to: string,
    mode: TransferMode,
    reply?: () => void,
    { requiredSkills }: { requiredSkills?: Record<string, number> } = {},
  ): Promise<void> {
    const session = this.sessions.require(sessionId);
    // Refused before the lookup, so a wrong state is reported as such whatever the address.
    this.transfers.checkTransfer(session, callId);
    // A phone number (warm: server/sip checked the call has a phone and the tenant a carrier).
    const resolved = isPhoneNumberLike(to)
      ? this.dialing.resolvePhone(to)
      : await this.dialing.resolve(session.tenantId, to);
    this.batch(() => {
      this.transfers.transfer(this.sessions.require(sessionId), callId, mode, resolved, {
        requiredSkills,
      });
      reply?.();
    });
  }

  /**
   * Checks that this tab may hand the call on now (it has the call, connected, no transfer in
   * progress): what a transfer outside routing (to a phone number, server/sip) asks first.
   * Returns the call's tenant.
   */
  checkTransferOut(sessionId: string, callId: string): { tenantId: string } {
    const call = this.transfers.checkTransfer(this.sessions.require(sessionId), callId);
    return { tenantId: call.tenantId };
  }

  /**
   * The tenant, rooms' calls and number of this tab's warm transfer to a phone number, if that
   * is what the call has in progress (server/sip completes those).
   */
  phoneConsultationOf(
    sessionId: string,
    callId: string,
  ): { tenantId: string; consultationCallId: string; phase: string } | undefined {
    const found = this.transfers.phoneConsultationOf(this.sessions.require(sessionId), callId);
    if (!found) return undefined;
    return {
      tenantId: found.call.tenantId,
      consultationCallId: found.consultation.id,
      phase: found.consultation.phase,
    };
  }

  /** Ends a warm transfer to a phone number that server/sip has bridged (both calls `transferred`). */
  completeTransferToPhone(sessionId: string, callId: string): void {
    this.batch(() => this.transfers.completeToPhone(this.sessions.require(sessionId), callId));
  }

  completeTransfer(sessionId: string, callId: string): void {
    this.batch(() => this.transfers.complete(this.sessions.require(sessionId), callId));
  }

  cancelTransfer(sessionId: string, callId: string): void {
    this.batch(() => this.transfers.cancel(this.sessions.require(sessionId), callId));
  }

  hold(sessionId: string, callId: string): void {
    this.batch(() => this.holds.hold(this.sessions.require(sessionId), callId));
  }

  resume(sessionId: string, callId: string): void {
    this.batch(() => this.holds.resume(this.sessions.require(sessionId), callId));
  }

  // ------------------------------------------------------------------ placing calls

  /** A signed-in user dials from a tab; its first `outgoing_call` frame carries `requestId`. */
  async dial(
    sessionId: string,
    to: string,
    params: Record<string, string> = {},
    requestId?: string,
  ): Promise<CallView> {
    const session = this.sessions.require(sessionId);
    const resolved = isPhoneNumberLike(to)
      ? this.dialing.resolvePhone(to)
      : await this.dialing.resolve(session.tenantId, to);
    return this.batch(() => {
      // The tab may have closed while the address was looked up.
      const caller = this.sessions.agentOf(this.sessions.require(sessionId));
      const call = this.dialing.create(
        {
          tenantId: session.tenantId,
          origin: 'session',
          from: { name: caller.name, address: `/private/${caller.username}` },
          fromUserId: caller.userId,
          callerSessionId: session.id,
          params,
          requestId,
        },
        resolved,
      );
      return outboundView(call);
    });
  }

  /**
   * The phone a tab dialed answered (LiveKit SIP says so, server/sip): the call is connected.
   * Unknown, other tenants', ended and already answered calls are left alone.
   */
  phoneAnswered(tenantId: string, callId: string): void {
    const call = this.state.read.call(callId);
    if (!call || call.tenantId !== tenantId || call.target.kind !== 'phone') return;
    if (call.phase === 'ended' || call.answeredAt !== null) return;
    this.batch(() => this.answering.connectPhone(call));
  }

  /** A server-side call placed through the HTTP API. */
  async placeCall(tenantId: string, request: PlaceCallRequest): Promise<CallDetail> {
    const resolved = await this.dialing.resolve(tenantId, request.to);
    return this.batch(() => {
      const call = this.dialing.create(
        {
          tenantId,
          origin: request.origin ?? 'api',
          from: request.from,
          fromUserId: null,
          callerSessionId: null,
          placedByUserId: request.placedByUserId,
          params: request.params ?? {},
          priority: request.priority ?? 0,
          requiredSkills: request.requiredSkills,
        },
        resolved,
      );
      return callDetail(call);
    });
  }

  /** The agent's skills changed: calls requiring skills read the new ones from now on. */
  setAgentSkills(tenantId: string, userId: string, skills: Record<string, number>): void {
    this.batch(() => {
      const agent = this.state.read.agent(tenantId, userId);
      if (!agent) return;
      this.state.apply({ type: 'agentSkillsSet', tenantId, userId, skills });
      // Calls that wait for a skill the agent now holds ring them now.
      if (agent.presence === 'available') this.queue.offerWaitingCallsTo(agent);
    });
  }

  /** A call that is still live (or lingering after its end); null for unknown and other tenants' ids. */
  liveCall(tenantId: string, callId: string): CallDetail | null {
    const call = this.state.read.call(callId);
    return call && call.tenantId === tenantId ? callDetail(call) : null;
  }

  /**
   * Hang-up from the HTTP API, on the caller's behalf: the caller's own (the API key, or whoever
   * placed it), else `by` the supervisor or admin who ends it.
   */
  hangupCall(tenantId: string, callId: string, by?: CallEnder): CallDetail {
    const call = this.state.read.call(callId);
    if (!call || call.tenantId !== tenantId)
      throw new AppError('not-found', `call ${callId} not found`);
    this.batch(() => this.lifecycle.hangupAsCaller(call, by));
    return callDetail(call);
  }

  /**
   * Ends a live call for a reason found outside routing (its media went away or could not be
   * set up): `by` the party whose media left, else as the reason tells (call-ending.ts).
   * Unknown, other tenants' and already ended calls are left alone.
   */
  endCall(tenantId: string, callId: string, reason: EndReason, by?: CallEnder): void {
    const call = this.state.read.call(callId);
    if (!call || call.tenantId !== tenantId || call.phase === 'ended') return;
    this.batch(() => this.ending.endCall(call, reason, by));
  }

  /**
   * Call after creating, changing or deleting a ring group: routing otherwise keeps using
   * what it read for a few seconds (RING_GROUP_CACHE_TTL_MS).
   */
  ringGroupsChanged(tenantId: string): void {
    this.ringGroups.forget(tenantId);
  }

  /** The agent's presence as its tabs see it; offline when it has no session here. */
  presenceOf(tenantId: string, userId: string): Presence {
    return this.state.read.agent(tenantId, userId)?.presence ?? 'offline';
  }

  // ------------------------------------------------------------------ supervision

  /** Tells `listener` which tenants each routing step touched, after its frames went out. */
  observeChanges(listener: RoutingChangeListener): () => void {
    return this.state.observe(routingChangeObserver(listener));
  }

  /**
   * Hands `listener` every routing step's transitions, in order, after the step's frames went
   * out (records, timelines, persistence). Returns the function that stops it.
   */
  observeTransitions(listener: TransitionListener): () => void {
    return this.state.observe(listener);
  }

  /** The whole live state as plain data (a new router takes it as `snapshot`). */
  snapshot(): LiveSnapshot {
    return this.state.read.snapshot();
  }

  /** The tenant's live calls (ended ones may still linger), oldest first; read them, never change them. */
  liveCallsOf(tenantId: string): readonly LiveCall[] {
    const calls: LiveCall[] = [];
    for (const call of this.state.read.calls()) if (call.tenantId === tenantId) calls.push(call);
    return calls;
  }

  /** The tenant's open sessions (tabs, online or not); read them, never change them. */
  sessionsOf(tenantId: string): readonly LiveSession[] {
    const sessions: LiveSession[] = [];
    for (const session of this.state.read.sessions())
      if (session.tenantId === tenantId) sessions.push(session);
    return sessions;
  }

  /** The agent's live state while it has a session here; read it, never change it. */
  agentStateOf(tenantId: string, userId: string): Readonly<AgentState> | undefined {
    return this.state.read.agent(tenantId, userId);
  }

  /**
   * A supervisor pulls a waiting or ringing call to one available agent: only that agent's tabs
   * ring, for one ring timeout; unanswered, the call rings as usual again. Returns the live call
   * (read it, never change it).
   */
  assignCall(tenantId: string, callId: string, user: AgentRef): Readonly<LiveCall> {
    return this.batch(() => this.assignments.assign(tenantId, callId, user));
  }

  /**
   * A supervisor sets an agent away (as if the agent chose it; a call in progress continues) or
   * offline (every tab stops taking calls until it comes online again). Ringing legs are
   * withdrawn either way. Null when the agent has no session here.
   */
  forcePresence(tenantId: string, userId: string, presence: 'away' | 'offline'): Presence | null {
    const agent = this.state.read.agent(tenantId, userId);
    if (!agent) return null;
    return this.batch(() => {
      if (presence === 'away') {
        this.sessions.forceAway(agent);
      } else {
        for (const sessionId of [...agent.sessionIds]) {
          const session = this.state.read.session(sessionId);
          if (session) this.sessions.goOffline(session);
        }
      }
      return agent.presence;
    });
  }
}

/**
 * Where the live state is kept: sessions, agents, calls, and which calls wait in a queue.
 *
 * Reads are open to every routing manager (through RoutingState); writes belong to
 * apply-transition.ts alone. The interface is synchronous on purpose: one tenant's routing runs
 * on one owner node (SCALE.md), which decides "first accept wins" inside one tick with no await
 * between reading and writing. A cluster keeps this in-process store as the owner's working
 * copy and writes each step's changes to Redis behind it; a new owner rebuilds it from a
 * snapshot (`fromSnapshot`).
 */
import { byArrival, type AgentState, type LiveCall, type LiveSession } from './live-state.ts';

export interface LiveStoreReader {
  session(sessionId: string): LiveSession | undefined;
  sessions(): Iterable<LiveSession>;
  agent(tenantId: string, userId: string): AgentState | undefined;
  call(callId: string): LiveCall | undefined;
  /** Every live call (ended ones linger for a while), in creation order. */
  calls(): Iterable<LiveCall>;
  /** The tenant's calls waiting in a queue, in the order they were queued. */
  queuedCalls(tenantId: string): Iterable<LiveCall>;
  /** Everything, as plain data that survives `JSON.stringify`. */
  snapshot(): LiveSnapshot;
  /** One tenant's sessions, agents and calls, as plain data. */
  tenantSnapshot(tenantId: string): LiveSnapshot;
}

/** Only apply-transition.ts calls these. */
export interface LiveStore extends LiveStoreReader {
  putSession(session: LiveSession): void;
  deleteSession(sessionId: string): void;
  putAgent(agent: AgentState): void;
  deleteAgent(tenantId: string, userId: string): void;
  putCall(call: LiveCall): void;
  deleteCall(callId: string): void;
  /** Keeps the queue index in step with `call.queued`. */
  indexQueued(call: LiveCall): void;
  /** Adds what a snapshot holds (a tenant another node owned); only RoutingState.adopt calls it. */
  load(snapshot: LiveSnapshot): void;
  /** Forgets one tenant's entities (another node owns it now); only RoutingState.release calls it. */
  unload(tenantId: string): void;
}

export interface LiveSnapshot {
  sessions: LiveSession[];
  agents: AgentState[];
  calls: LiveCall[];
}

const agentKey = (tenantId: string, userId: string) => `${tenantId}/${userId}`;

export class InProcessLiveStore implements LiveStore {
  private readonly liveSessions = new Map<string, LiveSession>();
  private readonly agents = new Map<string, AgentState>();
  private readonly liveCalls = new Map<string, LiveCall>();
  // Insertion-ordered ids of each tenant's queued calls: O(1) removal from the middle.
  private readonly queuedByTenant = new Map<string, Set<string>>();

  /** A store holding what a snapshot (of this or another node) held. */
  static fromSnapshot(snapshot: LiveSnapshot): InProcessLiveStore {
    const store = new InProcessLiveStore();
    store.load(snapshot);
    return store;
  }

  load(snapshot: LiveSnapshot): void {
    for (const session of snapshot.sessions) this.putSession(session);
    for (const agent of snapshot.agents) this.putAgent(agent);
    // Queues are kept in arrival order (a requeued call is ordered by `requeued` when offered).
    for (const call of [...snapshot.calls].sort(byArrival)) {
      this.putCall(call);
      this.indexQueued(call);
    }
  }

  unload(tenantId: string): void {
    for (const session of [...this.liveSessions.values()])
      if (session.tenantId === tenantId) this.liveSessions.delete(session.id);
    for (const agent of [...this.agents.values()])
      if (agent.tenantId === tenantId) this.deleteAgent(tenantId, agent.userId);
    for (const call of [...this.liveCalls.values()])
      if (call.tenantId === tenantId) this.liveCalls.delete(call.id);
    this.queuedByTenant.delete(tenantId);
  }

  /** One tenant's entities, as plain data (what a cluster's owner node keeps in Redis). */
  tenantSnapshot(tenantId: string): LiveSnapshot {
    return structuredClone({
      sessions: [...this.liveSessions.values()].filter((s) => s.tenantId === tenantId),
      agents: [...this.agents.values()].filter((a) => a.tenantId === tenantId),
      calls: [...this.liveCalls.values()].filter((c) => c.tenantId === tenantId),
    });
  }

  session(sessionId: string): LiveSession | undefined {
    return this.liveSessions.get(sessionId);
  }
  sessions(): Iterable<LiveSession> {
    return this.liveSessions.values();
  }
  putSession(session: LiveSession): void {
    this.liveSessions.set(session.id, session);
  }
  deleteSession(sessionId: string): void {
    this.liveSessions.delete(sessionId);
  }

  agent(tenantId: string, userId: string): AgentState | undefined {
    return this.agents.get(agentKey(tenantId, userId));
  }
  putAgent(agent: AgentState): void {
    this.agents.set(agentKey(agent.tenantId, agent.userId), agent);
  }
  deleteAgent(tenantId: string, userId: string): void {
    this.agents.delete(agentKey(tenantId, userId));
  }

  call(callId: string): LiveCall | undefined {
    return this.liveCalls.get(callId);
  }
  calls(): Iterable<LiveCall> {
    return this.liveCalls.values();
  }
  putCall(call: LiveCall): void {
    this.liveCalls.set(call.id, call);
  }
  deleteCall(callId: string): void {
    const call = this.liveCalls.get(callId);
    this.liveCalls.delete(callId);
    if (call) this.queuedByTenant.get(call.tenantId)?.delete(callId);
  }

  indexQueued(call: LiveCall): void {
    let queued = this.queuedByTenant.get(call.tenantId);
    if (call.queued) {
      if (!queued) this.queuedByTenant.set(call.tenantId, (queued = new Set()));
      queued.add(call.id);
    } else if (queued) {
      queued.delete(call.id);
      if (queued.size === 0) this.queuedByTenant.delete(call.tenantId);
    }
  }

  *queuedCalls(tenantId: string): Iterable<LiveCall> {
    for (const callId of this.queuedByTenant.get(tenantId) ?? []) {
      const call = this.liveCalls.get(callId);
      if (call) yield call;
    }
  }

  snapshot(): LiveSnapshot {
    return structuredClone({
      sessions: [...this.liveSessions.values()],
      agents: [...this.agents.values()],
      calls: [...this.liveCalls.values()],
    });
  }
}

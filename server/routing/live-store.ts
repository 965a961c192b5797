/**
 * Where live sessions, agents, calls and queues are kept. The in-process store below is the
 * default; a Redis store can implement the same interface so several call-control nodes share
 * one tenant's agents (DESIGN.md "Growing past one machine").
 *
 * The interface is synchronous on purpose: in one Node process the router decides "first accept
 * wins" inside one tick, with no await between reading and writing. `claimAnswer` is the one
 * decision that must be atomic across nodes; a shared store implements it as a compare-and-set
 * (Redis `SET key value NX`) and the router awaits it there.
 */
import type { AgentState, LiveCall, LiveSession } from './live-state.ts';

export interface LiveStore {
  putSession(session: LiveSession): void;
  session(sessionId: string): LiveSession | undefined;
  deleteSession(sessionId: string): void;

  putAgent(agent: AgentState): void;
  agent(tenantId: string, userId: string): AgentState | undefined;
  deleteAgent(tenantId: string, userId: string): void;

  putCall(call: LiveCall): void;
  call(callId: string): LiveCall | undefined;
  deleteCall(callId: string): void;
  /** Every live call, in creation order. */
  calls(): Iterable<LiveCall>;

  /** Marks the call answered by `sessionId`; false if someone already claimed it. */
  claimAnswer(callId: string, sessionId: string): boolean;
  /** The call's agent handed it on (a transfer): the next accept may claim it again. */
  releaseAnswer(callId: string): void;

  /** Queues are first-in-first-out lists of call ids, one per ring group or private target. */
  enqueue(tenantId: string, queueKey: string, callId: string): void;
  dequeue(tenantId: string, queueKey: string, callId: string): void;
  /** The tenant's queues, each oldest call first. */
  queues(tenantId: string): Iterable<[queueKey: string, callIds: Iterable<string>]>;
}

const agentKey = (tenantId: string, userId: string) => `${tenantId}/${userId}`;

export class InProcessLiveStore implements LiveStore {
  private readonly sessions = new Map<string, LiveSession>();
  private readonly agents = new Map<string, AgentState>();
  private readonly liveCalls = new Map<string, LiveCall>();
  private readonly answerClaims = new Map<string, string>();
  // A Set keeps insertion order, so it is a FIFO queue with O(1) removal from the middle.
  private readonly queuesByTenant = new Map<string, Map<string, Set<string>>>();

  putSession(session: LiveSession): void {
    this.sessions.set(session.id, session);
  }
  session(sessionId: string): LiveSession | undefined {
    return this.sessions.get(sessionId);
  }
  deleteSession(sessionId: string): void {
    this.sessions.delete(sessionId);
  }

  putAgent(agent: AgentState): void {
    this.agents.set(agentKey(agent.tenantId, agent.userId), agent);
  }
  agent(tenantId: string, userId: string): AgentState | undefined {
    return this.agents.get(agentKey(tenantId, userId));
  }
  deleteAgent(tenantId: string, userId: string): void {
    this.agents.delete(agentKey(tenantId, userId));
  }

  putCall(call: LiveCall): void {
    this.liveCalls.set(call.id, call);
  }
  call(callId: string): LiveCall | undefined {
    return this.liveCalls.get(callId);
  }
  deleteCall(callId: string): void {
    this.liveCalls.delete(callId);
    this.answerClaims.delete(callId);
  }
  calls(): Iterable<LiveCall> {
    return this.liveCalls.values();
  }

  claimAnswer(callId: string, sessionId: string): boolean {
    if (this.answerClaims.has(callId)) return false;
    this.answerClaims.set(callId, sessionId);
    return true;
  }
  releaseAnswer(callId: string): void {
    this.answerClaims.delete(callId);
  }

  enqueue(tenantId: string, queueKey: string, callId: string): void {
    let queues = this.queuesByTenant.get(tenantId);
    if (!queues) this.queuesByTenant.set(tenantId, (queues = new Map()));
    let queue = queues.get(queueKey);
    if (!queue) queues.set(queueKey, (queue = new Set()));
    queue.add(callId);
  }
  dequeue(tenantId: string, queueKey: string, callId: string): void {
    const queues = this.queuesByTenant.get(tenantId);
    const queue = queues?.get(queueKey);
    if (!queues || !queue) return;
    queue.delete(callId);
    if (queue.size === 0) queues.delete(queueKey);
    if (queues.size === 0) this.queuesByTenant.delete(tenantId);
  }
  queues(tenantId: string): Iterable<[string, Iterable<string>]> {
    return this.queuesByTenant.get(tenantId)?.entries() ?? [];
  }
}

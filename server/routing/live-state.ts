/**
 * The live state call control keeps while calls ring and talk: sessions (one per browser tab),
 * agents (a user with at least one session) and calls with their legs. Plain data, so a shared
 * store (Redis) can hold it later; behaviour lives in the routing managers.
 */
import type {
  AgentRef,
  CallStatus,
  EndReason,
  Party,
  Presence,
  RingGroupRef,
} from '../../protocol/session-protocol.ts';

export interface LiveSession {
  id: string;
  tenantId: string;
  userId: string;
  /** True between `online` and `offline` (or the socket going away): only online sessions ring. */
  online: boolean;
  /** Calls with a leg (ringing, live or lingering) in this session's incoming list. */
  inboundCallIds: Set<string>;
  /** Calls this session dialed; it receives `outgoing_call` for each. */
  outboundCallIds: Set<string>;
  /**
   * Set while the tab's socket is lost and it may still come back (`?resume=`): it rings for
   * nothing but keeps its calls. `wasOnline` is restored when it resumes.
   */
  detached?: { since: number; wasOnline: boolean };
}

export interface AgentState {
  tenantId: string;
  userId: string;
  name: string;
  username: string;
  /** What the agent chose; `busy` and `offline` are derived from facts, never chosen. */
  chosenPresence: 'available' | 'away' | 'wrap-up';
  /** The presence last pushed to the agent's sessions. */
  presence: Presence;
  sessionIds: Set<string>;
  /** Connected calls this user is part of (answered, or dialed and answered). */
  activeCallIds: Set<string>;
}

export type CallTarget =
  | { kind: 'user'; userId: string }
  | {
      kind: 'group';
      groupId: string;
      memberIds: string[];
      ringTimeoutMs: number;
      retryIntervalMs: number;
    };

/**
 * waiting: in its queue, nobody ringing (nobody available yet, or every leg was withdrawn).
 * ringing: an attempt is in progress. retry-wait: every leg of the last attempt declined or
 * timed out; offered again when the retry interval ends. connected, ended: as named.
 */
export type CallPhase = 'waiting' | 'ringing' | 'retry-wait' | 'connected' | 'ended';

/** How a leg ended, as recorded in call_legs.outcome. */
export type LegOutcome =
  | 'ringing'
  | 'answered'
  | 'rejected'
  | 'missed'
  | 'answered_elsewhere'
  | 'caller_cancelled'
  | 'withdrawn'
  | 'hangup'
  | 'failed'
  /** The agent handed the call on (blind transfer, or a completed warm transfer). */
  | 'transferred';

/** One session rung by one attempt of a call. */
export interface LiveLeg {
  id: string;
  callId: string;
  sessionId: string;
  userId: string;
  attempt: number;
  status: CallStatus;
  endReason: EndReason | null;
  answeredBy: AgentRef | null;
  outcome: LegOutcome;
  /** The agent whose transfer rang (or, on a completed warm transfer, connected) this leg. */
  transferredBy: AgentRef | null;
  ringingAt: number;
  answeredAt: number | null;
  endedAt: number | null;
}

export type CallOrigin = 'session' | 'api';

/**
 * For one attempt the call rings someone other than its own target: a transfer's destination,
 * the agent whose transfer failed, or the agent a supervisor assigned it to. The call keeps its
 * target (and its place in its queue), so when the redirect fails it falls back to them.
 */
export interface CallRedirect {
  kind: 'transfer' | 'ring-back' | 'assign';
  target: CallTarget;
  ringTimeoutMs: number;
  /** Shown on the legs it rings. */
  transferredBy: AgentRef | null;
  /** Never rung by it: the agent transferring the call away. */
  excludedUserId: string | null;
}

/** A transfer in progress on a connected call (see docs/session-protocol.md, "Transfer"). */
export interface LiveTransfer {
  mode: 'blind' | 'warm';
  to: Party;
  /** What `to` resolved to, kept so a warm transfer can turn blind if its agent disappears. */
  destination: { target: CallTarget; ringTimeoutMs: number };
  status: 'ringing' | 'consulting' | 'failed';
  /** The transferring agent and the tab that had the call. */
  by: AgentRef & { sessionId: string };
  consultationCallId: string | null;
}

export interface LiveCall {
  id: string;
  tenantId: string;
  origin: CallOrigin;
  from: Party;
  fromUserId: string | null;
  /** The session that dialed it; null for calls placed through the HTTP API. */
  callerSessionId: string | null;
  to: Party;
  target: CallTarget;
  ringGroup: RingGroupRef | null;
  params: Record<string, string>;
  phase: CallPhase;
  /** Ring attempts started so far; legs carry the attempt that rang them. */
  attempt: number;
  /** The current (or lingering) leg of each session, by session id. */
  legs: Map<string, LiveLeg>;
  /** Every leg ever rung, across attempts: what the call record lists. */
  legHistory: LiveLeg[];
  answeredBy: (AgentRef & { sessionId: string }) | null;
  endReason: EndReason | null;
  /** How long the caller may wait in the queue before the call ends `no_answer`. */
  maxWaitMs: number;
  /** Set while the call rings someone other than its target (transfer, ring-back, assign). */
  redirect: CallRedirect | null;
  transfer: LiveTransfer | null;
  /** A warm transfer's consultation call: the id of the call being transferred. */
  consultationFor: string | null;
  /** When the caller was put on hold (by the agent, or by a transfer); null when not held. */
  heldAt: number | null;
  /** Put back at the front of its queue after a transfer nobody took: offered before older calls. */
  requeued: boolean;
  createdAt: number;
  /** Increases with every call placed: first-in-first-out order even within one millisecond. */
  sequence: number;
  ringingAt: number | null;
  answeredAt: number | null;
  endedAt: number | null;
}

/** Oldest first. */
export const byArrival = (a: LiveCall, b: LiveCall) =>
  a.createdAt - b.createdAt || a.sequence - b.sequence;

export const isGroupCall = (
  call: LiveCall,
): call is LiveCall & { target: Extract<CallTarget, { kind: 'group' }> } =>
  call.target.kind === 'group';

/**
 * The call was answered once, so its media room exists and the caller is in it: the caller
 * stays connected (on hold) through transfers and a return to the queue.
 */
export const wasAnswered = (call: LiveCall): boolean =>
  call.answeredAt !== null && call.phase !== 'ended';

/** Whether this user is someone the call may ring. */
export function callTargetsUser(call: LiveCall, userId: string): boolean {
  return call.target.kind === 'user'
    ? call.target.userId === userId
    : call.target.memberIds.includes(userId);
}

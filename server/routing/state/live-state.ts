/**
 * The live state call control keeps while calls ring and talk: sessions (one per browser tab),
 * agents (a user with at least one session) and calls with their legs.
 *
 * Plain data only: arrays and records, no Sets, Maps, class instances or shared references
 * between entities (a leg lives in exactly one call's `legs`), and every timer is a deadline
 * (an epoch-millisecond field) rather than a pending timeout. So a snapshot is `JSON.stringify`
 * as is, and a node that loads one re-arms the deadlines and carries on (SCALE.md).
 *
 * Nothing outside `apply-transition.ts` changes these objects: the routing managers read them and
 * describe changes as transitions (transitions.ts). Nested values (`from`, `target`, `redirect`,
 * `transfer`, ...) are replaced, never edited in place.
 */
import type { MediaScript } from '../../media-script/script-schema.ts';
import type {
  AgentRef,
  CallStatus,
  EndReason,
  Party,
  Presence,
  RingGroupRef,
} from '../../../protocol/session-protocol.ts';

export interface LiveSession {
  id: string;
  tenantId: string;
  userId: string;
  /** True between `online` and `offline` (or the socket going away): only online sessions ring. */
  online: boolean;
  /** Calls with a leg (ringing, live or lingering) in this session's incoming list, oldest first. */
  inboundCallIds: string[];
  /** Calls this session dialed; it receives `outgoing_call` for each. */
  outboundCallIds: string[];
  /**
   * Set while the tab's socket is lost and it may still come back (`?resume=`): it rings for
   * nothing but keeps its calls. `wasOnline` is restored when it resumes.
   */
  detached: { since: number; wasOnline: boolean; closing?: boolean } | null;
  /** Deadline: a detached session that is not resumed by then closes for good (`lost`). */
  resumeDeadline: number | null;
}

/** What an agent may choose; `busy` and `offline` are derived from facts, never chosen. */
export type ChosenPresence = 'available' | 'away' | 'wrap-up';

/**
 * After-call work: the agent handled `callId` and is writing it up. Not rung until it ends
 * (`deadline`, moved by an extension), or the agent ends it early.
 */
export interface AgentWrapUp {
  callId: string;
  /** Who the call was with, for the wrap-up panel (the call itself leaves the state soon). */
  from: Party;
  startedAt: number;
  /** Deadline: the wrap-up ends by itself then. */
  deadline: number | null;
}

export interface AgentState {
  tenantId: string;
  userId: string;
  name: string;
  username: string;
  chosenPresence: ChosenPresence;
  /** The presence last pushed to the agent's sessions. */
  presence: Presence;
  /** When `presence` last changed (longest-idle strategies read it). */
  presenceSince: number;
  /** When a leg last rang one of the agent's tabs, for any call (round-robin reads it). */
  lastRungAt: number | null;
  /** Skill name → level 1–10 (calls requiring skills ring only agents holding them). */
  skills?: Record<string, number>;
  sessionIds: string[];
  /** Connected calls this user is part of (answered, or dialed and answered). */
  activeCallIds: string[];
  /** After-call work in progress (after-call-work.ts); null (or absent in older snapshots) when none. */
  wrapUp?: AgentWrapUp | null;
  /** Not ready because of a missed call (not-ready.ts) until the agent chooses a presence. */
  notReady?: AgentNotReady | null;
}

/** Why the agent is not taking calls though it chose to: it let `callId` ring out. */
export interface AgentNotReady {
  reason: 'missed';
  callId: string;
  since: number;
}

export type CallTarget =
  | { kind: 'user'; userId: string }
  | {
      kind: 'group';
      groupId: string;
      memberIds: string[];
      ringTimeoutMs: number;
      retryIntervalMs: number;
      /** Who is offered the call next (strategies/); unset: ring everyone available. */
      strategy?: string;
      /**
       * The overflow group's members (read when the call was placed): after `delayMs` in the
       * queue they are offered the call too (`callTargetUpdated` with both lists).
       */
      overflow?: { memberIds: string[]; delayMs: number };
      /** After-call work of the agents who handle it (after-call-work.ts); unset: WRAP_UP_SECONDS. */
      wrapUpMs?: number;
    }
  /**
   * A phone number (E.164) an agent dialed: nobody rings here; LiveKit SIP calls the phone
   * (server/sip) and reports its answer (`phoneAnswered`).
   */
  | { kind: 'phone'; number: string };

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

/** One session rung by one attempt of a call (or joined to it by a warm transfer). */
export interface LiveLeg {
  /** `<callId>.<n>`, n counting every leg the call ever had. */
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
  /** Still in its session's incoming list (ringing, live, or lingering after it ended). */
  listed: boolean;
  /** Deadline: an ended leg leaves its session's list then. */
  lingerDeadline: number | null;
}

/** Who placed the call: a tab, the HTTP API, or a phone through LiveKit SIP (server/sip). */
export type CallOrigin = 'session' | 'api' | 'phone';

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
  /** A transfer's skills: who it rings must hold them (instead of the call's own). */
  requiredSkills?: Record<string, number>;
}

/** A transfer in progress on a connected call (see docs/session-protocol.md, "Transfer"). */
export interface LiveTransfer {
  mode: 'blind' | 'warm';
  to: Party;
  /** What `to` resolved to, kept so a warm transfer can turn blind if its agent disappears. */
  destination: {
    target: CallTarget;
    ringTimeoutMs: number;
    requiredSkills?: Record<string, number>;
  };
  status: 'ringing' | 'consulting' | 'failed';
  /** The transferring agent and the tab that had the call. */
  by: AgentRef & { sessionId: string };
  consultationCallId: string | null;
}

/** Every timer of a call, as the epoch millisecond it falls due (null: not running). */
export interface CallDeadlines {
  /** The current attempt stops ringing (its legs are missed). */
  ringTimeout: number | null;
  /** A declined or missed group call is offered again. */
  retry: number | null;
  /** The caller has waited as long as it may: the call ends `no_answer`. */
  maxWait: number | null;
  /** The call is offered to its group's overflow group too. */
  overflow: number | null;
  /** An ended call is forgotten (after lingering for its caller and the HTTP API). */
  drop: number | null;
  /** A failed transfer stops being shown to its agent. */
  clearFailedTransfer: number | null;
}
export type CallDeadlineName = keyof CallDeadlines;

export interface LiveCall {
  id: string;
  tenantId: string;
  origin: CallOrigin;
  from: Party;
  fromUserId: string | null;
  /** The session that dialed it; null for calls placed through the HTTP API. */
  callerSessionId: string | null;
  /**
   * The user whose token placed it through the HTTP API (absent: the tenant's API key, or not
   * an API call). Live-call limits count it against this user; a new owner rebuilds them from it.
   */
  placedByUserId?: string;
  to: Party;
  target: CallTarget;
  ringGroup: RingGroupRef | null;
  params: Record<string, string>;
  phase: CallPhase;
  /** Ring attempts started so far; legs carry the attempt that rang them. */
  attempt: number;
  /**
   * The first attempt of the current round. Strategies that ring one agent at a time skip those
   * the round's legs show declined or missed the call; a retry, a redirect and its end start a
   * new round (everyone may ring again).
   */
  roundFirstAttempt: number;
  /** Every leg ever rung, across attempts, in the order they were rung: what the record lists. */
  legs: LiveLeg[];
  answeredBy: (AgentRef & { sessionId: string }) | null;
  endReason: EndReason | null;
  /** How long the caller may wait in the queue before the call ends `no_answer`. */
  maxWaitMs: number;
  /** Set while the call rings someone other than its target (transfer, ring-back, assign). */
  redirect: CallRedirect | null;
  transfer: LiveTransfer | null;
  /** A warm transfer's consultation call: the id of the call being transferred. */
  consultationFor: string | null;
  /** On a consultation: who the call being transferred is with (the consulted agent is told). */
  consultationAbout?: Party | null;
  /** When the caller was put on hold (by the agent, or by a transfer); null when not held. */
  heldAt: number | null;
  /** Hold time of holds that are over (a hold in progress adds `now - heldAt`). */
  heldMs: number;
  /** Waiting for an agent in its queue (from placing until answered, or again after a failed transfer). */
  queued: boolean;
  /** Put back at the front of its queue after a transfer nobody took: offered before older calls. */
  requeued: boolean;
  /** Higher is offered first (0–9): before older calls of lower priority, FIFO within one. */
  priority: number;
  /**
   * Placed while its group was closed with a script treatment: rings nobody; the script is
   * played to the caller (server/media-script), which then ends the call `closed`.
   */
  closedScript?: MediaScript;
  /** Skill name → minimum level an agent must hold to be offered the call; absent: none. */
  requiredSkills?: Record<string, number>;
  createdAt: number;
  /** Increases with every call placed: first-in-first-out order even within one millisecond. */
  sequence: number;
  ringingAt: number | null;
  answeredAt: number | null;
  endedAt: number | null;
  /** Who ended it, set once with `endedAt` (absent before; and in snapshots of older nodes). */
  endedBy?: EndedBy;
  deadlines: CallDeadlines;
}

/**
 * Who ended a call: its caller (a tab, the HTTP API, a phone calling in), its callee when that
 * is a phone an agent dialed, an agent on the receiving side (which person), a supervisor or
 * admin through the HTTP API (which person), or the system (ring timeout, maximum wait, closed,
 * a failed leg or lost tab). `user` names the person when there is one.
 */
export type EndedByKind = 'caller' | 'callee' | 'agent' | 'supervisor' | 'system';
export interface EndedBy {
  kind: EndedByKind;
  user: AgentRef | null;
}

export const noDeadlines = (): CallDeadlines => ({
  ringTimeout: null,
  retry: null,
  maxWait: null,
  overflow: null,
  drop: null,
  clearFailedTransfer: null,
});

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
  const target = call.target;
  if (target.kind === 'phone') return false;
  return target.kind === 'user' ? target.userId === userId : target.memberIds.includes(userId);
}

/** The session's leg in its incoming list for this call (the latest one rung there), if any. */
export function listedLeg(call: LiveCall, sessionId: string): LiveLeg | undefined {
  for (let index = call.legs.length - 1; index >= 0; index--) {
    const leg = call.legs[index];
    if (leg.sessionId === sessionId) return leg.listed ? leg : undefined;
  }
  return undefined;
}

/** Legs still in their sessions' lists, one per session. */
export function listedLegs(call: LiveCall): LiveLeg[] {
  return call.legs.filter((leg) => leg.listed);
}

/** Total time the caller has been on hold, up to `now` for a hold still in progress. */
export function holdMsOf(call: LiveCall, now: number): number {
  if (call.heldAt === null || call.phase === 'ended') return call.heldMs;
  return call.heldMs + Math.max(0, now - call.heldAt);
}

/**
 * Every change to the live state, as data. Routing managers decide; they never write state
 * themselves, they `apply` one of these (routing-state.ts), and apply-transition.ts is the one
 * place that changes the state for it. Each routing step's transitions are then handed, in
 * order, to whoever observes routing: the pushes to tabs, the call records, media, the
 * supervisor feed, and (next) the Redis persistence of a cluster's owner node.
 *
 * A transition is plain, serialisable data carrying what it needs to be applied (a standby that
 * replays them rebuilds the same state). `at` is stamped from the router's clock when applied.
 */
import type { AgentRef, EndReason, Party, Presence } from '../../../protocol/session-protocol.ts';
import type {
  AgentState,
  EndedBy,
  CallDeadlineName,
  CallRedirect,
  ChosenPresence,
  LegOutcome,
  LiveCall,
  LiveLeg,
  LiveSession,
  LiveTransfer,
} from './live-state.ts';

/** A timer of the live state: which entity's which deadline. */
export type DeadlineRef =
  | { kind: 'call'; callId: string; name: CallDeadlineName }
  /** An ended leg's linger in its session's list. */
  | { kind: 'leg'; callId: string; legId: string }
  /** A detached session's time to come back. */
  | { kind: 'session'; sessionId: string }
  /** The end of an agent's after-call work. */
  | { kind: 'wrapUp'; tenantId: string; userId: string };

/** The agent and the tab on a call. */
export type AgentOnCall = AgentRef & { sessionId: string };

type Transition<Type extends string, Fields> = {
  type: Type;
  tenantId: string;
  at: number;
} & Fields;

// ---------------------------------------------------------------- sessions and agents
export type AgentRegistered = Transition<'agentRegistered', { agent: AgentState }>;
export type AgentRemoved = Transition<'agentRemoved', { userId: string }>;
/** The agent's skills changed (the admin API): calls requiring skills read them. */
export type AgentSkillsSet = Transition<
  'agentSkillsSet',
  { userId: string; skills: Record<string, number> }
>;
export type SessionOpened = Transition<'sessionOpened', { session: LiveSession }>;
export type SessionOnline = Transition<'sessionOnline', { sessionId: string; userId: string }>;
export type SessionOffline = Transition<'sessionOffline', { sessionId: string; userId: string }>;
/**
 * The tab's socket was lost, or closed by a page going away (a reload, or a closed tab); the
 * session keeps its calls while it may come back. `closing`: the page went away cleanly, so if
 * it does not come back its calls are hung up rather than failed.
 */
export type SessionDetached = Transition<
  'sessionDetached',
  { sessionId: string; userId: string; closing?: boolean }
>;
export type SessionResumed = Transition<'sessionResumed', { sessionId: string; userId: string }>;
export type SessionClosed = Transition<'sessionClosed', { sessionId: string; userId: string }>;
export type PresenceChosen = Transition<
  'presenceChosen',
  { userId: string; chosen: ChosenPresence }
>;
/** What the agent's tabs show changed (derived from the facts and the agent's choice). */
export type PresenceChanged = Transition<
  'presenceChanged',
  { userId: string; presence: Presence; previous: Presence }
>;
/** The agent is now a party of a connected call (it keeps the agent busy). */
export type AgentJoinedCall = Transition<'agentJoinedCall', { userId: string; callId: string }>;
export type AgentLeftCall = Transition<'agentLeftCall', { userId: string; callId: string }>;
/** The agent let `callId` ring out: not ready until it chooses a presence again (not-ready.ts). */
export type AgentNotReady = Transition<
  'agentNotReady',
  { userId: string; callId: string; reason: 'missed' }
>;
/** The agent handled `callId` and now writes it up (after-call work); not rung meanwhile. */
export type WrapUpStarted = Transition<
  'wrapUpStarted',
  { userId: string; callId: string; from: Party }
>;
/**
 * The after-call work is over: `done` (the agent ended it or chose another presence),
 * `expired` (its time ran out), `resumed` (the call came back to the agent), `gone` (the
 * agent's last tab closed).
 */
export type WrapUpEnded = Transition<
  'wrapUpEnded',
  { userId: string; callId: string; reason: 'done' | 'expired' | 'resumed' | 'gone' }
>;

// ---------------------------------------------------------------- calls
/** `requestId`: the tab's `call.dial` that placed it (echoed on its first `outgoing_call`). */
export type CallPlaced = Transition<'callPlaced', { call: LiveCall; requestId?: string }>;
/** Waiting for an agent in its queue; `front`: back from a transfer nobody took. */
export type CallQueued = Transition<'callQueued', { callId: string; front: boolean }>;
export type CallDequeued = Transition<'callDequeued', { callId: string }>;
/** A queued group call rings the group's members as they are now. */
export type CallTargetUpdated = Transition<
  'callTargetUpdated',
  { callId: string; memberIds: string[] }
>;
export type AttemptStarted = Transition<'attemptStarted', { callId: string; attempt: number }>;
/** No ringing leg left and nobody to ring yet: the call waits for someone available. */
export type CallWaiting = Transition<'callWaiting', { callId: string }>;
/** Every leg declined or missed: the call waits its retry interval before ringing again. */
export type RetryWaiting = Transition<'retryWaiting', { callId: string }>;
export type LegRung = Transition<'legRung', { leg: LiveLeg }>;
/** A completed warm transfer puts its destination straight on the call, connected. */
export type LegJoined = Transition<'legJoined', { leg: LiveLeg }>;
export type LegEnded = Transition<
  'legEnded',
  {
    callId: string;
    legId: string;
    sessionId: string;
    userId: string;
    endReason: EndReason;
    outcome: LegOutcome;
    answeredBy: AgentRef | null;
  }
>;
/** The ended leg leaves its session's incoming list. */
export type LegDropped = Transition<
  'legDropped',
  { callId: string; legId: string; sessionId: string }
>;
/**
 * This agent's tab now has the call (answering.ts is its one owner). `handedOver`: the call had
 * been answered before (a transfer, a ring-back, a return to the queue), so its room exists.
 */
export type Answered = Transition<
  'answered',
  { callId: string; legId: string; agent: AgentOnCall; handedOver: boolean }
>;
/** The phone an agent dialed answered (answering.ts); the call is connected, with no agent leg. */
export type PhoneAnswered = Transition<'phoneAnswered', { callId: string }>;
/** The agent handed the call on (blind transfer, or a completed warm transfer) and left it. */
export type HandedOff = Transition<'handedOff', { callId: string; from: AgentOnCall }>;
export type Held = Transition<'held', { callId: string; by: 'agent' | 'transfer' }>;
export type Resumed = Transition<'resumed', { callId: string }>;
export type Redirected = Transition<'redirected', { callId: string; redirect: CallRedirect }>;
export type RedirectCleared = Transition<'redirectCleared', { callId: string }>;
export type TransferStarted = Transition<
  'transferStarted',
  { callId: string; transfer: LiveTransfer }
>;
export type TransferConsultationDialed = Transition<
  'transferConsultationDialed',
  { callId: string; consultationCallId: string }
>;
export type TransferConsulting = Transition<'transferConsulting', { callId: string }>;
/** The transferring tab went away before the consultation was answered: the caller goes blind. */
export type TransferTurnedBlind = Transition<'transferTurnedBlind', { callId: string }>;
export type TransferFailed = Transition<'transferFailed', { callId: string }>;
/** `by`: the transferring agent and its tab (which shows the transfer). */
export type TransferCompleted = Transition<
  'transferCompleted',
  { callId: string; by: AgentOnCall; to: AgentOnCall }
>;
export type TransferCancelled = Transition<
  'transferCancelled',
  { callId: string; by: AgentOnCall }
>;
/** A transfer that is over (answered, shown failed long enough, or given up) is forgotten. */
export type TransferCleared = Transition<'transferCleared', { callId: string; by: AgentOnCall }>;
export type CallEnded = Transition<'callEnded', { callId: string; reason: EndReason; by: EndedBy }>;
/** The ended call is forgotten after lingering. */
export type CallDropped = Transition<'callDropped', { callId: string }>;

// ---------------------------------------------------------------- time
export type DeadlineSet = Transition<'deadlineSet', { deadline: DeadlineRef; dueAt: number }>;
/** `reached`: it fell due (its handler runs next); otherwise it was cancelled. */
export type DeadlineCleared = Transition<
  'deadlineCleared',
  { deadline: DeadlineRef; reached: boolean }
>;

export type RoutingTransition =
  | AgentRegistered
  | AgentSkillsSet
  | AgentRemoved
  | SessionOpened
  | SessionOnline
  | SessionOffline
  | SessionDetached
  | SessionResumed
  | SessionClosed
  | PresenceChosen
  | PresenceChanged
  | AgentJoinedCall
  | AgentLeftCall
  | AgentNotReady
  | WrapUpStarted
  | WrapUpEnded
  | CallPlaced
  | CallQueued
  | CallDequeued
  | CallTargetUpdated
  | AttemptStarted
  | CallWaiting
  | RetryWaiting
  | LegRung
  | LegJoined
  | LegEnded
  | LegDropped
  | Answered
  | PhoneAnswered
  | HandedOff
  | Held
  | Resumed
  | Redirected
  | RedirectCleared
  | TransferStarted
  | TransferConsultationDialed
  | TransferConsulting
  | TransferTurnedBlind
  | TransferFailed
  | TransferCompleted
  | TransferCancelled
  | TransferCleared
  | CallEnded
  | CallDropped
  | DeadlineSet
  | DeadlineCleared;

export type TransitionType = RoutingTransition['type'];
export type TransitionOf<Type extends TransitionType> = Extract<RoutingTransition, { type: Type }>;

/** A transition as a manager describes it; the clock stamps `at`. */
export type TransitionInput = RoutingTransition extends infer Each
  ? Each extends RoutingTransition
    ? Omit<Each, 'at'>
    : never
  : never;

/**
 * The supervisor feed: what `/api/supervisor/feed` sends a supervisor's tab, and the bodies of
 * the supervisor HTTP actions. Server → client only; the feed takes no commands.
 *
 * The first frame is `supervisor.snapshot` (everything the tenant has live, plus today's
 * figures). After that `supervisor.changes` frames carry only what changed: calls and agents
 * to upsert or remove by id, and the ring groups' figures whole (they are few). Frames are
 * coalesced per tenant, so one frame may carry many routing steps. Timestamps are epoch ms;
 * clients tick timers themselves from them. `supervisor.heartbeat` frames keep a quiet feed
 * provably alive.
 */
import { Type, type Static } from 'typebox';

// The same shapes as in session-protocol.ts, repeated because the console's compiler cannot
// follow a `.ts` import between protocol files; server/supervisor/supervisor-protocol.test.ts
// checks they stay identical.
export const Party = Type.Object({ name: Type.String(), address: Type.String() });
export const AgentRef = Type.Object({ id: Type.String(), name: Type.String() });
export const RingGroupRef = Type.Object({ id: Type.String(), name: Type.String() });
export const Presence = Type.Union([
  Type.Literal('offline'),
  Type.Literal('available'),
  Type.Literal('busy'),
  Type.Literal('away'),
  Type.Literal('wrap-up'),
]);

/** How a call looks from above. `queued`: waiting with nobody ringing (also between retries). */
export const SupervisorCallStatus = Type.Union([
  Type.Literal('queued'),
  Type.Literal('ringing'),
  Type.Literal('connected'),
  /** Connected, caller on hold. */
  Type.Literal('held'),
  /** Connected, a transfer is ringing or consulting its destination. */
  Type.Literal('transferring'),
]);
export type SupervisorCallStatus = Static<typeof SupervisorCallStatus>;

export const SupervisorCall = Type.Object({
  id: Type.String(),
  from: Party,
  to: Party,
  ringGroup: Type.Union([RingGroupRef, Type.Null()]),
  status: SupervisorCallStatus,
  /** The agents whose legs are ringing right now (one entry per agent, not per tab). */
  rungAgents: Type.Array(AgentRef),
  answeredBy: Type.Union([AgentRef, Type.Null()]),
  attempt: Type.Integer(),
  createdAt: Type.Number(),
  answeredAt: Type.Union([Type.Number(), Type.Null()]),
  /** Why a queued group call rings nobody: no member is available, none holds its skills, or its group is closed (the caller hears the closed treatment's script). */
  waitingReason: Type.Optional(
    Type.Union([
      Type.Literal('nobody-available'),
      Type.Literal('nobody-with-skill'),
      Type.Literal('closed'),
      Type.Null(),
    ]),
  ),
});
export type SupervisorCall = Static<typeof SupervisorCall>;

export const SupervisorAgent = Type.Object({
  id: Type.String(),
  name: Type.String(),
  username: Type.String(),
  presence: Presence,
  /** When the feed saw the presence change (null: unchanged since the server started). */
  presenceSince: Type.Union([Type.Number(), Type.Null()]),
  /** A connected call the agent is on, if any. */
  currentCallId: Type.Union([Type.String(), Type.Null()]),
  /** Legs of today's (UTC) ended calls: answered, timed out, declined. */
  answeredToday: Type.Integer(),
  missedToday: Type.Integer(),
  declinedToday: Type.Integer(),
  /**
   * Today's (UTC) times from the records, as the agent report defines them (calls placed today
   * whose agent's part is over): talk = connected without hold, hold = the caller on hold during
   * the agent's part, average handle = (talk + hold + finished wrap-up) ÷ handled calls (null:
   * none handled yet). The part in progress is in `currentCall`, not in these.
   */
  talkMsToday: Type.Number(),
  holdMsToday: Type.Number(),
  averageHandleMsToday: Type.Union([Type.Number(), Type.Null()]),
  /**
   * The agent's part of the call they answered and are on now: when they answered, the hold
   * already over in it, and since when the caller is on hold (null: not held). The console adds
   * it to today's talk and hold as its clock ticks. Null when not on a call they answered.
   */
  currentCall: Type.Union([
    Type.Object({
      since: Type.Number(),
      heldMs: Type.Number(),
      heldSince: Type.Union([Type.Number(), Type.Null()]),
    }),
    Type.Null(),
  ]),
});
export type SupervisorAgent = Static<typeof SupervisorAgent>;

/** Figures over one window of ended calls (plus the ones answered and still talking). */
export const GroupFigures = Type.Object({
  answered: Type.Integer(),
  /** Ended before anyone answered because the caller gave up (cancelled or hung up). */
  abandoned: Type.Integer(),
  /** Ringing legs that timed out. */
  missed: Type.Integer(),
  /** Mean of answeredAt - createdAt over answered calls; null when none were answered. */
  averageWaitMs: Type.Union([Type.Number(), Type.Null()]),
  /** Answered within the threshold / (answered + ended unanswered); null when there were none. */
  serviceLevel: Type.Union([Type.Number(), Type.Null()]),
});
export type GroupFigures = Static<typeof GroupFigures>;

export const WaitingSample = Type.Object({ at: Type.Number(), waiting: Type.Integer() });
export type WaitingSample = Static<typeof WaitingSample>;

export const SupervisorGroup = Type.Object({
  id: Type.String(),
  name: Type.String(),
  serviceLevelSeconds: Type.Integer(),
  /** Who the group offers calls to: ring-all, longest-idle, round-robin or sequential. */
  strategy: Type.Optional(Type.String()),
  /** Calls queued or ringing, not yet answered. */
  waiting: Type.Integer(),
  /** createdAt of the oldest waiting call, so the wait ticks on the client. */
  longestWaitingSince: Type.Union([Type.Number(), Type.Null()]),
  today: GroupFigures,
  last15Minutes: GroupFigures,
  /** The most calls waiting in each minute of the last hour (oldest first, gaps omitted). */
  waitingSamples: Type.Array(WaitingSample),
});
export type SupervisorGroup = Static<typeof SupervisorGroup>;

export const SupervisorSnapshot = Type.Object({
  type: Type.Literal('supervisor.snapshot'),
  at: Type.Number(),
  tenant: Type.Object({ id: Type.String(), name: Type.String() }),
  /** Seconds between heartbeats; a client that hears nothing for 3× this reconnects. */
  heartbeatSeconds: Type.Number(),
  calls: Type.Array(SupervisorCall),
  agents: Type.Array(SupervisorAgent),
  groups: Type.Array(SupervisorGroup),
});
export type SupervisorSnapshot = Static<typeof SupervisorSnapshot>;

export const SupervisorChanges = Type.Object({
  type: Type.Literal('supervisor.changes'),
  at: Type.Number(),
  calls: Type.Object({ upsert: Type.Array(SupervisorCall), remove: Type.Array(Type.String()) }),
  agents: Type.Object({ upsert: Type.Array(SupervisorAgent), remove: Type.Array(Type.String()) }),
  /** Every group's figures when any changed; empty when none did. */
  groups: Type.Array(SupervisorGroup),
});
export type SupervisorChanges = Static<typeof SupervisorChanges>;

/** Sent every `heartbeatSeconds` after the snapshot, so a client can tell a dead socket from a quiet tenant. */
export const SupervisorHeartbeat = Type.Object({
  type: Type.Literal('supervisor.heartbeat'),
  at: Type.Number(),
});
export type SupervisorHeartbeat = Static<typeof SupervisorHeartbeat>;

export const SupervisorMessage = Type.Union([
  SupervisorSnapshot,
  SupervisorChanges,
  SupervisorHeartbeat,
]);
export type SupervisorMessage = Static<typeof SupervisorMessage>;

// ------------------------------------------------------------------ HTTP actions

export const ForcePresenceBody = Type.Object(
  { presence: Type.Union([Type.Literal('away'), Type.Literal('offline')]) },
  { additionalProperties: false },
);
export type ForcePresenceBody = Static<typeof ForcePresenceBody>;

export const AssignCallBody = Type.Object(
  { userId: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);
export type AssignCallBody = Static<typeof AssignCallBody>;

/**
 * How a supervisor joins a connected call: `monitor` listens hidden and cannot publish;
 * `whisper` publishes a microphone only the agent may subscribe to (LiveKit track subscription
 * permissions, set by the client before it publishes); `barge` publishes to everyone.
 */
export const MonitorMode = Type.Union([
  Type.Literal('monitor'),
  Type.Literal('whisper'),
  Type.Literal('barge'),
]);
export type MonitorMode = Static<typeof MonitorMode>;

/** Body of `POST /api/supervisor/calls/:callId/monitor`; no body means `monitor`. */
export const MonitorRequest = Type.Object(
  { mode: Type.Optional(MonitorMode) },
  { additionalProperties: false },
);
export type MonitorRequest = Static<typeof MonitorRequest>;

export const MonitorCredentials = Type.Object({
  url: Type.String(),
  room: Type.String(),
  token: Type.String(),
  identity: Type.String(),
  mode: MonitorMode,
  /** The answering agent's LiveKit identity: the only subscriber a whisper allows. */
  agentIdentity: Type.Union([Type.String(), Type.Null()]),
});
export type MonitorCredentials = Static<typeof MonitorCredentials>;

/**
 * The session protocol: every message that crosses the agent WebSocket (`/api/session`).
 *
 * One TypeBox union per direction. The server validates every inbound frame against
 * `ClientMessage` before acting on it; the browser SDK imports only the static types
 * (`import type`), so this file is the single source of truth for both ends.
 * Human-readable reference: docs/session-protocol.md — keep the two in step.
 */
import { Type, type Static, type TSchema } from 'typebox';

/** Optional correlation id a client puts on a command; the server echoes it on the reply. */
const RequestId = Type.Optional(Type.String({ minLength: 1, maxLength: 64 }));
const CallId = Type.String({ minLength: 1, maxLength: 64 });

export const Presence = Type.Union([
  Type.Literal('offline'),
  Type.Literal('available'),
  Type.Literal('busy'),
  Type.Literal('away'),
  Type.Literal('wrap-up'),
]);
export type Presence = Static<typeof Presence>;

/** Presence an agent may choose; `busy` and `offline` are set by the server from facts. */
export const SelectablePresence = Type.Union([
  Type.Literal('available'),
  Type.Literal('away'),
  Type.Literal('wrap-up'),
]);

export const CallStatus = Type.Union([
  Type.Literal('ringing'),
  Type.Literal('connecting'),
  Type.Literal('connected'),
  Type.Literal('disconnecting'),
  Type.Literal('disconnected'),
]);
export type CallStatus = Static<typeof CallStatus>;

export const EndReason = Type.Union([
  Type.Literal('answered_elsewhere'),
  Type.Literal('caller_cancelled'),
  Type.Literal('rejected'),
  Type.Literal('no_answer'),
  Type.Literal('hangup'),
  Type.Literal('transferred'),
  Type.Literal('failed'),
  /** The ring group was closed (business hours, a holiday) and its closed treatment ends calls. */
  Type.Literal('closed'),
]);
export type EndReason = Static<typeof EndReason>;

export const Party = Type.Object({
  /** Display name, e.g. "Ada Lovelace". */
  name: Type.String(),
  /** Dialable address, e.g. "/private/ada". */
  address: Type.String(),
});
export type Party = Static<typeof Party>;

export const AgentRef = Type.Object({ id: Type.String(), name: Type.String() });
export type AgentRef = Static<typeof AgentRef>;

export const RingGroupRef = Type.Object({ id: Type.String(), name: Type.String() });
export type RingGroupRef = Static<typeof RingGroupRef>;

/** How a transfer hands the caller over (see docs/session-protocol.md, "Transfer"). */
export const TransferMode = Type.Union([Type.Literal('blind'), Type.Literal('warm')]);
export type TransferMode = Static<typeof TransferMode>;

/**
 * A transfer in progress, on the transferring agent's view of the call. `ringing`: the
 * destination is being rung; `consulting`: (warm only) the destination answered the
 * consultation and talks to the agent while the caller holds; `failed`: nobody took it (the
 * caller is back with the agent, or back in the queue).
 */
export const TransferState = Type.Object({
  mode: TransferMode,
  to: Party,
  status: Type.Union([Type.Literal('ringing'), Type.Literal('consulting'), Type.Literal('failed')]),
  /** The consultation call of a warm transfer (it also arrives as an `outgoing_call`). */
  consultationCallId: Type.Union([CallId, Type.Null()]),
});
export type TransferState = Static<typeof TransferState>;

/**
 * One call as one session sees it. For inbound calls this is the session's leg: two agents
 * rung by the same call see the same `id` with their own `status`/`endReason`.
 * Timestamps are epoch milliseconds (null until they happen).
 */
export const CallView = Type.Object({
  id: CallId,
  direction: Type.Union([Type.Literal('inbound'), Type.Literal('outbound')]),
  from: Party,
  to: Party,
  ringGroup: Type.Union([RingGroupRef, Type.Null()]),
  status: CallStatus,
  endReason: Type.Union([EndReason, Type.Null()]),
  answeredBy: Type.Union([AgentRef, Type.Null()]),
  /** Custom parameters the caller attached when dialing (the Twilio seed's `params`). */
  params: Type.Record(Type.String(), Type.String()),
  createdAt: Type.Number(),
  ringingAt: Type.Union([Type.Number(), Type.Null()]),
  answeredAt: Type.Union([Type.Number(), Type.Null()]),
  endedAt: Type.Union([Type.Number(), Type.Null()]),
  /**
   * Ring attempt this leg belongs to, from 1. A group call that every agent declined or missed
   * is offered again later with the same `id` and a higher `attempt`: treat it as a new
   * ringing call. Optional so clients written before it keep working.
   */
  attempt: Type.Optional(Type.Integer({ minimum: 0 })),
  /** The caller is on hold (hears hold audio; no media flows from the agent). */
  held: Type.Optional(Type.Boolean()),
  /** When the current hold began (for the hold timer); null when not held. */
  heldAt: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
  /** On a leg rung by a transfer: the agent who transferred the call ("Transferred by …"). */
  transferredBy: Type.Optional(Type.Union([AgentRef, Type.Null()])),
  /** On the transferring agent's view while a transfer is in progress. */
  transfer: Type.Optional(Type.Union([TransferState, Type.Null()])),
  /** On a warm transfer's consultation call: the id of the call being transferred. */
  consultationFor: Type.Optional(Type.Union([CallId, Type.Null()])),
  /**
   * On a warm transfer's consultation call: who the call being transferred is with (the
   * consulted agent sees "Consultation from Ada about Katherine Johnson").
   */
  consultationAbout: Type.Optional(Party),
});
export type CallView = Static<typeof CallView>;

export const MediaOptions = Type.Object(
  {
    audio: Type.Optional(Type.Boolean()),
    video: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type MediaOptions = Static<typeof MediaOptions>;

/** Why an agent that chose to take calls is not rung: it missed one (let it ring out). */
export const NotReadyView = Type.Object({
  reason: Type.Literal('missed'),
  callId: CallId,
  since: Type.Number(),
});
export type NotReadyView = Static<typeof NotReadyView>;

/** An agent's after-call work on one call they handled. */
export const WrapUpView = Type.Object({
  callId: CallId,
  /** Who the call was with. */
  from: Party,
  startedAt: Type.Number(),
  /** When it ends by itself (epoch ms); null only for an instant while it is set up. */
  endsAt: Type.Union([Type.Number(), Type.Null()]),
});
export type WrapUpView = Static<typeof WrapUpView>;

/**
 * One of the agent's ring groups as its queue stands now (the `queues` frame): how many callers
 * wait for an answer (queued or ringing), since when the longest has waited, and which other
 * members are available to take a call.
 */
export const GroupQueueView = Type.Object({
  group: RingGroupRef,
  waiting: Type.Integer({ minimum: 0 }),
  /** When the longest-waiting call arrived (epoch ms); null when nobody waits. */
  longestWaitingSince: Type.Union([Type.Number(), Type.Null()]),
  /** The group's other members who are available now, by name. */
  available: Type.Array(AgentRef),
});
export type GroupQueueView = Static<typeof GroupQueueView>;

// ---------------------------------------------------------------- client → server

const command = <T extends string, P extends Record<string, TSchema>>(type: T, props: P) =>
  Type.Object(
    { type: Type.Literal(type), requestId: RequestId, ...props },
    { additionalProperties: false },
  );

export const ComeOnline = command('online', {});
export const GoOffline = command('offline', {});
export const SetPresence = command('presence.set', { presence: SelectablePresence });
export const AcceptCall = command('call.accept', {
  callId: CallId,
  media: Type.Optional(MediaOptions),
});
export const RejectCall = command('call.reject', { callId: CallId });
export const HangupCall = command('call.hangup', { callId: CallId });
export const DialCall = command('call.dial', {
  to: Type.String({ minLength: 1, maxLength: 200 }),
  media: Type.Optional(MediaOptions),
  params: Type.Optional(
    Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 512 }), {
      maxProperties: 32,
    }),
  ),
});
/** Blind: hand the call over and leave. Warm: hold the caller and consult the destination first. */
/** Skill name (lower-case slug) → the least level 1–10 the destination's agent must hold. */
export const RequiredSkills = Type.Record(
  Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,39}$' }),
  Type.Integer({ minimum: 1, maximum: 10 }),
  { maxProperties: 20, additionalProperties: false },
);
export type RequiredSkills = Static<typeof RequiredSkills>;
export const TransferCall = command('call.transfer', {
  callId: CallId,
  to: Type.String({ minLength: 1, maxLength: 200 }),
  mode: TransferMode,
  /** Only agents of the destination holding these ring for the transfer (a group, usually). */
  skills: Type.Optional(RequiredSkills),
});
/** Warm transfer: the caller joins the destination, the agent leaves. */
export const CompleteTransfer = command('call.transfer.complete', { callId: CallId });
/** Warm transfer: end the consultation; the caller comes back to the agent. */
export const CancelTransfer = command('call.transfer.cancel', { callId: CallId });
export const HoldCall = command('call.hold', { callId: CallId });
export const ResumeCall = command('call.resume', { callId: CallId });
export const Ping = command('ping', {});
/** After-call work: end it now (the agent is done), or give it more time. */
export const EndWrapUp = command('wrap_up.end', {});
export const ExtendWrapUp = command('wrap_up.extend', {
  seconds: Type.Integer({ minimum: 1, maximum: 600 }),
});

export const ClientMessage = Type.Union([
  ComeOnline,
  GoOffline,
  SetPresence,
  AcceptCall,
  RejectCall,
  HangupCall,
  DialCall,
  TransferCall,
  CompleteTransfer,
  CancelTransfer,
  HoldCall,
  ResumeCall,
  Ping,
  EndWrapUp,
  ExtendWrapUp,
]);
export type ClientMessage = Static<typeof ClientMessage>;

// ---------------------------------------------------------------- server → client

export const ErrorCode = Type.Union([
  Type.Literal('bad-message'),
  Type.Literal('not-found'),
  Type.Literal('wrong-state'),
  Type.Literal('forbidden'),
  Type.Literal('unauthorized'),
  /** A limit was reached (calls per user, key or tenant); the message says which. */
  Type.Literal('too-many-requests'),
  Type.Literal('internal'),
]);
export type ErrorCode = Static<typeof ErrorCode>;

export const ServerMessage = Type.Union([
  /** First frame after the upgrade. */
  Type.Object({
    type: Type.Literal('hello'),
    /** Keep it: reconnecting with `?resume=<sessionId>` after a lost socket keeps this tab's calls. */
    sessionId: Type.String(),
    /**
     * True when this socket resumed the tab's earlier session: its calls are still there (the
     * `outgoing_call` and `incoming_calls` frames that follow say where they stand).
     */
    resumed: Type.Optional(Type.Boolean()),
    user: Type.Object({
      id: Type.String(),
      name: Type.String(),
      reference: Type.String(),
      role: Type.String(),
      tenant: Type.Object({ id: Type.String(), name: Type.String() }),
    }),
    addresses: Type.Array(Type.String()),
    presence: Presence,
    online: Type.Boolean(),
    /** Seconds between server heartbeats; a client that hears nothing for 3× this reconnects. */
    heartbeatSeconds: Type.Number(),
  }),
  /**
   * Reply to `online`: the session is registered and will be rung. Sent again without a
   * requestId once the agent's ring groups are known, with their `/group/…` addresses added.
   */
  Type.Object({
    type: Type.Literal('registered'),
    requestId: RequestId,
    addresses: Type.Array(Type.String()),
    presence: Presence,
  }),
  Type.Object({ type: Type.Literal('unregistered'), requestId: RequestId, presence: Presence }),
  /** The agent's presence changed (by this tab, another tab, a call, or a supervisor). */
  Type.Object({
    type: Type.Literal('presence'),
    presence: Presence,
    /** Set while the agent is `away` because it let a call ring out; one `presence.set` clears it. */
    notReady: Type.Optional(NotReadyView),
  }),
  /**
   * The agent's after-call work started, moved or ended (null); sent to a tab coming online too.
   * While it runs the agent's presence is `wrap-up` (unless busy on another call).
   */
  Type.Object({ type: Type.Literal('wrap_up'), wrapUp: Type.Union([WrapUpView, Type.Null()]) }),
  /**
   * The queues of every ring group the agent belongs to (only those), whatever its presence;
   * sent when the tab connects and whenever one of them changes. Never polled.
   */
  Type.Object({ type: Type.Literal('queues'), groups: Type.Array(GroupQueueView) }),
  /** The WHOLE current list of this session's inbound calls, sent on every change. */
  Type.Object({ type: Type.Literal('incoming_calls'), calls: Type.Array(CallView) }),
  /** The current state of one call this session placed (caller side), sent on every change. */
  Type.Object({ type: Type.Literal('outgoing_call'), requestId: RequestId, call: CallView }),
  /** Generic success reply to a command that carried a requestId. */
  Type.Object({ type: Type.Literal('ok'), requestId: RequestId }),
  Type.Object({
    type: Type.Literal('error'),
    requestId: RequestId,
    code: ErrorCode,
    message: Type.String(),
  }),
  Type.Object({ type: Type.Literal('pong'), requestId: RequestId }),
  /**
   * Every `heartbeatSeconds`, to a tab that has sent `ping` (it heartbeats from its own code):
   * answer with `ping`. From its first `ping` on, only the tab's frames prove it alive, not
   * WebSocket pongs, which a frozen tab's browser still sends.
   */
  Type.Object({ type: Type.Literal('heartbeat') }),
  /**
   * Media credentials for a call this session takes part in (the answering tab, and the
   * dialing tab), sent once when the call is answered. The SDK joins `room` at `url` with
   * `token` using livekit-client; the token grants only that room and expires soon.
   */
  Type.Object({
    type: Type.Literal('call_media'),
    callId: CallId,
    url: Type.String(),
    room: Type.String(),
    token: Type.String(),
    identity: Type.String(),
  }),
]);
export type ServerMessage = Static<typeof ServerMessage>;

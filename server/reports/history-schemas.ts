/**
 * The HTTP shapes of call history: the search query, one call as history lists it, and a call's
 * timeline. Times are epoch milliseconds, as everywhere else in the API.
 */
import { Type, type Static } from 'typebox';
import { AgentRef, EndReason, Party, RingGroupRef } from '../../protocol/session-protocol.ts';
import { EndedBy } from '../calls/call-schemas.ts';

/** How a call ended for the caller, as history filters and shows it. */
export const CallOutcome = Type.Union(
  [
    Type.Literal('answered'),
    Type.Literal('abandoned'),
    Type.Literal('declined'),
    Type.Literal('unanswered'),
    Type.Literal('failed'),
    Type.Literal('live'),
  ],
  {
    description:
      'answered (an agent took it), abandoned (the caller gave up unanswered), declined (the callee refused it), unanswered (nobody answered in time), failed, live (not over yet)',
  },
);
export type CallOutcome = Static<typeof CallOutcome>;

const Id = Type.String({ minLength: 1, maxLength: 64 });
const Epoch = (description: string) =>
  Type.Integer({ minimum: 0, maximum: 8_640_000_000_000, description });

/** The longest range one search or report covers. */
export const MAX_RANGE_DAYS = 400;

export const HistoryQuery = Type.Object(
  {
    from: Type.Optional(Epoch('Calls placed at or after (epoch ms); default 30 days before to')),
    to: Type.Optional(Epoch('Calls placed before (epoch ms); default now')),
    q: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description: "Part of the caller's or callee's name or number",
      }),
    ),
    disposition: Type.Optional(
      Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,39}$', description: 'A disposition code' }),
    ),
    outcome: Type.Optional(CallOutcome),
    groupId: Type.Optional(Id),
    agentId: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description:
          'Calls this agent handled or placed (supervisors and admins; agents only their own)',
      }),
    ),
    rung: Type.Optional(
      Type.Boolean({
        description:
          "With agentId (or an agent's own history): also the calls that rang the agent and that " +
          'they did not take, missed or declined, whoever else answered them (agentOutcome); ' +
          "the desk's Recent calls",
      }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'nextCursor of the previous page',
      }),
    ),
  },
  { additionalProperties: false },
);
export type HistoryQuery = Static<typeof HistoryQuery>;

export const WrapUpSummary = Type.Object({
  user: AgentRef,
  dispositionCode: Type.Union([Type.String(), Type.Null()]),
  dispositionLabel: Type.Union([Type.String(), Type.Null()]),
  note: Type.String(),
  startedAt: Type.Number(),
  endedAt: Type.Union([Type.Number(), Type.Null()]),
});
export type WrapUpSummary = Static<typeof WrapUpSummary>;

/** How a call went for one agent, seen from their desk. */
export const AgentOutcome = Type.Union(
  [
    Type.Literal('placed'),
    Type.Literal('answered'),
    Type.Literal('transferred'),
    Type.Literal('declined'),
    Type.Literal('missed'),
  ],
  {
    description:
      'For the agent searched for (agentId): placed it, answered it (and had it to the end), ' +
      'answered and transferred it on, declined its ring, or let it ring without taking it ' +
      '(missed: it rang out, someone else answered, or the caller gave up)',
  },
);
export type AgentOutcome = Static<typeof AgentOutcome>;

export const HistoryCall = Type.Object({
  id: Type.String(),
  origin: Type.Union([Type.Literal('session'), Type.Literal('api'), Type.Literal('phone')]),
  from: Party,
  to: Party,
  ringGroup: Type.Union([RingGroupRef, Type.Null()]),
  outcome: CallOutcome,
  endReason: Type.Union([EndReason, Type.Null()]),
  endedBy: EndedBy,
  agentOutcome: Type.Optional(AgentOutcome),
  answeredBy: Type.Union([AgentRef, Type.Null()], {
    description: 'The agent who had the call last',
  }),
  createdAt: Type.Number(),
  answeredAt: Type.Union([Type.Number(), Type.Null()]),
  endedAt: Type.Union([Type.Number(), Type.Null()]),
  queueWaitMs: Type.Union([Type.Integer(), Type.Null()]),
  talkMs: Type.Union([Type.Integer(), Type.Null()]),
  holdMs: Type.Union([Type.Integer(), Type.Null()]),
  wrapUps: Type.Array(WrapUpSummary, {
    description: 'After-call work on the call (an agent sees only their own)',
  }),
});
export type HistoryCall = Static<typeof HistoryCall>;

export const HistoryPage = Type.Object({
  calls: Type.Array(HistoryCall, { description: 'Newest first' }),
  nextCursor: Type.Union([Type.String(), Type.Null()], {
    description: 'Pass as cursor for the next (older) page; null on the last page',
  }),
});
export type HistoryPage = Static<typeof HistoryPage>;

export const TimelineEventType = Type.Union([
  Type.Literal('placed'),
  Type.Literal('rung'),
  Type.Literal('declined'),
  Type.Literal('missed'),
  Type.Literal('answered'),
  Type.Literal('held'),
  Type.Literal('resumed'),
  Type.Literal('transferred'),
  Type.Literal('ended'),
]);
export type TimelineEventType = Static<typeof TimelineEventType>;

export const TimelineEvent = Type.Object({
  type: TimelineEventType,
  at: Type.Number({ description: 'Epoch ms' }),
  user: Type.Union([AgentRef, Type.Null()], {
    description:
      'Who: the agent rung, answering, holding or handing on; the agent who placed the call',
  }),
  attempt: Type.Optional(Type.Integer({ description: 'rung: the ring attempt, from 1' })),
  endReason: Type.Optional(EndReason),
});
export type TimelineEvent = Static<typeof TimelineEvent>;

export const CallTimeline = Type.Object({
  call: HistoryCall,
  events: Type.Array(TimelineEvent, { description: 'In the order they happened' }),
});
export type CallTimeline = Static<typeof CallTimeline>;

export const CallIdParams = Type.Object({ callId: Id });

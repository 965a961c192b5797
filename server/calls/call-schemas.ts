/**
 * The HTTP shapes of calls: the body that places one and the detail every call route returns.
 * The body refuses unknown properties so fields added later (the media `script` of a test call)
 * cannot collide with something a client already sends.
 */
import { Type, type Static } from 'typebox';
import { AgentRef, EndReason, Party, RingGroupRef } from '../../protocol/session-protocol.ts';
import { MediaScript } from '../media-script/script-schema.ts';
import { SkillLevels } from '../shared/schemas.ts';

export const CallParams = Type.Record(
  Type.String({ maxLength: 64 }),
  Type.String({ maxLength: 512 }),
  {
    maxProperties: 32,
    description: 'Custom parameters shown to the agent with the call',
  },
);

export const PlaceCallBody = Type.Object(
  {
    from: Type.Union(
      [
        Type.String({
          minLength: 1,
          maxLength: 200,
          description: 'Display name; also used as the address',
        }),
        Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 200 }),
            address: Type.Optional(
              Type.String({ minLength: 1, maxLength: 200, description: 'Defaults to the name' }),
            ),
          },
          { additionalProperties: false },
        ),
      ],
      { description: 'Who the agent sees calling' },
    ),
    to: Type.String({
      minLength: 1,
      maxLength: 200,
      description:
        '/private/<username> or /group/<name>; or a phone number ("+1 415 555 0199"): a callback, ' +
        'which rings the phone first and, once it answers, calls `from` (server/sip/README.md)',
    }),
    params: Type.Optional(CallParams),
    priority: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 9,
        description:
          'Higher is offered first: an agent who becomes available is offered waiting calls by ' +
          'priority, then oldest first (default 0)',
      }),
    ),
    /** Only agents holding each skill at or above its level are offered the call, best match first. */
    skills: Type.Optional(SkillLevels),
    /** server/media-script: media played into the call once an agent answers. */
    script: Type.Optional(MediaScript),
  },
  { additionalProperties: false },
);
export type PlaceCallBody = Static<typeof PlaceCallBody>;

export const CallRecordStatus = Type.Union([
  Type.Literal('queued'),
  Type.Literal('ringing'),
  Type.Literal('connected'),
  Type.Literal('ended'),
]);
export type CallRecordStatus = Static<typeof CallRecordStatus>;

export const LegDetail = Type.Object({
  userId: Type.String(),
  attempt: Type.Integer({ description: 'Ring attempt that rang this leg, from 1' }),
  outcome: Type.String({
    description:
      'ringing, answered, rejected, missed, answered_elsewhere, caller_cancelled, withdrawn, hangup, failed or transferred (the agent handed the call on)',
  }),
  rungAt: Type.Number({ description: 'Epoch milliseconds' }),
  endedAt: Type.Union([Type.Number(), Type.Null()]),
});
export type LegDetail = Static<typeof LegDetail>;

export const EndedByKind = Type.Union(
  [
    Type.Literal('caller'),
    Type.Literal('callee'),
    Type.Literal('agent'),
    Type.Literal('supervisor'),
    Type.Literal('system'),
  ],
  {
    description:
      'caller (the tab, API or phone that placed the call), callee (a phone an agent dialed), agent (an agent on the call), supervisor (a supervisor or admin through the API), system (ring timeout, maximum wait, closed, a failed leg or a lost tab)',
  },
);
export type EndedByKind = Static<typeof EndedByKind>;

export const EndedBy = Type.Union(
  [
    Type.Object({
      kind: EndedByKind,
      user: Type.Union([AgentRef, Type.Null()], {
        description: 'The person, when a person ended it (not a phone, the API or the system)',
      }),
    }),
    Type.Null(),
  ],
  { description: 'Who ended the call; null while it lasts (and for calls recorded before)' },
);
export type EndedBy = Static<typeof EndedBy>;

export const CallDetail = Type.Object({
  id: Type.String(),
  origin: Type.Union([Type.Literal('session'), Type.Literal('api'), Type.Literal('phone')], {
    description: 'Placed from a tab, through the HTTP API, or by a phone through LiveKit SIP',
  }),
  from: Party,
  to: Party,
  ringGroup: Type.Union([RingGroupRef, Type.Null()]),
  status: CallRecordStatus,
  endReason: Type.Union([EndReason, Type.Null()]),
  endedBy: EndedBy,
  answeredBy: Type.Union([AgentRef, Type.Null()]),
  params: Type.Record(Type.String(), Type.String()),
  createdAt: Type.Number({ description: 'Epoch milliseconds' }),
  answeredAt: Type.Union([Type.Number(), Type.Null()]),
  endedAt: Type.Union([Type.Number(), Type.Null()]),
  queueWaitMs: Type.Union([Type.Integer(), Type.Null()], {
    description: 'Created until answered (or ended unanswered)',
  }),
  talkMs: Type.Union([Type.Integer(), Type.Null()], { description: 'Answered until ended' }),
  legs: Type.Array(LegDetail, { description: 'Every agent session rung, across attempts' }),
});
export type CallDetail = Static<typeof CallDetail>;

/** Waiting time and talk time as the records keep them. */
export function durations(call: {
  createdAt: number;
  answeredAt: number | null;
  endedAt: number | null;
}) {
  const waitEnd = call.answeredAt ?? call.endedAt;
  return {
    queueWaitMs: waitEnd === null ? null : Math.max(0, Math.round(waitEnd - call.createdAt)),
    talkMs:
      call.answeredAt !== null && call.endedAt !== null
        ? Math.max(0, Math.round(call.endedAt - call.answeredAt))
        : null,
  };
}

/** The answer to a call to a phone number (a callback): the phone is being rung. */
export const CallbackStarted = Type.Object({
  callbackId: Type.String({
    description: "Also in the call's params (callbackId) once the phone answers, and in its record",
  }),
  status: Type.Literal('dialing'),
  to: Party,
  from: Party,
});

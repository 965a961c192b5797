/**
 * The phone number API's shapes. A number is stored in E.164 and routes to one destination of
 * its tenant: a ring group, a user, or a media script played to the caller. The destination is
 * one object with a `type` (rather than a union of three) so a mistake gets one precise message.
 */
import { Type, type Static } from 'typebox';
import { MediaScript } from '../media-script/script-schema.ts';
import { SkillLevels } from '../shared/schemas.ts';

const id = (description: string) => Type.String({ minLength: 1, maxLength: 64, description });

export const PhoneNumberInput = Type.String({
  minLength: 2,
  maxLength: 32,
  // Only what people write around a number; libphonenumber would otherwise ignore trailing text.
  pattern: '^\\+[0-9 ().-]+$',
  description:
    'An international number: "+" and the country code, spaces, dashes, dots and brackets ' +
    'allowed ("+1 (415) 555-0100"); stored in E.164 ("+14155550100")',
});

export const Label = Type.String({
  maxLength: 80,
  description: 'What the number is for, e.g. "Support line"',
});

export const DestinationType = Type.Union(
  [Type.Literal('group'), Type.Literal('user'), Type.Literal('script')],
  { description: 'Where a call to the number goes' },
);
export type DestinationType = Static<typeof DestinationType>;

export const DestinationInput = Type.Object(
  {
    type: DestinationType,
    ringGroupId: Type.Optional(id('With type "group": a ring group id')),
    userId: Type.Optional(id('With type "user": a user id')),
    /** With type "script": media played to the caller, who is then hung up (an announcement). */
    script: Type.Optional(MediaScript),
    /** With type "group" or "user": calls to the number require these skills (routing/ringing.ts). */
    skills: Type.Optional(SkillLevels),
  },
  {
    additionalProperties: false,
    description:
      '{type:"group",ringGroupId,skills?} | {type:"user",userId,skills?} | {type:"script",script}; ids of this tenant',
  },
);
export type DestinationInput = Static<typeof DestinationInput>;

const CallerId = Type.Boolean({
  description:
    "true makes this the tenant's caller ID for outbound calls (and clears it on its other " +
    'numbers); without one marked, the first number in E.164 order is used',
});

export const CreatePhoneNumberBody = Type.Object(
  {
    number: PhoneNumberInput,
    label: Type.Optional(Label),
    destination: DestinationInput,
    callerId: Type.Optional(CallerId),
  },
  { additionalProperties: false },
);
export type CreatePhoneNumberBody = Static<typeof CreatePhoneNumberBody>;

export const UpdatePhoneNumberBody = Type.Object(
  {
    label: Type.Optional(Label),
    destination: Type.Optional(DestinationInput),
    callerId: Type.Optional(CallerId),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    description: 'The number itself never changes: delete it and add the new one',
  },
);
export type UpdatePhoneNumberBody = Static<typeof UpdatePhoneNumberBody>;

export const DestinationView = Type.Union(
  [
    Type.Object({
      type: Type.Literal('group'),
      ringGroupId: Type.String(),
      name: Type.String(),
      address: Type.String({ description: '/group/<name>' }),
      skills: Type.Optional(SkillLevels),
    }),
    Type.Object({
      type: Type.Literal('user'),
      userId: Type.String(),
      name: Type.String({ description: 'Display name' }),
      address: Type.String({ description: '/private/<username>' }),
      skills: Type.Optional(SkillLevels),
    }),
    Type.Object({ type: Type.Literal('script'), script: MediaScript }),
    Type.Null({
      description:
        'Its ring group or user was deleted: calls to it are refused until it is changed',
    }),
  ],
  { description: 'Where calls to the number go' },
);
export type DestinationView = Static<typeof DestinationView>;

export const PhoneNumberView = Type.Object({
  id: Type.String(),
  number: Type.String({ description: 'E.164, e.g. "+14155550100"' }),
  display: Type.String({ description: 'For people, e.g. "+1 415 555 0100"' }),
  label: Type.String(),
  destination: DestinationView,
  callerId: Type.Boolean({
    description: "Whether outbound calls show this number (the tenant's caller ID)",
  }),
  createdAt: Type.Number({ description: 'Epoch milliseconds' }),
});
export type PhoneNumberView = Static<typeof PhoneNumberView>;

export const PhoneNumberList = Type.Object({ phoneNumbers: Type.Array(PhoneNumberView) });

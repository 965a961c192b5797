/**
 * The HTTP shapes of after-call work: a tenant's dispositions and one agent's wrap-up of one
 * call. Bodies refuse unknown properties; a disposition's `code` never changes once created,
 * because wrap-ups (and reports) refer to it by code.
 */
import { Type, type Static } from 'typebox';

export const DispositionCode = Type.String({
  pattern: '^[a-z0-9][a-z0-9_-]{0,39}$',
  description: 'Stable key stored on wrap-ups: lower-case letters, digits, "-" and "_", 1–40',
});

const DispositionLabel = Type.String({
  minLength: 1,
  maxLength: 80,
  // At least one visible character: a blank label would be a blank choice in the picker.
  pattern: '\\S',
  description: 'What agents see in the picker',
});

const Position = Type.Integer({
  minimum: 0,
  maximum: 10000,
  description: 'Order in the picker, lowest first',
});

export const DispositionView = Type.Object({
  id: Type.String(),
  code: DispositionCode,
  label: Type.String(),
  active: Type.Boolean({
    description: 'Inactive dispositions are kept for old wrap-ups but not offered',
  }),
  position: Type.Integer(),
});
export type DispositionView = Static<typeof DispositionView>;

export const DispositionList = Type.Object({ dispositions: Type.Array(DispositionView) });

export const CreateDispositionBody = Type.Object(
  {
    code: DispositionCode,
    label: DispositionLabel,
    position: Type.Optional(Position),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type CreateDispositionBody = Static<typeof CreateDispositionBody>;

export const UpdateDispositionBody = Type.Object(
  {
    label: Type.Optional(DispositionLabel),
    position: Type.Optional(Position),
    active: Type.Optional(Type.Boolean({ description: 'false deactivates (there is no delete)' })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateDispositionBody = Static<typeof UpdateDispositionBody>;

/** A note long enough for a real summary, short enough to stay a note. */
export const NOTE_MAX_LENGTH = 4000;

export const WrapUpBody = Type.Object(
  {
    dispositionCode: Type.Optional(
      Type.Union([DispositionCode, Type.Null()], {
        description: 'An active disposition of the tenant; null clears it; omitted keeps it',
      }),
    ),
    note: Type.Optional(
      Type.String({ maxLength: NOTE_MAX_LENGTH, description: 'Omitted keeps the saved note' }),
    ),
  },
  { additionalProperties: false },
);
export type WrapUpBody = Static<typeof WrapUpBody>;

const EpochOrNull = Type.Union([Type.Number(), Type.Null()], { description: 'Epoch milliseconds' });

export const WrapUpView = Type.Object({
  callId: Type.String(),
  userId: Type.String(),
  dispositionCode: Type.Union([Type.String(), Type.Null()]),
  note: Type.String(),
  startedAt: Type.Union([Type.Number(), Type.Null()], {
    description:
      "When the agent's after-call work began; null until it has (or anything was saved)",
  }),
  endedAt: EpochOrNull,
  updatedAt: Type.Union([Type.Number(), Type.Null()], {
    description: 'Last save; null when nothing was saved yet',
  }),
  editableUntil: Type.Union([Type.Number(), Type.Null()], {
    description: 'Epoch milliseconds; null while the call is still live (editable)',
  }),
});
export type WrapUpView = Static<typeof WrapUpView>;

export const CallIdParams = Type.Object({ callId: Type.String({ minLength: 1, maxLength: 64 }) });

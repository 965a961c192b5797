/**
 * The ring group API's shapes. Timing fields are optional on create (the server's configured
 * defaults apply) and every field is optional on update (only what is sent changes).
 */
import { Type, type Static } from 'typebox';
import type { RingGroupRecord } from '../directory/directory.ts';
import { groupAddress } from '../directory/directory.ts';
import { BUILT_IN_MUSIC, MEDIA_FILE_NAME, MediaScript } from '../media-script/script-schema.ts';
import { RING_STRATEGY_NAMES } from '../routing/strategies/ring-strategy.ts';

/** Lower-case and URL-safe, because it becomes the dialable address /group/<name>. */
export const RING_GROUP_NAME_PATTERN = '^[a-z0-9][a-z0-9._-]{0,62}$';

const fields = {
  name: Type.String({
    pattern: RING_GROUP_NAME_PATTERN,
    description: 'Unique in the tenant; dialable as /group/<name>',
  }),
  members: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
    uniqueItems: true,
    maxItems: 1000,
    description: 'User ids of this tenant; replaces the whole list on update',
  }),
  ringTimeoutSeconds: Type.Integer({
    minimum: 1,
    maximum: 600,
    description: 'How long one ring attempt lasts',
  }),
  maxWaitSeconds: Type.Integer({
    minimum: 1,
    maximum: 86_400,
    description: 'How long a call may wait in the queue',
  }),
  retryIntervalSeconds: Type.Integer({
    minimum: 0,
    maximum: 3_600,
    description: 'Pause between ring attempts',
  }),
  serviceLevelSeconds: Type.Integer({
    minimum: 1,
    maximum: 600,
    description: 'Answered within this many seconds counts as in service (supervisor figures)',
  }),
  wrapUpSeconds: Type.Integer({
    minimum: 0,
    maximum: 3_600,
    description: 'Wrap-up time after a call of this group',
  }),
};

const settingFields = () => ({
  members: Type.Optional(fields.members),
  strategy: Type.Optional(Strategy),
  ringTimeoutSeconds: Type.Optional(fields.ringTimeoutSeconds),
  maxWaitSeconds: Type.Optional(fields.maxWaitSeconds),
  retryIntervalSeconds: Type.Optional(fields.retryIntervalSeconds),
  serviceLevelSeconds: Type.Optional(fields.serviceLevelSeconds),
  overflow: Type.Optional(Overflow),
  businessHours: Type.Optional(BusinessHours),
  wrapUpSeconds: Type.Optional(fields.wrapUpSeconds),
  queueGreeting: Type.Optional(QueueGreeting),
  queueMusic: Type.Optional(QueueMusic),
});

export const DEFAULT_SERVICE_LEVEL_SECONDS = 20;
export const DEFAULT_STRATEGY = 'ring-all';

const groupId = (description: string) => Type.String({ minLength: 1, maxLength: 64, description });

/** Hours of the day in the tenant's time zone, "00:00" to "23:59". */
const clockTime = (description: string) =>
  Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description });

export const Strategy = Type.Union(
  RING_STRATEGY_NAMES.map((name) => Type.Literal(name)),
  {
    description:
      'Who is offered a call: "ring-all" (everyone available at once, the default), ' +
      '"longest-idle" (the agent available longest), "round-robin" (the member rung least ' +
      'recently), "sequential" (member order). All but ring-all ring one agent at a time and ' +
      'ring the next at once when one declines or times out.',
  },
);

export { BUILT_IN_MUSIC };

const mediaFileName = (description: string) =>
  Type.String({ pattern: MEDIA_FILE_NAME.source, maxLength: 104, description });

export const QueueGreeting = Type.Union(
  [
    Type.Null(),
    mediaFileName(
      'A media file of the media directory (SCRIPT_MEDIA_DIR), e.g. "welcome.wav", played once to ' +
        'a phone caller who waits for this group (it answers the phone); needs queueMusic',
    ),
  ],
  { description: 'null (default): no greeting' },
);

export const QueueMusic = Type.Union(
  [
    Type.Null(),
    Type.Literal(BUILT_IN_MUSIC, { description: 'A generated two-note tone' }),
    mediaFileName('A media file of the media directory (SCRIPT_MEDIA_DIR), e.g. "music.mp3"'),
  ],
  {
    description:
      'What a phone caller waiting for this group hears, looped, after the greeting, until an ' +
      'agent answers; also while an agent holds the call. null (default): the phone keeps ' +
      'ringing (ringback) while queued, silence on hold',
  },
);

export const Overflow = Type.Union(
  [
    Type.Null(),
    Type.Object(
      {
        ringGroupId: groupId('Another ring group of this tenant'),
        delaySeconds: Type.Integer({
          minimum: 0,
          maximum: 86_400,
          description: 'After waiting this long a call is also offered to the overflow group',
        }),
      },
      { additionalProperties: false },
    ),
  ],
  { description: 'null: no overflow' },
);
export type Overflow = Static<typeof Overflow>;

export const OpeningHours = Type.Object(
  {
    day: Type.Integer({ minimum: 0, maximum: 6, description: '0 Sunday … 6 Saturday' }),
    open: clockTime('Opens at, "HH:MM"'),
    close: clockTime(
      'Closes at, "HH:MM"; earlier than `open` means the next day (open across midnight)',
    ),
  },
  { additionalProperties: false },
);
export type OpeningHours = Static<typeof OpeningHours>;

export const ClosedTreatment = Type.Object(
  {
    action: Type.Union([Type.Literal('end'), Type.Literal('group'), Type.Literal('script')], {
      description:
        'end: the call ends with reason "closed"; group: it rings another ring group; ' +
        'script: the media script is played to the caller, who is then hung up',
    }),
    ringGroupId: Type.Optional(groupId('With action "group": a ring group of this tenant')),
    script: Type.Optional(MediaScript),
  },
  { additionalProperties: false, description: 'What a call gets while the group is closed' },
);
export type ClosedTreatment = Static<typeof ClosedTreatment>;

export const BusinessHours = Type.Union(
  [
    Type.Null(),
    Type.Object(
      {
        hours: Type.Array(OpeningHours, {
          maxItems: 50,
          description: "Opening hours per weekday, in the tenant's time zone",
        }),
        holidays: Type.Array(
          Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'YYYY-MM-DD' }),
          { uniqueItems: true, maxItems: 366, description: 'Days closed all day' },
        ),
        closed: ClosedTreatment,
      },
      { additionalProperties: false },
    ),
  ],
  { description: 'null: always open' },
);
export type BusinessHours = Static<typeof BusinessHours>;

export const CreateRingGroupBody = Type.Object(
  { name: fields.name, ...settingFields() },
  { additionalProperties: false },
);
export type CreateRingGroupBody = Static<typeof CreateRingGroupBody>;

export const UpdateRingGroupBody = Type.Object(
  { name: Type.Optional(fields.name), ...settingFields() },
  { additionalProperties: false, minProperties: 1 },
);

export const RingGroupView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  address: Type.String({ description: '/group/<name>' }),
  members: Type.Array(Type.String(), { description: 'In member order (sequential rings so)' }),
  strategy: Strategy,
  ringTimeoutSeconds: Type.Integer(),
  maxWaitSeconds: Type.Integer(),
  retryIntervalSeconds: Type.Integer(),
  serviceLevelSeconds: Type.Integer(),
  overflow: Overflow,
  businessHours: BusinessHours,
  wrapUpSeconds: Type.Integer(),
  queueGreeting: QueueGreeting,
  queueMusic: QueueMusic,
});
export type RingGroupView = Static<typeof RingGroupView>;

export const RingGroupList = Type.Object({ ringGroups: Type.Array(RingGroupView) });

export const toRingGroupView = (group: RingGroupRecord): RingGroupView => ({
  id: group.id,
  name: group.name,
  address: groupAddress(group.name),
  members: group.memberIds,
  ringTimeoutSeconds: group.ringTimeoutSeconds,
  maxWaitSeconds: group.maxWaitSeconds,
  retryIntervalSeconds: group.retryIntervalSeconds,
  serviceLevelSeconds: group.serviceLevelSeconds ?? DEFAULT_SERVICE_LEVEL_SECONDS,
  strategy: (group.strategy ?? DEFAULT_STRATEGY) as RingGroupView['strategy'],
  overflow: group.overflow ?? null,
  businessHours: group.businessHours ?? null,
  wrapUpSeconds: group.wrapUpSeconds ?? 0,
  queueGreeting: group.queueGreeting ?? null,
  queueMusic: group.queueMusic ?? null,
});

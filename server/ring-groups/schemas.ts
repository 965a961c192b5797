/**
 * The ring group API's shapes. Timing fields are optional on create (the server's configured
 * defaults apply) and every field is optional on update (only what is sent changes).
 */
import { Type, type Static } from 'typebox';
import type { RingGroupRecord } from '../directory/directory.ts';
import { groupAddress } from '../directory/directory.ts';

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
};

export const DEFAULT_SERVICE_LEVEL_SECONDS = 20;

export const CreateRingGroupBody = Type.Object(
  {
    name: fields.name,
    members: Type.Optional(fields.members),
    ringTimeoutSeconds: Type.Optional(fields.ringTimeoutSeconds),
    maxWaitSeconds: Type.Optional(fields.maxWaitSeconds),
    retryIntervalSeconds: Type.Optional(fields.retryIntervalSeconds),
    serviceLevelSeconds: Type.Optional(fields.serviceLevelSeconds),
  },
  { additionalProperties: false },
);

export const UpdateRingGroupBody = Type.Object(
  {
    name: Type.Optional(fields.name),
    members: Type.Optional(fields.members),
    ringTimeoutSeconds: Type.Optional(fields.ringTimeoutSeconds),
    maxWaitSeconds: Type.Optional(fields.maxWaitSeconds),
    retryIntervalSeconds: Type.Optional(fields.retryIntervalSeconds),
    serviceLevelSeconds: Type.Optional(fields.serviceLevelSeconds),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const RingGroupView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  address: Type.String({ description: '/group/<name>' }),
  members: Type.Array(Type.String()),
  ringTimeoutSeconds: Type.Integer(),
  maxWaitSeconds: Type.Integer(),
  retryIntervalSeconds: Type.Integer(),
  serviceLevelSeconds: Type.Integer(),
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
});

/**
 * The admin changes feed: what `/api/admin/changes` sends an admin's tab so that one admin's
 * change shows in every other open admin page without a reload. Server → client only; the feed
 * takes no commands.
 *
 * A frame names what changed, never the change itself: the page re-reads those lists through
 * the same HTTP API it loaded them with, so there is one shape of a person, group or number and
 * one place that checks who may see it. Changes are coalesced per tenant, so one frame may stand
 * for many. `admin.heartbeat` frames keep a quiet feed provably alive: after three silent beats
 * the page reconnects and re-reads everything (it may have missed a change meanwhile).
 */
import { Type, type Static } from 'typebox';

/** The admin page's lists, as the HTTP API serves them. */
export const AdminSection = Type.Union([
  /** `/api/people`, `/api/users` and skills. */
  Type.Literal('people'),
  Type.Literal('ring-groups'),
  Type.Literal('phone-numbers'),
  Type.Literal('api-keys'),
]);
export type AdminSection = Static<typeof AdminSection>;

export const AdminChanged = Type.Object(
  {
    type: Type.Literal('admin.changed'),
    /** Each section at most once. */
    sections: Type.Array(AdminSection, { minItems: 1, uniqueItems: true }),
  },
  { additionalProperties: false },
);

export const AdminHeartbeat = Type.Object(
  {
    type: Type.Literal('admin.heartbeat'),
    /** Seconds until the next beat: the page reconnects after three missed ones. */
    intervalSeconds: Type.Number({ exclusiveMinimum: 0 }),
  },
  { additionalProperties: false },
);

export const AdminMessage = Type.Union([AdminChanged, AdminHeartbeat]);
export type AdminMessage = Static<typeof AdminMessage>;

/**
 * What routing needs to know about people and groups, read from the database.
 * Call control's live state (who is online, ringing, on a call) lives in the router, not here.
 * Every lookup takes the tenant first: an id from another tenant is simply not found.
 */
import type { Role } from '../auth/tokens.ts';
import type { MediaScript } from '../media-script/script-schema.ts';

export interface UserRecord {
  id: string;
  tenantId: string;
  reference: string;
  username: string;
  displayName: string;
  role: Role;
  /** Skill name → level 1–10; absent when the user has none. */
  skills?: Record<string, number>;
}

export interface RingGroupRecord {
  id: string;
  tenantId: string;
  name: string;
  memberIds: string[];
  ringTimeoutSeconds: number;
  maxWaitSeconds: number;
  retryIntervalSeconds: number;
  /** Answered within this many seconds counts as in service (supervisor figures); default 20. */
  serviceLevelSeconds?: number;
  /** Who its calls are offered to next (routing/strategies); unset: everyone available. */
  strategy?: string;
  /** After waiting `delaySeconds` a call is also offered to this group; null/unset: no overflow. */
  overflow?: { ringGroupId: string; delaySeconds: number } | null;
  /** Opening hours in the tenant's time zone; null/unset: always open. */
  businessHours?: BusinessHoursRecord | null;
  /** Wrap-up time after a call of this group. */
  wrapUpSeconds?: number;
  /** A media file (SCRIPT_MEDIA_DIR) a phone caller hears once when queued; null: none. */
  queueGreeting?: string | null;
  /** What a queued or held phone caller hears, looped: a media file or "tone"; null: ringback. */
  queueMusic?: string | null;
}

export interface BusinessHoursRecord {
  /** Per weekday (0 Sunday); `close` earlier than `open` runs into the next day. */
  hours: { day: number; open: string; close: string }[];
  /** YYYY-MM-DD days closed all day. */
  holidays: string[];
  closed: ClosedTreatmentRecord;
}

export interface ClosedTreatmentRecord {
  action: 'end' | 'group' | 'script';
  ringGroupId?: string;
  script?: MediaScript;
}

export interface TenantRecord {
  id: string;
  name: string;
}

export interface Directory {
  tenant(tenantId: string): Promise<TenantRecord | null>;
  /** The IANA time zone the tenant's business hours are read in ('UTC' if unknown). */
  timeZone(tenantId: string): Promise<string>;
  user(tenantId: string, userId: string): Promise<UserRecord | null>;
  userByUsername(tenantId: string, username: string): Promise<UserRecord | null>;
  ringGroup(tenantId: string, ringGroupId: string): Promise<RingGroupRecord | null>;
  ringGroupByName(tenantId: string, name: string): Promise<RingGroupRecord | null>;
  /** Groups the user belongs to: a user coming online may unblock their queued calls. */
  ringGroupsOfUser(tenantId: string, userId: string): Promise<RingGroupRecord[]>;
}

export const privateAddress = (username: string) => `/private/${username}`;
export const groupAddress = (name: string) => `/group/${name}`;

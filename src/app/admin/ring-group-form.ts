/**
 * The ring group form's model and its checks, mirroring the ring-groups API's schema
 * (server/ring-groups/schemas.ts) so a mistake is shown before anything is sent; whatever the
 * server still refuses is shown as it says it.
 */
import type { BusinessHours, RingGroup, RingGroupSettings, RingStrategy } from './admin-api';

export const STRATEGIES: { value: RingStrategy; label: string }[] = [
  { value: 'ring-all', label: 'Ring all' },
  { value: 'longest-idle', label: 'Longest idle' },
  { value: 'round-robin', label: 'Round robin' },
  { value: 'sequential', label: 'Sequential' },
];

export const NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,62}$/;
const CLOCK = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
const DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
/** A file of the server's media directory (server/media-script/script-schema.ts MEDIA_FILE_NAME). */
const MEDIA_FILE =
  /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}\.(webm|mkv|mp4|m4v|mov|ogg|ogv|oga|opus|wav|mp3|m4a)$/;
/** The server's built-in music on hold. */
export const BUILT_IN_MUSIC = 'tone';

export interface RingGroupDraft {
  name: string;
  members: string[];
  strategy: RingStrategy;
  ringTimeoutSeconds: number;
  maxWaitSeconds: number;
  retryIntervalSeconds: number;
  serviceLevelSeconds: number;
  wrapUpSeconds: number;
  overflowGroupId: string;
  overflowDelaySeconds: number;
  hoursEnabled: boolean;
  hours: { day: number; open: string; close: string }[];
  /** Comma- or space-separated YYYY-MM-DD. */
  holidays: string;
  closedAction: 'end' | 'group';
  closedGroupId: string;
  /** A media file name; empty: no greeting. */
  queueGreeting: string;
  /** A media file name or "tone"; empty: phone callers hear ringback. */
  queueMusic: string;
}

export function newDraft(): RingGroupDraft {
  return {
    name: '',
    members: [],
    strategy: 'ring-all',
    ringTimeoutSeconds: 20,
    maxWaitSeconds: 600,
    retryIntervalSeconds: 5,
    serviceLevelSeconds: 20,
    wrapUpSeconds: 30,
    overflowGroupId: '',
    overflowDelaySeconds: 60,
    hoursEnabled: false,
    hours: [1, 2, 3, 4, 5].map((day) => ({ day, open: '09:00', close: '17:00' })),
    holidays: '',
    closedAction: 'end',
    closedGroupId: '',
    queueGreeting: '',
    queueMusic: '',
  };
}

export function draftOf(group: RingGroup): RingGroupDraft {
  const hours = group.businessHours;
  return {
    ...newDraft(),
    name: group.name,
    members: [...group.members],
    strategy: group.strategy,
    ringTimeoutSeconds: group.ringTimeoutSeconds,
    maxWaitSeconds: group.maxWaitSeconds,
    retryIntervalSeconds: group.retryIntervalSeconds,
    serviceLevelSeconds: group.serviceLevelSeconds,
    wrapUpSeconds: group.wrapUpSeconds,
    overflowGroupId: group.overflow?.ringGroupId ?? '',
    overflowDelaySeconds: group.overflow?.delaySeconds ?? 60,
    hoursEnabled: hours !== null,
    hours: hours ? hours.hours.map((entry) => ({ ...entry })) : newDraft().hours,
    holidays: hours?.holidays.join(', ') ?? '',
    closedAction: hours?.closed.action === 'group' ? 'group' : 'end',
    closedGroupId: hours?.closed.ringGroupId ?? '',
    queueGreeting: group.queueGreeting ?? '',
    queueMusic: group.queueMusic ?? '',
  };
}

/**
 * "spanish 7, billing 2" (or "spanish:7") → {spanish: 7, billing: 2}; the problems the server
 * would refuse instead, if any.
 */
export function parseSkills(text: string): { skills: Record<string, number>; problems: string[] } {
  const skills: Record<string, number> = {};
  const problems: string[] = [];
  for (const entry of text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const match = /^([a-z0-9][a-z0-9._-]{0,39})\s*[: ]\s*(\d+)$/.exec(entry);
    const level = match ? Number(match[2]) : NaN;
    if (!match || level < 1 || level > 10)
      problems.push(`"${entry}": a skill (lower-case) and a level from 1 to 10, e.g. "spanish 7"`);
    else skills[match[1]] = level;
  }
  return { skills, problems };
}

export const skillsText = (skills: Record<string, number>) =>
  Object.entries(skills)
    .map(([skill, level]) => `${skill} ${level}`)
    .join(', ');

const holidaysOf = (text: string) => text.split(/[\s,]+/).filter(Boolean);

/** The problems the server would refuse, in its words where it can; empty when none. */
export function draftProblems(draft: RingGroupDraft): string[] {
  const problems: string[] = [];
  if (!NAME_PATTERN.test(draft.name))
    problems.push(
      'Name: lower-case letters, digits, ".", "_" or "-", starting with a letter or digit',
    );
  const range = (label: string, value: number, min: number, max: number) => {
    if (!Number.isInteger(value) || value < min || value > max)
      problems.push(`${label}: a whole number from ${min} to ${max}`);
  };
  range('Ring timeout', draft.ringTimeoutSeconds, 1, 600);
  range('Maximum wait', draft.maxWaitSeconds, 1, 86_400);
  range('Retry interval', draft.retryIntervalSeconds, 0, 3_600);
  range('Service level', draft.serviceLevelSeconds, 1, 600);
  range('Wrap-up', draft.wrapUpSeconds, 0, 3_600);
  if (draft.overflowGroupId) range('Overflow delay', draft.overflowDelaySeconds, 0, 86_400);
  const greeting = draft.queueGreeting.trim();
  const music = draft.queueMusic.trim();
  if (greeting && !MEDIA_FILE.test(greeting))
    problems.push('Greeting: a file name of the media directory, like "welcome.wav"');
  if (music && music !== BUILT_IN_MUSIC && !MEDIA_FILE.test(music))
    problems.push('Music: "tone" or a file name of the media directory, like "music.mp3"');
  if (greeting && !music)
    problems.push(
      'Greeting: needs music after it ("tone" or a file); silence sounds like a dead line',
    );
  if (draft.hoursEnabled) {
    for (const entry of draft.hours) {
      if (!CLOCK.test(entry.open) || !CLOCK.test(entry.close))
        problems.push('Hours: times are HH:MM, 00:00 to 23:59');
      else if (entry.open === entry.close)
        problems.push('Hours: a day cannot open and close at once');
    }
    for (const day of holidaysOf(draft.holidays))
      if (!DATE.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`)))
        problems.push(`Holidays: "${day}" is not a date (YYYY-MM-DD)`);
    if (draft.closedAction === 'group' && !draft.closedGroupId)
      problems.push('When closed: choose the group that takes the calls');
  }
  return problems;
}

export function settingsOf(draft: RingGroupDraft): RingGroupSettings {
  const businessHours: BusinessHours | null = draft.hoursEnabled
    ? {
        hours: draft.hours.map(({ day, open, close }) => ({ day: Number(day), open, close })),
        holidays: holidaysOf(draft.holidays),
        closed:
          draft.closedAction === 'group'
            ? { action: 'group', ringGroupId: draft.closedGroupId }
            : { action: 'end' },
      }
    : null;
  return {
    name: draft.name,
    members: draft.members,
    strategy: draft.strategy,
    ringTimeoutSeconds: draft.ringTimeoutSeconds,
    maxWaitSeconds: draft.maxWaitSeconds,
    retryIntervalSeconds: draft.retryIntervalSeconds,
    serviceLevelSeconds: draft.serviceLevelSeconds,
    wrapUpSeconds: draft.wrapUpSeconds,
    overflow: draft.overflowGroupId
      ? { ringGroupId: draft.overflowGroupId, delaySeconds: draft.overflowDelaySeconds }
      : null,
    businessHours,
    queueGreeting: draft.queueGreeting.trim() || null,
    queueMusic: draft.queueMusic.trim() || null,
  };
}

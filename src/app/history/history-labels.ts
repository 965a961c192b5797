import type { CallOutcome, EndedBy, TimelineEvent } from './history-api';

export const outcomeLabels: Record<CallOutcome, string> = {
  answered: 'Answered',
  abandoned: 'Abandoned',
  declined: 'Declined',
  unanswered: 'Unanswered',
  failed: 'Failed',
  live: 'In progress',
};

/** Why the system ended a call, by its end reason. */
const systemEndings: Record<string, string> = {
  no_answer: 'no answer in time',
  closed: 'closed',
  failed: 'failed',
  transferred: 'transferred out',
};

/** The History page's "Ended by": who, or "–" while live and for calls recorded before. */
export function endedByLabel(endedBy: EndedBy | null, endReason: string | null): string {
  if (!endedBy) return '–';
  const name = endedBy.user?.name;
  switch (endedBy.kind) {
    case 'caller':
      return name ? `Caller (${name})` : 'Caller';
    case 'callee':
      return 'Called party';
    case 'agent':
      return name || 'Agent';
    case 'supervisor':
      return `${name || 'A supervisor'} (supervisor)`;
    case 'system': {
      const why = endReason ? systemEndings[endReason] : undefined;
      return why ? `System (${why})` : 'System';
    }
  }
}

export const eventLabels: Record<TimelineEvent['type'], string> = {
  placed: 'Placed',
  rung: 'Rang',
  declined: 'Declined by',
  missed: 'Missed by',
  answered: 'Answered by',
  held: 'Put on hold by',
  resumed: 'Taken off hold by',
  transferred: 'Transferred by',
  ended: 'Ended',
};

/** "1:05" for 65 000 ms; "–" when there is nothing to show. */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  const seconds = Math.round(ms / 1000);
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = String(seconds % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`;
}

/** The browser's local midnight of a YYYY-MM-DD, in epoch ms. */
export function localMidnight(date: string): number {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(year, month - 1, day).getTime();
}

/** YYYY-MM-DD of an epoch in the browser's time zone. */
export function localDate(epochMs: number): string {
  const date = new Date(epochMs);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/**
 * Whether a ring group is open at an instant, read in the tenant's time zone. Opening hours
 * are per weekday; one whose `close` is earlier than its `open` runs past midnight into the
 * next day. A holiday closes its whole local date, including the tail of the night before's
 * hours. No hours at all: never open.
 */
import type { BusinessHoursRecord } from '../directory/directory.ts';

const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

interface LocalTime {
  /** YYYY-MM-DD */
  date: string;
  /** 0 Sunday … 6 Saturday */
  day: number;
  /** Minutes since local midnight. */
  minutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function localTime(timeZone: string, at: number): LocalTime {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(timeZone, format);
  }
  const parts = Object.fromEntries(
    format.formatToParts(at).map((part) => [part.type, part.value]),
  ) as Record<string, string>;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    day: weekdays.indexOf(parts.weekday),
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

const minutesOf = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

export function isOpen(hours: BusinessHoursRecord, timeZone: string, at: number): boolean {
  const now = localTime(timeZone, at);
  if (hours.holidays.includes(now.date)) return false;
  const yesterday = (now.day + 6) % 7;
  return hours.hours.some((entry) => {
    const open = minutesOf(entry.open);
    const close = minutesOf(entry.close);
    if (open < close) return entry.day === now.day && now.minutes >= open && now.minutes < close;
    // Across midnight: from `open` on its day to `close` the next morning.
    if (entry.day === now.day) return now.minutes >= open;
    return entry.day === yesterday && now.minutes < close;
  });
}

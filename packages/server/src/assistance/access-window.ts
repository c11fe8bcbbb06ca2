import type { AccessWindow, AccessWindows, Weekday } from '@tether/protocol';

const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const MINUTES_PER_DAY = 24 * 60;
/** How far ahead `closesAt` looks: a week of windows plus slack for a DST shift. */
const SEARCH_LIMIT_MIN = 8 * MINUTES_PER_DAY;

/** A moment as a wall clock in some time zone shows it. */
export interface WallTime {
  day: Weekday;
  /** Minutes since local midnight, 0…1439. */
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * The weekday and minute of the day that a wall clock in `timeZone` shows at `at` (DST included).
 *
 * @example
 * wallTimeIn(new Date('2026-03-29T01:30:00Z'), 'Europe/Paris') // { day: 'sun', minute: 210 }
 */
export function wallTimeIn(at: Date, timeZone: string): WallTime {
  const parts = formatterFor(timeZone).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((entry) => entry.type === type)?.value ?? '';
  const day = part('weekday').toLowerCase().slice(0, 3);
  const weekday = WEEKDAYS.find((name) => name === day);
  if (!weekday) throw new Error(`Unexpected weekday "${day}" from Intl for ${timeZone}.`);
  return { day: weekday, minute: Number(part('hour')) * 60 + Number(part('minute')) };
}

/** Minutes since midnight of an `HH:MM` time (`24:00` is 1440). */
export function minutesOf(time: string): number {
  const [hours = '0', minutes = '0'] = time.split(':');
  return Number(hours) * 60 + Number(minutes);
}

function previousDay(day: Weekday): Weekday {
  return WEEKDAYS[(WEEKDAYS.indexOf(day) + 6) % 7] ?? 'sun';
}

/** Whether one window covers a wall time; a window whose end is not after its start runs past midnight. */
function covers(window: AccessWindow, at: WallTime): boolean {
  const start = minutesOf(window.start);
  const end = minutesOf(window.end);
  if (end > start) return window.days.includes(at.day) && at.minute >= start && at.minute < end;
  return (
    (window.days.includes(at.day) && at.minute >= start) ||
    (window.days.includes(previousDay(at.day)) && at.minute < end)
  );
}

/**
 * Whether a device may be reached at `at` under its jump policy. Windows are wall-clock
 * times in the policy's zone, so "08:00" stays 08:00 local across a DST change.
 *
 * @example
 * isWithinAccessWindows(rules, clock.now())
 */
export function isWithinAccessWindows(rules: AccessWindows, at: Date): boolean {
  const wall = wallTimeIn(at, rules.timeZone);
  return rules.windows.some((window) => covers(window, wall));
}

/**
 * When the access that is open at `at` closes: the first minute boundary after `at` outside every
 * window. Null when the windows never close (e.g. every day 00:00–24:00) or `at` is outside.
 *
 * @example
 * const closesAt = accessClosesAt(rules, clock.now()); // warn before, end then
 */
export function accessClosesAt(rules: AccessWindows, at: Date): Date | null {
  if (!isWithinAccessWindows(rules, at)) return null;
  const firstBoundary = Math.floor(at.getTime() / 60_000) * 60_000 + 60_000;
  for (let step = 0; step < SEARCH_LIMIT_MIN; step += 1) {
    const candidate = new Date(firstBoundary + step * 60_000);
    if (!isWithinAccessWindows(rules, candidate)) return candidate;
  }
  return null;
}

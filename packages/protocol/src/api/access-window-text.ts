import type { AccessWindow, AccessWindows, AssistanceModes, Weekday } from './assistance.js';

const ORDER: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const LABEL: Record<Weekday, string> = {
  mon: 'Mon',
  tue: 'Tue',
  wed: 'Wed',
  thu: 'Thu',
  fri: 'Fri',
  sat: 'Sat',
  sun: 'Sun',
};

/** `Mon–Fri`, `Mon, Wed, Sat–Sun`: consecutive days (Monday first) collapse into a range. */
export function describeDays(days: readonly Weekday[]): string {
  const sorted = ORDER.filter((day) => days.includes(day));
  const runs: Weekday[][] = [];
  for (const day of sorted) {
    const run = runs.at(-1);
    const last = run?.at(-1);
    if (run && last && ORDER.indexOf(day) === ORDER.indexOf(last) + 1) run.push(day);
    else runs.push([day]);
  }
  return runs
    .map((run) => {
      const first = run[0];
      const last = run.at(-1);
      if (!first || !last) return '';
      if (run.length === 1) return LABEL[first];
      return run.length === 2
        ? `${LABEL[first]}, ${LABEL[last]}`
        : `${LABEL[first]}–${LABEL[last]}`;
    })
    .join(', ');
}

function describeWindow(window: AccessWindow): string {
  return `${describeDays(window.days)} ${window.start}–${window.end}`;
}

/**
 * A jump policy as a user reads it in messages (STYLE.md, Errors).
 *
 * @example
 * describeAccessWindows(rules) // 'Mon–Fri 08:00–18:00 Europe/Paris'
 */
export function describeAccessWindows(rules: AccessWindows): string {
  return `${rules.windows.map(describeWindow).join('; ')} ${rules.timeZone}`;
}

/**
 * Allowed modes and their rights in one line.
 *
 * @example
 * describeAssistanceModes({ dynamic: ['view', 'control'] }) // 'dynamic (view, control)'
 */
export function describeAssistanceModes(modes: AssistanceModes): string {
  return (['interactive', 'unattended', 'dynamic'] as const)
    .flatMap((mode) => {
      const rights = modes[mode];
      return rights ? [`${mode} (${rights.join(', ') || 'no rights'})`] : [];
    })
    .join(', ');
}

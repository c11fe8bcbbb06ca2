import {
  ALL_SESSION_RIGHTS,
  AppError,
  AssistanceMode,
  Weekday,
  type AccessWindow,
  type PolicyAssistance,
  type SessionRight,
} from '@tether/protocol';

/** The assistance part of the policy editor's state (M-4, A-15). */
export interface AssistanceFormState {
  modes: Record<AssistanceMode, { isAllowed: boolean; rights: SessionRight[] }>;
  hasWindows: boolean;
  timeZone: string;
  /** One window a line: `mon-fri 08:00-18:00`, `sat,sun 10:00-12:00`. */
  windows: string;
  warnMinutes: string;
  endAtClose: boolean;
  /** Session policies by user presence. */
  hasPresence: boolean;
  useScreenState: boolean;
  present: SessionRight[];
  absent: SessionRight[];
}

const DAYS = Weekday.options;

function daysText(days: readonly string[]): string {
  const indexes = days.map((day) => DAYS.findIndex((known) => known === day)).sort((a, b) => a - b);
  const first = indexes[0];
  const last = indexes.at(-1);
  const isRun =
    first !== undefined &&
    last !== undefined &&
    indexes.length > 2 &&
    last - first === indexes.length - 1;
  return isRun ? `${DAYS[first]}-${DAYS[last]}` : indexes.map((index) => DAYS[index]).join(',');
}

/** The form state for a policy's assistance settings (all modes off and no windows when unset). */
export function assistanceFormState(assistance: PolicyAssistance | undefined): AssistanceFormState {
  const modes = assistance?.modes;
  const windows = assistance?.accessWindows;
  const mode = (name: AssistanceMode) => ({
    isAllowed: modes?.[name] !== undefined,
    rights: modes?.[name] ?? [...ALL_SESSION_RIGHTS],
  });
  return {
    modes: {
      interactive: mode('interactive'),
      unattended: mode('unattended'),
      dynamic: mode('dynamic'),
    },
    hasWindows: windows !== undefined,
    timeZone: windows?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
    windows: (
      windows?.windows ?? [
        { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '08:00', end: '18:00' },
      ]
    )
      .map((window) => `${daysText(window.days)} ${window.start}-${window.end}`)
      .join('\n'),
    warnMinutes: String(Math.round((windows?.warnBeforeSec ?? 300) / 60)),
    endAtClose: windows?.endAtClose ?? true,
    hasPresence: assistance?.presence !== undefined,
    useScreenState: assistance?.presence?.useScreenState ?? false,
    present: assistance?.presence?.present ?? ['view', 'control'],
    absent: assistance?.presence?.absent ?? [...ALL_SESSION_RIGHTS],
  };
}

/** Days of a line: `mon-fri`, `sat,sun`, `mon,wed-fri`. Throws a message naming a bad day. */
function parseDays(text: string): Weekday[] {
  return text.split(',').flatMap((part) => {
    const [from = '', to] = part.trim().toLowerCase().split('-');
    const start = DAYS.findIndex((day) => day === from);
    const end = to === undefined ? start : DAYS.findIndex((day) => day === to);
    if (start < 0 || end < start) {
      throw new AppError(
        'INVALID_INPUT',
        `Access windows: "${part.trim()}" is not a day or range of days (mon…sun, e.g. mon-fri).`,
      );
    }
    return DAYS.slice(start, end + 1);
  });
}

function parseWindow(line: string): AccessWindow {
  const [days = '', times = ''] = line.trim().split(/\s+/);
  const [start = '', end = ''] = times.split('-');
  // The times are checked by the server's schema, which names the bad field.
  return { days: parseDays(days), start, end };
}

/** The assistance settings to send; undefined when the form sets none. */
export function assistanceSettings(state: AssistanceFormState): PolicyAssistance | undefined {
  const modes = Object.fromEntries(
    AssistanceMode.options
      .filter((mode) => state.modes[mode].isAllowed)
      .map((mode) => [mode, state.modes[mode].rights]),
  );
  const windows = state.windows.split('\n').filter((line) => line.trim() !== '');
  const assistance: PolicyAssistance = {
    ...(Object.keys(modes).length > 0 ? { modes } : {}),
    ...(state.hasWindows
      ? {
          accessWindows: {
            timeZone: state.timeZone.trim(),
            windows: windows.map(parseWindow),
            warnBeforeSec: Math.round(Number(state.warnMinutes) * 60),
            endAtClose: state.endAtClose,
          },
        }
      : {}),
    ...(state.hasPresence
      ? {
          presence: {
            useScreenState: state.useScreenState,
            present: state.present,
            absent: state.absent,
          },
        }
      : {}),
  };
  return Object.keys(assistance).length > 0 ? assistance : undefined;
}

import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { UserPresenceReport } from '@tether/protocol/agent';

/** Whether a user is at the device (A-12, M-3). */
export type UserPresence = () => Promise<UserPresenceReport>;

/** The reports a fixed or file-driven presence can give. */
export const PRESENCE_STATES = ['present', 'absent', 'locked'] as const;
export type PresenceState = (typeof PRESENCE_STATES)[number];

function reportOf(state: PresenceState): UserPresenceReport {
  return state === 'absent'
    ? { loggedIn: false, screenLocked: false, user: null }
    : { loggedIn: true, screenLocked: state === 'locked', user: 'console' };
}

/** A fixed answer, for tests and for `tether agent run --user-presence present|absent|locked`. */
export const fixedUserPresence =
  (state: PresenceState): UserPresence =>
  () =>
    Promise.resolve(reportOf(state));

/**
 * Reads `present`, `absent` or `locked` from a file at every check: for kiosks whose own
 * software knows better than logind, and for tests that switch presence while the agent runs.
 * A missing or unreadable file counts as absent.
 *
 * @example
 * const presence = fileUserPresence('/run/kiosk/presence');
 */
export const fileUserPresence =
  (path: string): UserPresence =>
  async () => {
    const text = await readFile(path, 'utf8').catch(() => 'absent');
    const state = PRESENCE_STATES.find((candidate) => candidate === text.trim()) ?? 'absent';
    return reportOf(state);
  };

function run(command: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: 3000 }, (error, stdout) =>
      resolve(error ? undefined : stdout),
    );
  });
}

/** `Key=value` lines of `loginctl show-session` as a map. */
function properties(text: string): Map<string, string> {
  return new Map(
    text
      .split('\n')
      .map((line) => line.split('='))
      .filter((pair): pair is [string, string] => pair.length >= 2 && pair[0] !== undefined)
      .map(([key, ...rest]) => [key, rest.join('=')]),
  );
}

/**
 * Linux: asks logind for an active session of a real user (`Class=user`, on a seat or a TTY)
 * and whether its screen is locked (`LockedHint`, which screen lockers and locking
 * screensavers set). Without logind the answer is "absent", so a dynamic session falls back to
 * unattended rather than waiting for a user who cannot answer.
 *
 * @example
 * const { loggedIn } = await logindUserPresence();
 */
export const logindUserPresence: UserPresence = async () => {
  const absent = reportOf('absent');
  const list = await run('loginctl', ['list-sessions', '--no-legend', '--no-pager']);
  if (list === undefined) return absent;
  const ids = list
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0])
    .filter((id): id is string => id !== undefined && id !== '');
  for (const id of ids) {
    const shown = await run('loginctl', [
      'show-session',
      id,
      '--no-pager',
      '-p',
      'Name',
      '-p',
      'Class',
      '-p',
      'Active',
      '-p',
      'State',
      '-p',
      'LockedHint',
    ]);
    if (shown === undefined) continue;
    const session = properties(shown);
    if (session.get('Class') !== 'user' || session.get('Active') !== 'yes') continue;
    return {
      loggedIn: true,
      screenLocked: session.get('LockedHint') === 'yes',
      user: session.get('Name') ?? null,
    };
  }
  return absent;
};

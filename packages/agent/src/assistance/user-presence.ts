import { execFile } from 'node:child_process';

/** Whether a user is logged in at the device (A-12, M-3). */
export type UserPresence = () => Promise<boolean>;

/** A fixed answer, for tests and for `tether agent run --user-presence present|absent`. */
export const fixedUserPresence =
  (isPresent: boolean): UserPresence =>
  () =>
    Promise.resolve(isPresent);

/**
 * Linux: asks logind (`loginctl list-sessions`) for an active session of a real user (a seat or
 * a TTY). Without logind the answer is "absent", so a dynamic session falls back to unattended
 * rather than waiting for a user who cannot answer.
 *
 * @example
 * const mode = (await logindUserPresence()) ? 'interactive' : 'unattended';
 */
export const logindUserPresence: UserPresence = () =>
  new Promise((resolve) => {
    execFile(
      'loginctl',
      ['list-sessions', '--no-legend', '--no-pager'],
      { timeout: 3000 },
      (error, stdout) => {
        if (error) {
          resolve(false);
          return;
        }
        resolve(
          stdout
            .split('\n')
            .map((line) => line.trim().split(/\s+/))
            .some((fields) => fields.length >= 3 && fields[2] !== '' && fields[2] !== 'gdm'),
        );
      },
    );
  });

import { execFile } from 'node:child_process';

/**
 * The user on the console from `who` output: a login on an X display (`:0`), on a seat
 * (`seat0`, written by systemd-logind), or on a virtual console (`tty1`…). Remote logins (ssh
 * sessions on `pts/N` from a host) are not the console. Graphical sessions win over text ones.
 *
 * @example
 * parseWhoOutput('alice    :0           2024-05-01 08:00 (:0)\n'); // 'alice'
 */
export function parseWhoOutput(text: string): string | null {
  let textConsoleUser: string | null = null;
  for (const line of text.split('\n')) {
    const [user, terminal] = line.trim().split(/\s+/);
    if (user === undefined || user === '' || terminal === undefined) continue;
    const host = /\(([^)]*)\)\s*$/.exec(line)?.[1];
    const isGraphical =
      /^:\d+/.test(terminal) || terminal.startsWith('seat') || /^:\d+/.test(host ?? '');
    if (isGraphical) return user;
    if (/^tty\d+$/.test(terminal) || terminal === 'console') textConsoleUser ??= user;
  }
  return textConsoleUser;
}

/** Runs `who` (which reads utmp) and picks the console user; `null` when none or no `who`. */
export function readConsoleUser(): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(
      'who',
      [],
      { timeout: 2000, env: { LC_ALL: 'C', PATH: process.env['PATH'] ?? '/usr/bin:/bin' } },
      (error, stdout) => {
        resolve(error ? null : parseWhoOutput(stdout));
      },
    );
  });
}

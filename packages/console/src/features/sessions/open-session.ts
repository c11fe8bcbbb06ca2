import { AppError, type CreateSessionRequest, type CreateSessionResponse } from '@tether/protocol';
import type { TetherClient } from '@tether/sdk';
import { modeFromSearch } from './assistance-mode.js';

/**
 * One-time passwords of unattended accesses this page connected with, in memory only: never in
 * the URL, storage or history. A reload forgets them, and the technician connects again.
 */
const passwords = new Map<string, string>();

/**
 * Keeps an access's password for the session pages opened from its credentials.
 *
 * @example
 * rememberAccessPassword(access.id, password);
 * navigate(withAccess(`/devices/${deviceId}/terminal`, access.id));
 */
export function rememberAccessPassword(accessId: string, password: string): void {
  passwords.set(accessId, password);
}

/** Sessions opened before their page was: the Connect form checks a password by opening one. */
const openedSessions = new Map<string, CreateSessionResponse>();

/**
 * Hands a session already opened through an access to the session page about to open, which
 * then joins it instead of opening another (a wrong password was already caught on the form).
 *
 * @example
 * handOverSession(accessId, await api.connectUnattended({ accessId, password, kind }));
 */
export function handOverSession(accessId: string, opened: CreateSessionResponse): void {
  openedSessions.set(accessId, opened);
}

/**
 * A session page's path that connects through an unattended access.
 *
 * @example
 * withAccess('/devices/0b6f…/desktop', '123456789') // '/devices/0b6f…/desktop?access=123456789'
 */
export function withAccess(path: string, accessId: string): string {
  return `${path}?access=${encodeURIComponent(accessId)}`;
}

/**
 * Opens the session a page was opened for: through the unattended access in `?access=` with
 * its remembered one-time password (M-2), or as a plain request with the `?mode=` chosen on
 * the device page.
 *
 * @example
 * const { session, relay } = await openSession(api, { deviceId, kind: 'terminal', cols, rows });
 */
export function openSession(
  api: TetherClient,
  request: Omit<CreateSessionRequest, 'mode'>,
): Promise<CreateSessionResponse> {
  const search = window.location.search;
  const accessId = new URLSearchParams(search).get('access');
  if (accessId === null) return api.createSession({ ...request, ...modeFromSearch(search) });
  const opened = openedSessions.get(accessId);
  openedSessions.delete(accessId); // used once: a reload or a second session opens a new one
  if (opened?.session.kind === request.kind && !request.viewOnly) return Promise.resolve(opened);
  const password = passwords.get(accessId);
  if (password === undefined) {
    return Promise.reject(
      new AppError(
        'INVALID_INPUT',
        'This page does not know the one-time password of the unattended access (it is kept in memory only). Connect again from the device page or with the access file.',
      ),
    );
  }
  // The access names the device; the request's other fields carry over.
  return api.connectUnattended({
    accessId,
    password,
    kind: request.kind,
    ...(request.cols && request.rows ? { cols: request.cols, rows: request.rows } : {}),
    ...(request.viewOnly ? { viewOnly: true } : {}),
  });
}

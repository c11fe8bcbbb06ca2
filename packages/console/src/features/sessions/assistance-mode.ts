import { AssistanceMode } from '@tether/protocol';

/**
 * The assistance mode a session page was opened with (`?mode=interactive`), for its
 * `createSession` request; none when absent or unknown (the group's only mode then applies).
 *
 * @example
 * api.createSession({ deviceId, kind: 'terminal', ...modeFromSearch(window.location.search) });
 */
export function modeFromSearch(search: string): { mode?: AssistanceMode } {
  const parsed = AssistanceMode.safeParse(new URLSearchParams(search).get('mode'));
  return parsed.success ? { mode: parsed.data } : {};
}

/**
 * A session page's path with the chosen mode.
 *
 * @example
 * withMode('/devices/0b6f…/terminal', 'dynamic') // '/devices/0b6f…/terminal?mode=dynamic'
 */
export function withMode(path: string, mode: AssistanceMode | undefined): string {
  return mode ? `${path}?mode=${mode}` : path;
}

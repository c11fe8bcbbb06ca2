/** Every page of the console. Paths are the History API paths the server falls back on. */
export type Route =
  | { page: 'login' }
  | { page: 'devices' }
  | { page: 'device'; deviceId: string }
  | { page: 'terminal'; deviceId: string }
  | { page: 'files'; deviceId: string }
  | { page: 'desktop'; deviceId: string }
  | { page: 'connect' }
  | { page: 'recordings' }
  | { page: 'player'; recordingId: string }
  | { page: 'installers' }
  | { page: 'settings' }
  | { page: 'audit' }
  | { page: 'policies' }
  | { page: 'new-policy' }
  | { page: 'policy'; policyId: string }
  | { page: 'not-found'; path: string };

const patterns: [RegExp, (match: string[]) => Route][] = [
  [/^\/(?:devices)?$/, () => ({ page: 'devices' })],
  [/^\/login$/, () => ({ page: 'login' })],
  [/^\/devices\/([^/]+)$/, ([id]) => ({ page: 'device', deviceId: id ?? '' })],
  [/^\/devices\/([^/]+)\/terminal$/, ([id]) => ({ page: 'terminal', deviceId: id ?? '' })],
  [/^\/devices\/([^/]+)\/files$/, ([id]) => ({ page: 'files', deviceId: id ?? '' })],
  [/^\/devices\/([^/]+)\/desktop$/, ([id]) => ({ page: 'desktop', deviceId: id ?? '' })],
  [/^\/connect$/, () => ({ page: 'connect' })],
  [/^\/recordings$/, () => ({ page: 'recordings' })],
  [/^\/recordings\/([^/]+)$/, ([id]) => ({ page: 'player', recordingId: id ?? '' })],
  [/^\/installers$/, () => ({ page: 'installers' })],
  [/^\/settings$/, () => ({ page: 'settings' })],
  [/^\/audit$/, () => ({ page: 'audit' })],
  [/^\/policies$/, () => ({ page: 'policies' })],
  [/^\/policies\/new$/, () => ({ page: 'new-policy' })],
  [/^\/policies\/([^/]+)$/, ([id]) => ({ page: 'policy', policyId: id ?? '' })],
];

/**
 * Maps a location path to a route; IDs come back decoded.
 *
 * @example
 * parseRoute('/devices/0b6f…/terminal') // { page: 'terminal', deviceId: '0b6f…' }
 */
export function parseRoute(pathname: string): Route {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  for (const [pattern, build] of patterns) {
    const match = pattern.exec(path);
    if (match) {
      try {
        return build(match.slice(1).map((part) => decodeURIComponent(part)));
      } catch {
        // Malformed percent-encoding: not a page we know.
        return { page: 'not-found', path };
      }
    }
  }
  return { page: 'not-found', path };
}

/**
 * The path of a route, the inverse of `parseRoute`.
 *
 * @example
 * routePath({ page: 'device', deviceId }) // `/devices/${deviceId}`
 */
export function routePath(route: Route): string {
  const id = encodeURIComponent;
  switch (route.page) {
    case 'login':
      return '/login';
    case 'devices':
      return '/devices';
    case 'device':
      return `/devices/${id(route.deviceId)}`;
    case 'terminal':
      return `/devices/${id(route.deviceId)}/terminal`;
    case 'files':
      return `/devices/${id(route.deviceId)}/files`;
    case 'desktop':
      return `/devices/${id(route.deviceId)}/desktop`;
    case 'connect':
      return '/connect';
    case 'recordings':
      return '/recordings';
    case 'player':
      return `/recordings/${id(route.recordingId)}`;
    case 'installers':
      return '/installers';
    case 'settings':
      return '/settings';
    case 'audit':
      return '/audit';
    case 'policies':
      return '/policies';
    case 'new-policy':
      return '/policies/new';
    case 'policy':
      return `/policies/${id(route.policyId)}`;
    case 'not-found':
      return route.path;
  }
}

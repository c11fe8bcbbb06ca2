/** The names of the `:name` segments of a path pattern: `'/devices/:deviceId'` → `'deviceId'`. */
export type PathParamNames<Pattern extends string> =
  Pattern extends `${string}:${infer Name}/${infer Rest}`
    ? Name | PathParamNames<`/${Rest}`>
    : Pattern extends `${string}:${infer Name}`
      ? Name
      : never;

/** The decoded values of a pattern's `:name` segments. */
export type PathParams<Pattern extends string> = {
  readonly [K in PathParamNames<Pattern>]: string;
};

/**
 * A location path without its trailing slashes (`/recordings/` and `/recordings` are one page).
 *
 * @example
 * normalizePath('/recordings/') // '/recordings'
 */
export function normalizePath(pathname: string): string {
  return pathname.length > 1 ? pathname.replace(/\/+$/, '') || '/' : pathname;
}

/**
 * Matches a location path against a pattern whose `:name` segments stand for one path segment
 * each; returns the decoded values, or null when the path is another page (or is malformed
 * percent-encoding, which is no page we know).
 *
 * @example
 * matchPath('/devices/:deviceId', '/devices/0b6f…') // { deviceId: '0b6f…' }
 */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const wanted = pattern.split('/');
  const given = normalizePath(pathname).split('/');
  if (wanted.length !== given.length) return null;
  const params: Record<string, string> = {};
  for (const [index, segment] of wanted.entries()) {
    const actual = given[index] ?? '';
    if (!segment.startsWith(':')) {
      if (segment !== actual) return null;
      continue;
    }
    if (actual === '') return null;
    try {
      params[segment.slice(1)] = decodeURIComponent(actual);
    } catch {
      return null; // malformed percent-encoding
    }
  }
  return params;
}

/**
 * The path of a pattern with its `:name` segments filled in, encoded; the inverse of `matchPath`.
 *
 * @example
 * fillPath('/devices/:deviceId/terminal', { deviceId }) // `/devices/${deviceId}/terminal`
 */
export function fillPath(pattern: string, params: Readonly<Record<string, string>>): string {
  return pattern.replace(/:([A-Za-z]+)/g, (_match, name: string) =>
    encodeURIComponent(params[name] ?? ''),
  );
}

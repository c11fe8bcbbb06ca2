/** A JSON object as parsed: any keys, values unknown until checked. */
export type JsonObject = Record<string, unknown>;

/**
 * Whether a parsed JSON value is an object (not an array, not null).
 *
 * @example
 * isObject({ a: 1 }) // true
 */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A string field of an object, or undefined when absent or not a string.
 *
 * @example
 * text({ summary: 'List devices' }, 'summary') // 'List devices'
 */
export function text(value: unknown, key: string): string | undefined {
  if (!isObject(value)) return undefined;
  const field = value[key];
  return typeof field === 'string' && field !== '' ? field : undefined;
}

/** References followed in a row before giving up: a document may point in a circle. */
const MAX_HOPS = 16;

/** A value with its `$ref`s followed, and the last name it was reached by. */
export interface Resolved {
  value: unknown;
  /** The last segment of the last `$ref` followed (`Device` for `#/components/schemas/Device`). */
  name?: string;
  /** The `$ref` that could not be followed (outside the document, or missing). */
  broken?: string;
}

/**
 * Follows a value's local `$ref`s (`#/components/…`, JSON Pointer escapes) within the document.
 * A reference outside the document or to nothing is reported as `broken`, never thrown.
 *
 * @example
 * resolveRef(document, { $ref: '#/components/schemas/Device' }).name // 'Device'
 */
export function resolveRef(root: unknown, value: unknown): Resolved {
  let current = value;
  let name: string | undefined;
  for (let hop = 0; hop < MAX_HOPS; hop += 1) {
    const ref = isObject(current) ? current.$ref : undefined;
    if (typeof ref !== 'string') return { value: current, name };
    const target = ref.startsWith('#') ? pointer(root, ref.slice(1)) : undefined;
    if (target === undefined) return { value: current, name, broken: ref };
    name = decodeSegment(ref.split('/').pop() ?? ref);
    current = target;
  }
  return { value: current, name, broken: 'a reference that points in a circle' };
}

function decodeSegment(segment: string): string {
  let decoded = segment;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    // Not percent-encoded after all: keep it as written.
  }
  return decoded.replace(/~1/g, '/').replace(/~0/g, '~');
}

function pointer(root: unknown, path: string): unknown {
  if (path === '') return root;
  if (!path.startsWith('/')) return undefined;
  let current = root;
  for (const segment of path.slice(1).split('/').map(decodeSegment)) {
    if (Array.isArray(current)) current = current[Number(segment)] as unknown;
    else if (isObject(current) && Object.hasOwn(current, segment)) current = current[segment];
    else return undefined;
  }
  return current;
}

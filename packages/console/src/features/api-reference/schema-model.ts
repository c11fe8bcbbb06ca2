import { isObject, resolveRef, text, type JsonObject } from './json-pointer.js';

/** A JSON Schema in words, for a readable field list. */
export interface SchemaNode {
  /** `string (uuid)`, `integer`, `array of Device`, `object`, `one of`, `any`… */
  type: string;
  /** The component it was reached by (`Device`), when it came through a `$ref`. */
  refName?: string;
  description?: string;
  /** Constraints and values: `one of "a", "b"`, `pattern ^t\d+$`, `or null`, `default 5`. */
  facts: string[];
  fields?: SchemaField[];
  items?: SchemaNode;
  alternatives?: { kind: 'one of' | 'any of' | 'all of'; options: SchemaNode[] };
  /** Values of a map (`additionalProperties` as a schema). */
  values?: SchemaNode;
  /** Not expanded further: too deep, or a type already being described above (a cycle). */
  isCut?: boolean;
  /** A `$ref` that leads nowhere in this document. */
  broken?: string;
}

/** A property of an object schema. */
export interface SchemaField {
  name: string;
  isRequired: boolean;
  node: SchemaNode;
}

/** Levels of nesting shown before "see the JSON schema". */
const MAX_DEPTH = 6;

const quote = (value: unknown): string => JSON.stringify(value);

/**
 * Describes a schema of an OpenAPI 3.1 document (JSON Schema 2020-12), following `$ref`s into
 * the document; never throws and stops at cycles.
 *
 * @example
 * describeSchema(document, { type: 'array', items: { type: 'string' } }).type // 'array of string'
 */
export function describeSchema(
  root: unknown,
  schema: unknown,
  context: { depth: number; seen: readonly string[] } = { depth: 0, seen: [] },
): SchemaNode {
  const resolved = resolveRef(root, schema);
  const refName = resolved.name;
  if (resolved.broken) return { type: 'unknown', facts: [], broken: resolved.broken };
  const value = resolved.value;
  if (value === true || value === undefined) return { type: 'any', refName, facts: [] };
  if (value === false) return { type: 'nothing (never valid)', refName, facts: [] };
  if (!isObject(value)) return { type: 'unknown', refName, facts: [] };
  const isCycle = refName !== undefined && context.seen.includes(refName);
  if (isCycle || context.depth >= MAX_DEPTH) {
    return { type: baseType(value), refName, facts: [], isCut: true };
  }
  const inner = {
    depth: context.depth + 1,
    seen: refName === undefined ? context.seen : [...context.seen, refName],
  };
  const nullable = withoutNull(value);
  if (nullable) {
    const node = describeSchema(root, nullable, inner);
    return {
      ...node,
      refName: refName ?? node.refName,
      description: text(value, 'description') ?? node.description,
      facts: [...node.facts, 'or null'],
    };
  }
  const node: SchemaNode = {
    type: baseType(value),
    refName,
    description: text(value, 'description') ?? text(value, 'title'),
    facts: facts(value),
  };
  const describe = (child: unknown): SchemaNode => describeSchema(root, child, inner);
  if (isObject(value.properties)) {
    const required = Array.isArray(value.required) ? (value.required as unknown[]) : [];
    node.fields = Object.entries(value.properties).map(([name, child]) => ({
      name,
      isRequired: required.includes(name),
      node: describe(child),
    }));
  }
  if (value.items !== undefined && value.items !== false) {
    node.items = describe(value.items);
    node.type = `array of ${label(node.items)}`;
  }
  if (isObject(value.additionalProperties)) node.values = describe(value.additionalProperties);
  for (const kind of ['oneOf', 'anyOf', 'allOf'] as const) {
    const options = value[kind];
    if (!Array.isArray(options)) continue;
    node.alternatives = {
      kind: kind === 'oneOf' ? 'one of' : kind === 'anyOf' ? 'any of' : 'all of',
      options: (options as unknown[]).map(describe),
    };
  }
  return node;
}

/**
 * How a node reads in one line: its component name when it has one, else its type.
 *
 * @example
 * label({ type: 'object', refName: 'Device', facts: [] }) // 'Device'
 */
export function label(node: SchemaNode): string {
  return node.refName ?? node.type;
}

/** `anyOf: [X, {type: 'null'}]` (zod's nullable) is X "or null". */
function withoutNull(value: JsonObject): unknown {
  const options = value.anyOf ?? value.oneOf;
  if (!Array.isArray(options) || options.length !== 2) return undefined;
  const isNull = (option: unknown) => isObject(option) && option.type === 'null';
  const rest = (options as unknown[]).filter((option) => !isNull(option));
  return rest.length === 1 ? rest[0] : undefined;
}

function baseType(value: JsonObject): string {
  const type = value.type;
  const names = Array.isArray(type)
    ? type.filter((name): name is string => typeof name === 'string')
    : typeof type === 'string'
      ? [type]
      : [];
  let base = names.join(' or ');
  if (base === '') {
    if (isObject(value.properties) || isObject(value.additionalProperties)) base = 'object';
    else if (value.items !== undefined) base = 'array';
    else if (value.const !== undefined) base = typeof value.const;
    else if (Array.isArray(value.enum)) base = 'enum';
    else if (value.oneOf) base = 'one of';
    else if (value.anyOf) base = 'any of';
    else if (value.allOf) base = 'all of';
    else base = 'any';
  }
  const format = text(value, 'format');
  return format ? `${base} (${format})` : base;
}

const RANGE_FACTS: [string, string][] = [
  ['minimum', '≥'],
  ['exclusiveMinimum', '>'],
  ['maximum', '≤'],
  ['exclusiveMaximum', '<'],
  ['minLength', 'at least %s characters'],
  ['maxLength', 'at most %s characters'],
  ['minItems', 'at least %s items'],
  ['maxItems', 'at most %s items'],
];

function facts(value: JsonObject): string[] {
  const found: string[] = [];
  if (Array.isArray(value.enum))
    found.push(`one of ${(value.enum as unknown[]).map(quote).join(', ')}`);
  if (value.const !== undefined) found.push(`always ${quote(value.const)}`);
  // A format (uuid, date-time) says what its generated pattern spells out unreadably.
  const pattern = text(value, 'format') ? undefined : text(value, 'pattern');
  if (pattern) found.push(`pattern ${pattern}`);
  for (const [key, words] of RANGE_FACTS) {
    const limit = value[key];
    // ±2^53−1 is "any safe integer", which the type already says.
    if (typeof limit !== 'number' || Math.abs(limit) === Number.MAX_SAFE_INTEGER) continue;
    const sentence = words.replace('%s', String(limit)).replace(/^(at \w+ 1 \w+)s$/, '$1');
    found.push(words.includes('%s') ? sentence : `${words} ${limit}`);
  }
  if (value.default !== undefined) found.push(`default ${quote(value.default)}`);
  if (value.readOnly === true) found.push('read-only');
  if (value.writeOnly === true) found.push('write-only');
  if (value.deprecated === true) found.push('deprecated');
  return found;
}

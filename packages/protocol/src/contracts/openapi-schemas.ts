import { z } from 'zod';

export type JsonObject = Record<string, unknown>;

/** Where component schemas live in an OpenAPI document. */
const COMPONENTS = '#/components/schemas/';

/**
 * Turns zod schemas into the JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1) of an
 * OpenAPI document, and collects the ones that become `components/schemas`.
 */
export interface SchemaCollector {
  /**
   * The JSON Schema of `schema` as a request sends it (`input`: before coercion and defaults)
   * or as an answer carries it (`output`); a `$ref` when the schema has a name.
   */
  use(schema: z.ZodType, io: 'input' | 'output'): JsonObject;
  /** Like `use`, but always the schema itself, never a `$ref` (for parameter lists). */
  inline(schema: z.ZodType, io: 'input' | 'output'): JsonObject;
  /** Every component schema used so far, by name. */
  readonly components: Record<string, JsonObject>;
}

/**
 * A collector that names schemas found in `names` (e.g. `CreateInstallerRequest`, the name the
 * protocol exports it under) so a reader sees one definition where several endpoints share it.
 * Input and output forms differ (defaults are optional going in, present coming out; answers
 * allow no extra fields), so a named schema whose forms differ gets `<Name>Input` for requests.
 *
 * @example
 * const schemas = schemaCollector(new Map([[ErrorBody, 'ErrorBody']]));
 * schemas.use(ErrorBody, 'output') // { $ref: '#/components/schemas/ErrorBody' }
 */
export function schemaCollector(
  names: ReadonlyMap<z.ZodType, string> = new Map(),
): SchemaCollector {
  const components: Record<string, JsonObject> = {};
  const cache = new Map<z.ZodType, Partial<Record<'input' | 'output', string>>>();
  let unnamed = 0;
  const text = (schema: z.ZodType, io: 'input' | 'output'): string => {
    const forms = cache.get(schema) ?? {};
    cache.set(schema, forms);
    // `unrepresentable: 'any'`: a transform's result has no JSON form; it is described as any value.
    forms[io] ??= JSON.stringify(
      explicitKeys(z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' })),
    );
    return forms[io];
  };
  /** Stores a generated schema as component `key` (its `$defs` as `<key>_<def>`). */
  const store = (key: string, generated: string): JsonObject => {
    const parsed = JSON.parse(generated) as JsonObject;
    components[key] ??= embeddable(parsed, key, components);
    return { $ref: `${COMPONENTS}${key}` };
  };
  const inline = (schema: z.ZodType, io: 'input' | 'output'): JsonObject => {
    const generated = text(schema, io);
    unnamed += 1;
    // A schema that refers to itself (`$ref: "#"`) needs a place to be referred to.
    if (generated.includes('"$ref":"#"')) return store(`Inline${unnamed}`, generated);
    return embeddable(JSON.parse(generated) as JsonObject, `Inline${unnamed}`, components);
  };
  return {
    components,
    inline,
    use(schema, io) {
      const name = names.get(schema);
      if (name === undefined) return inline(schema, io);
      const sameBothWays = text(schema, 'input') === text(schema, 'output');
      return store(io === 'output' || sameBothWays ? name : `${name}Input`, text(schema, io));
    },
  };
}

/**
 * A generated schema made fit to sit inside an OpenAPI document under component `key` (or
 * inline, for a `key` never stored): `$schema` is implied there (and not allowed in components),
 * and `$defs` (recursive or `id`-named parts) move to components as `<key>_<def>`, because
 * `#/$defs/…` and `#` would point at the document's root, not at the schema.
 */
function embeddable(
  generated: JsonObject,
  key: string,
  components: Record<string, JsonObject>,
): JsonObject {
  const { $defs, ...schema } = generated;
  delete schema.$schema;
  const target = (ref: string): string =>
    ref === '#' ? `${COMPONENTS}${key}` : `${COMPONENTS}${key}_${ref.slice('#/$defs/'.length)}`;
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([name, inner]) =>
        name === '$ref' && typeof inner === 'string' && inner.startsWith('#')
          ? [name, target(inner)]
          : [name, rewrite(inner)],
      ),
    );
  };
  for (const [def, body] of Object.entries(($defs ?? {}) as Record<string, JsonObject>)) {
    components[`${key}_${def}`] = rewrite(body) as JsonObject;
  }
  return rewrite(schema) as JsonObject;
}

/**
 * A record over an enum (`z.record(z.enum([...]), value)`) must have every key; zod says so with
 * `propertyNames` and `required`, which most OpenAPI tools (type generators, Swagger UI) ignore
 * without `properties`. The same constraint spelled as one property per key reads right in all.
 */
function explicitKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(explicitKeys);
  if (value === null || typeof value !== 'object') return value;
  const node: JsonObject = Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key, explicitKeys(inner)]),
  );
  const keys = (node.propertyNames as { enum?: unknown } | undefined)?.enum;
  const required = node.required;
  const isExhaustive =
    Array.isArray(keys) &&
    Array.isArray(required) &&
    node.properties === undefined &&
    keys.length === required.length &&
    keys.every((key) => required.includes(String(key)));
  if (!isExhaustive) return node;
  const each = node.additionalProperties ?? {};
  delete node.propertyNames;
  return {
    ...node,
    properties: Object.fromEntries(required.map((key) => [String(key), each])),
    additionalProperties: false,
  };
}

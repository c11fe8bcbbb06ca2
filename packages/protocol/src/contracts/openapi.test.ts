import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { z } from 'zod';
import { endpoint, type AnyEndpoint } from './endpoint.js';
import { openApiDocument } from './openapi.js';

interface Node {
  name: string;
  children: Node[];
}
const TreeNode: z.ZodType<Node> = z.object({
  name: z.string(),
  get children() {
    return z.array(TreeNode);
  },
});
const Tags = z.array(z.string());
const Settings = z.object({ interval: z.number().int().default(60) });

const contracts = {
  plant: endpoint({
    id: 'trees.plant',
    method: 'POST',
    path: '/api/v1/trees',
    summary: 'Plant a tree',
    access: { kind: 'user', permission: 'devices.view' },
    body: z.object({ root: TreeNode, graft: TreeNode.optional() }),
    success: { status: 201, body: TreeNode },
    errors: ['CONFLICT', 'DEVICE_OFFLINE'],
  }),
  tag: endpoint({
    id: 'trees.tag',
    method: 'PUT',
    path: '/api/v1/trees/:id/tags',
    summary: 'Tag a tree',
    access: { kind: 'scriptToken', operation: 'tagTree' },
    body: Tags,
    success: { status: 200, body: Tags },
    errors: [],
  }),
  settings: endpoint({
    id: 'trees.settings',
    method: 'PUT',
    path: '/api/v1/trees/settings',
    summary: 'Change settings',
    access: { kind: 'public' },
    body: Settings,
    success: { status: 200, body: Settings },
    errors: [],
  }),
};
const endpoints: AnyEndpoint[] = Object.values(contracts);
const generate = () =>
  openApiDocument({
    endpoints,
    serverUrl: 'https://support.example.com',
    namedSchemas: { Tags, Settings, NotASchema: 42 },
  });

/** Every `$ref` in the document, with whether it points at a component that exists. */
function references(document: unknown): { ref: string; resolves: boolean }[] {
  const components = (document as { components: { schemas: Record<string, unknown> } }).components
    .schemas;
  const found: { ref: string; resolves: boolean }[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key === '$ref' && typeof inner === 'string') {
          const name = inner.replace('#/components/schemas/', '');
          found.push({ ref: inner, resolves: name !== inner && name in components });
        } else walk(inner);
      }
    }
  };
  walk(document);
  return found;
}

test('recursive schemas become components that every reference resolves to, and the result is valid OpenAPI 3.1', async () => {
  const document = generate();
  const refs = references(document);
  assert.ok(refs.length > 0);
  assert.deepEqual(
    refs.filter((entry) => !entry.resolves),
    [],
  );
  const result = await new Validator().validate(structuredClone(document));
  assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
});

test('a named schema keeps its name; its request form is <Name>Input only where the forms differ', () => {
  const document = generate();
  const schemas = (document.components as { schemas: Record<string, { required?: string[] }> })
    .schemas;
  assert.ok(
    schemas.Tags && !('TagsInput' in schemas),
    'an array of strings reads the same both ways',
  );
  // A default makes the field optional in a request and present in an answer.
  assert.deepEqual(schemas.Settings?.required, ['interval']);
  assert.equal(schemas.SettingsInput?.required, undefined);
  assert.ok(!('NotASchema' in schemas));
});

test('access, path parameters and error codes are described from the contract', () => {
  const document = generate();
  const operation = (path: string, method: string) =>
    document.paths[path]?.[method] as {
      security: unknown;
      parameters?: { name: string; in: string; required: boolean }[];
      responses: Record<string, { description: string; content?: Record<string, unknown> }>;
      'x-permission'?: string;
      'x-oem-operation'?: string;
    };
  const plant = operation('/api/v1/trees', 'post');
  assert.deepEqual(plant.security, [{ consoleSession: [] }]);
  assert.equal(plant['x-permission'], 'devices.view');
  // CONFLICT and DEVICE_OFFLINE share 409; both are named there.
  assert.match(plant.responses['409']?.description ?? '', /CONFLICT.*DEVICE_OFFLINE/);
  assert.match(plant.responses['400']?.description ?? '', /not JSON.*INVALID_INPUT/);
  assert.ok(plant.responses['401'] && plant.responses['403'] && plant.responses['422']);
  const tag = operation('/api/v1/trees/{id}/tags', 'put');
  assert.deepEqual(tag.security, [{ scriptToken: [] }]);
  assert.equal(tag['x-oem-operation'], 'tagTree');
  // The contract has no params schema, yet OpenAPI needs `{id}` declared.
  assert.deepEqual(tag.parameters, [
    { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
  ]);
  const settings = operation('/api/v1/trees/settings', 'put');
  assert.deepEqual(settings.security, []);
  assert.equal(settings.responses['401'], undefined, 'a public endpoint needs no sign-in');
});

test('a query that is not an object of fields is refused, naming the contract', () => {
  const bad = endpoint({
    id: 'trees.search',
    method: 'GET',
    path: '/api/v1/trees/search',
    summary: 'Search',
    access: { kind: 'public' },
    query: z.string(),
    success: { status: 200, body: Tags },
    errors: [],
  });
  assert.throws(
    () => openApiDocument({ endpoints: [bad], serverUrl: 'https://support.example.com' }),
    /trees\.search: the query schema must be an object/,
  );
});

test('an answer that carries a secret documents Cache-Control: no-store, with its own description', () => {
  // Built outside the literal: the OEM contracts add these optional fields to the success type.
  const success = { status: 200 as const, body: Tags, noStore: true, description: 'The key, once' };
  const secret: AnyEndpoint = { ...contracts.tag, id: 'trees.secret', success };
  const document = openApiDocument({ endpoints: [secret], serverUrl: 'https://x.example' });
  const answer = (
    document.paths['/api/v1/trees/{id}/tags']?.put as {
      responses: Record<string, { description: string; headers?: Record<string, unknown> }>;
    }
  ).responses['200'];
  assert.ok(answer);
  assert.equal(answer.description, 'The key, once');
  assert.deepEqual(answer.headers?.['Cache-Control'], {
    description: '`no-store`: the answer carries a secret',
    schema: { type: 'string', const: 'no-store' },
  });
});

test('a record over an enum lists every key as a property; a partial one stays a map', () => {
  const Level = z.enum(['low', 'high']);
  const Limits = z.object({
    every: z.record(Level, z.number()),
    some: z.partialRecord(Level, z.number()),
  });
  const limits = endpoint({ ...contracts.settings, id: 'trees.limits', body: Limits });
  const document = openApiDocument({ endpoints: [limits], serverUrl: 'https://x.example' });
  const body = (
    document.paths['/api/v1/trees/settings']?.put as {
      requestBody: { content: { 'application/json': { schema: { properties: JsonMap } } } };
    }
  ).requestBody.content['application/json'].schema.properties;
  assert.deepEqual(body.every, {
    type: 'object',
    required: ['low', 'high'],
    properties: { low: { type: 'number' }, high: { type: 'number' } },
    additionalProperties: false,
  });
  assert.deepEqual(body.some?.properties, undefined);
  assert.deepEqual(body.some?.propertyNames, { type: 'string', enum: ['low', 'high'] });
});

type JsonMap = Record<string, Record<string, unknown> | undefined>;

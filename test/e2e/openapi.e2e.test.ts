import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { ENDPOINTS, OpenApiDocument, httpStatus, type AnyEndpoint } from '@tether/protocol';
import { z } from 'zod';
import { HttpsClient } from '../support/https-client.js';
import { createTestServer, type TestServer } from '../support/test-server.js';
import {
  failingContracts,
  generatedTypes,
  typeCheck,
  typeChecksSource,
} from '../support/openapi-type-check.js';

/** The parts of an operation these tests read. */
const Operation = z.looseObject({
  operationId: z.string().optional(),
  security: z.array(z.record(z.string(), z.array(z.string()))).optional(),
  'x-permission': z.string().optional(),
  'x-oem-operation': z.string().optional(),
  servers: z.array(z.looseObject({ url: z.string() })).optional(),
  description: z.string().optional(),
  parameters: z.array(z.looseObject({ name: z.string(), in: z.string() })).optional(),
  requestBody: z.looseObject({ content: z.record(z.string(), z.unknown()) }).optional(),
  responses: z.record(
    z.string(),
    z.looseObject({
      content: z.record(z.string(), z.looseObject({ schema: z.unknown() })).optional(),
    }),
  ),
});
type Operation = z.infer<typeof Operation>;

let server: TestServer;
let document: OpenApiDocument;

before(async () => {
  server = await createTestServer();
  // Fetched as anyone would: the reference needs no sign-in.
  const response = await server.client().request('GET', '/api/v1/openapi.json');
  assert.equal(response.status, 200, response.text);
  document = response.json(OpenApiDocument);
});

after(() => server.close());

const documentPath = (target: AnyEndpoint): string => target.path.replace(/:([A-Za-z]+)/g, '{$1}');

function operationOf(target: AnyEndpoint): Operation {
  const found = document.paths[documentPath(target)]?.[target.method.toLowerCase()];
  assert.ok(found, `${target.id}: no ${target.method} ${documentPath(target)} in the document`);
  return Operation.parse(found);
}

test('the served document is valid OpenAPI 3.1 for a real validator, which refuses a broken copy', async () => {
  const validator = new Validator();
  const result = await validator.validate(structuredClone(document));
  assert.deepEqual(result.errors, undefined, JSON.stringify(result.errors, null, 2));
  assert.equal(result.valid, true);
  assert.equal(validator.version, '3.1');
  // The same validator must notice a document that breaks the specification.
  const broken = structuredClone(document);
  const [firstPath] = Object.values(broken.paths);
  const [firstOperation] = Object.values(firstPath ?? {}) as Record<string, unknown>[];
  assert.ok(firstOperation);
  firstOperation.responses = 'none';
  assert.equal((await new Validator().validate(broken)).valid, false);
});

test('every contract is an operation with its method, path, access and success answer', () => {
  for (const target of ENDPOINTS) {
    const operation = operationOf(target);
    assert.equal(operation.operationId, target.id);
    const { access } = target;
    const expected = {
      public: { security: [], extension: undefined },
      user: { security: [{ consoleSession: [] }], extension: 'x-permission' },
      scriptToken: { security: [{ scriptToken: [] }], extension: 'x-oem-operation' },
    }[access.kind];
    assert.deepEqual(operation.security, expected.security, `${target.id} security`);
    if (access.kind === 'user') assert.equal(operation['x-permission'], access.permission);
    if (access.kind === 'scriptToken') assert.equal(operation['x-oem-operation'], access.operation);
    const success = operation.responses[String(target.success.status)];
    assert.ok(success, `${target.id}: no ${target.success.status} answer`);
    const contentTypes = Object.keys(success.content ?? {});
    const expectedTypes = target.success.body
      ? ['application/json']
      : target.success.contentType
        ? [target.success.contentType]
        : [];
    assert.deepEqual(contentTypes, expectedTypes, `${target.id} success content`);
    for (const code of target.errors) {
      assert.ok(
        operation.responses[String(httpStatus[code])],
        `${target.id}: no answer for ${code}`,
      );
    }
    const pathNames = [...target.path.matchAll(/:([A-Za-z]+)/g)].map((match) => match[1]);
    const declared = (operation.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
    assert.deepEqual(declared, pathNames, `${target.id} path parameters`);
    assert.equal(
      operation.requestBody !== undefined,
      target.body !== undefined || target.upload !== undefined,
      `${target.id} body`,
    );
  }
  // The document invents nothing: every operation is a contract.
  const ids = Object.values(document.paths).flatMap((operations) =>
    Object.values(operations).map((operation) => Operation.parse(operation).operationId),
  );
  const contractIds = new Set(ENDPOINTS.map((target) => target.id));
  assert.deepEqual(
    ids.filter((id) => id === undefined || !contractIds.has(id)),
    [],
  );
});

test('operations of the admin listener name it as their server; the others use the console URL', async () => {
  const adminOrigin = new URL(server.adminUrl).origin;
  const userOrigin = new URL(server.url).origin;
  assert.ok(ENDPOINTS.some((target) => target.listener === 'admin'));
  for (const target of ENDPOINTS) {
    const operation = operationOf(target);
    const servers = operation.servers?.map((entry) => entry.url);
    const expected = {
      user: undefined,
      admin: [adminOrigin],
      both: [userOrigin, adminOrigin],
    }[target.listener ?? 'user'];
    assert.deepEqual(servers, expected, `${target.id} servers`);
    if (target.listener === 'admin') assert.match(operation.description ?? '', /admin listener/);
  }
  // And the admin listener answers there.
  const admin = new HttpsClient(adminOrigin, server.ca);
  admin.cookie = server.admin.cookie;
  const status = await admin.request('GET', '/conf/api/status');
  assert.equal(status.status, 200, status.text);
});

/**
 * A copy of the document where one answer and one request body no longer match the protocol:
 * the first property of each changes type, as a careless hand edit would.
 */
function drifted(): { copy: OpenApiDocument; answer: string; body: string } {
  const copy = structuredClone(document);
  const schemas = (copy.components as { schemas: Record<string, Record<string, unknown>> }).schemas;
  const resolve = (schema: unknown): Record<string, unknown> => {
    const { $ref } = schema as { $ref?: string };
    return structuredClone(
      $ref ? (schemas[$ref.split('/').pop() ?? ''] ?? {}) : (schema as Record<string, unknown>),
    );
  };
  const changeFirstProperty = (schema: unknown): Record<string, unknown> => {
    const resolved = resolve(schema);
    const properties = resolved.properties as Record<string, { type?: unknown }>;
    const [first] = Object.keys(properties);
    assert.ok(first);
    properties[first] = { type: properties[first]?.type === 'boolean' ? 'string' : 'boolean' };
    return resolved;
  };
  const answerContract = ENDPOINTS.find((target) => target.success.body !== undefined);
  const bodyContract = ENDPOINTS.find(
    (target) => target.body !== undefined && target !== answerContract,
  );
  assert.ok(answerContract && bodyContract);
  const pathOf = (target: AnyEndpoint) =>
    copy.paths[documentPath(target)]?.[target.method.toLowerCase()] as Operation;
  const answerJson =
    pathOf(answerContract).responses[String(answerContract.success.status)]?.content?.[
      'application/json'
    ];
  assert.ok(answerJson);
  answerJson.schema = changeFirstProperty(answerJson.schema);
  const bodyJson = pathOf(bodyContract).requestBody?.content['application/json'] as {
    schema: unknown;
  };
  bodyJson.schema = changeFirstProperty(bodyJson.schema);
  return { copy, answer: answerContract.id, body: bodyContract.id };
}

test("the SDK's requests and answers type-check against types generated from the document", async () => {
  const drift = drifted();
  const checks = typeChecksSource(ENDPOINTS, 'openapi');
  const driftedChecks = typeChecksSource(ENDPOINTS, 'drifted-openapi');
  const result = await typeCheck({
    'openapi.ts': await generatedTypes(document),
    'checks.ts': checks,
    'drifted-openapi.ts': await generatedTypes(drift.copy),
    'drifted-checks.ts': driftedChecks,
  });
  const errors = result.output.split('\n').filter((line) => /error TS/.test(line));
  assert.deepEqual(
    errors.filter((line) => !line.startsWith('drifted-checks.ts(')),
    [],
    `the document disagrees with the SDK's types (${[...failingContracts(result.output, 'checks.ts', checks)].join(', ')}):\n${result.output}`,
  );
  // The same checks catch a document that drifted from the protocol, and name the contracts.
  assert.deepEqual(
    [...failingContracts(result.output, 'drifted-checks.ts', driftedChecks)].sort(),
    [drift.answer, drift.body].sort(),
    result.output,
  );
});

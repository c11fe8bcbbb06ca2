import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readApiReference, type ApiOperation } from './api-model.js';
import { describeSchema } from './schema-model.js';

/** A small but awkward OpenAPI 3.1 document: refs everywhere, gaps, a cycle, no tags on some. */
const document = {
  openapi: '3.1.0',
  info: { title: 'Example', version: '2' },
  security: [{ consoleSession: [] }],
  tags: [{ name: 'installers', description: 'Enrolment tokens' }, { name: 'unused' }],
  paths: {
    '/api/v1/installers/{id}': {
      parameters: [{ $ref: '#/components/parameters/Id' }],
      delete: {
        operationId: 'installers.revoke',
        tags: ['installers'],
        summary: 'Revoke an installer',
        'x-permission': 'installers.manage',
        responses: {
          '204': { description: 'Revoked' },
          '404': { $ref: '#/components/responses/NotFound' },
        },
      },
    },
    '/api/v1/oem/devices/createdevicekey': {
      post: {
        security: [{ scriptToken: [] }],
        'x-oem-permission': 'createDeviceKey',
        requestBody: { $ref: '#/components/requestBodies/KeyRequest' },
        responses: {
          '200': {
            description: 'The key',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Node' } } },
          },
        },
      },
    },
    '/api/v1/health': { get: { security: [], responses: {} } },
    '/weird': { get: null, post: 'not an operation' },
  },
  components: {
    securitySchemes: {
      consoleSession: { type: 'apiKey', in: 'cookie', name: 'tether_session' },
      scriptToken: { type: 'http', scheme: 'bearer', description: 'A script token' },
    },
    parameters: { Id: { name: 'id', in: 'path', schema: { type: 'string', format: 'uuid' } } },
    requestBodies: {
      KeyRequest: {
        required: true,
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Key~1Request' } } },
      },
    },
    responses: { NotFound: { description: 'No such installer' } },
    schemas: {
      'Key/Request': {
        type: 'object',
        required: ['request_id'],
        properties: {
          request_id: { type: 'string', pattern: '^r\\d+$' },
          id: { type: 'string', format: 'uuid', pattern: '^[0-9a-f-]{36}$' },
          count: { type: 'integer', minimum: -9007199254740991, maximum: 10 },
          comment: { anyOf: [{ type: 'string', maxLength: 200 }, { type: 'null' }] },
          kind: { enum: ['a', 'b'] },
          tags: { type: 'array', items: { type: 'string' } },
          labels: { type: 'object', additionalProperties: { type: 'string' } },
          other: { $ref: '#/components/schemas/Missing' },
        },
      },
      Node: { type: 'object', properties: { child: { $ref: '#/components/schemas/Node' } } },
    },
  },
};

describe('readApiReference', () => {
  const reference = readApiReference(document);
  const operation = (index: number): ApiOperation => {
    const found = reference.operations[index];
    assert.ok(found, `operation ${index} is listed`);
    return found;
  };
  const [revoke, createKey, health] = [operation(0), operation(1), operation(2)];

  it('lists every operation once, skipping what is not an operation', () => {
    assert.deepEqual(
      reference.operations.map((operation) => `${operation.method} ${operation.path}`),
      [
        'DELETE /api/v1/installers/{id}',
        'POST /api/v1/oem/devices/createdevicekey',
        'GET /api/v1/health',
      ],
    );
  });

  it('groups by tag in the declared order, untagged operations by their area, and drops empty tags', () => {
    assert.deepEqual(
      reference.groups.map((group) => [group.name, group.operations.length]),
      [
        ['installers', 1],
        ['oem', 1],
        ['health', 1],
      ],
    );
    assert.equal(reference.groups[0]?.description, 'Enrolment tokens');
  });

  it('follows $refs of parameters, bodies and responses, and merges path-level parameters', () => {
    assert.deepEqual(
      revoke.parameters.map((p) => [p.name, p.in, p.isRequired]),
      [['id', 'path', true]],
    );
    assert.equal(
      revoke.responses.find((r) => r.status === '404')?.description,
      'No such installer',
    );
    assert.equal(revoke.responses.find((r) => r.status === '404')?.isError, true);
    assert.equal(createKey.requestBody?.isRequired, true);
    assert.equal(createKey.requestBody.content[0]?.mediaType, 'application/json');
  });

  it('names the permission and who may call: the operation security, else the document one, [] for anyone', () => {
    assert.equal(revoke.permission, 'installers.manage');
    assert.equal(revoke.permissionSource, 'x-permission');
    assert.equal(createKey.permission, 'createDeviceKey');
    assert.equal(createKey.permissionSource, 'x-oem-permission');
    assert.equal(health.permission, undefined);
    assert.equal(revoke.id, 'installers.revoke');
    assert.deepEqual(revoke.security, [[{ scheme: 'consoleSession', scopes: [] }]]);
    assert.deepEqual(createKey.security, [[{ scheme: 'scriptToken', scopes: [] }]]);
    assert.equal(createKey.id, 'POST /api/v1/oem/devices/createdevicekey');
    assert.deepEqual(health.security, []);
    assert.deepEqual(
      reference.schemes.map((scheme) => scheme.how),
      ['Cookie tether_session', 'Bearer token in the Authorization header'],
    );
  });

  it('reads an empty or foreign value without throwing', () => {
    for (const value of [undefined, null, 42, 'x', [], {}, { paths: [] }, { paths: { '/a': 1 } }]) {
      const reference = readApiReference(value);
      assert.equal(reference.operations.length, 0);
      assert.equal(reference.title, 'API');
    }
  });
});

describe('describeSchema', () => {
  it('describes fields with types, requirement, constraints, nullability and maps', () => {
    const node = describeSchema(document, { $ref: '#/components/schemas/Key~1Request' });
    assert.equal(node.refName, 'Key/Request');
    const field = (name: string) => node.fields?.find((candidate) => candidate.name === name);
    assert.equal(field('request_id')?.isRequired, true);
    assert.deepEqual(field('request_id')?.node.facts, ['pattern ^r\\d+$']);
    assert.equal(field('id')?.node.type, 'string (uuid)');
    assert.deepEqual(field('id')?.node.facts, [], 'the format stands for its pattern');
    assert.deepEqual(
      field('count')?.node.facts,
      ['≤ 10'],
      'no bound that only says "safe integer"',
    );
    assert.equal(field('comment')?.isRequired, false);
    assert.equal(field('comment')?.node.type, 'string');
    assert.deepEqual(field('comment')?.node.facts, ['at most 200 characters', 'or null']);
    assert.deepEqual(field('kind')?.node.facts, ['one of "a", "b"']);
    assert.equal(field('tags')?.node.type, 'array of string');
    assert.equal(field('labels')?.node.values?.type, 'string');
    assert.equal(field('other')?.node.broken, '#/components/schemas/Missing');
  });

  it('stops at a schema that contains itself', () => {
    const node = describeSchema(document, { $ref: '#/components/schemas/Node' });
    const child = node.fields?.[0]?.node;
    assert.equal(child?.refName, 'Node');
    assert.equal(child.isCut, true);
  });

  it('reads boolean and missing schemas', () => {
    assert.equal(describeSchema(document, true).type, 'any');
    assert.equal(describeSchema(document, undefined).type, 'any');
    assert.equal(describeSchema(document, false).type, 'nothing (never valid)');
  });
});

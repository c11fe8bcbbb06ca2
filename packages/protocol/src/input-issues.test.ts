import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { invalidInput } from './errors.js';
import { DeviceId } from './ids.js';
import { CreateSessionRequest } from './api/sessions.js';

function messageOf(schema: z.ZodType, value: unknown, what: string): string {
  const parsed = schema.safeParse(value);
  assert.ok(!parsed.success);
  return invalidInput(what, parsed.error).message;
}

test('a bad field is named as the request spells it, in plain words', () => {
  assert.equal(
    messageOf(CreateSessionRequest, { deviceId: 'web-01', kind: 'terminal' }, 'session request'),
    'Invalid session request: deviceId must be a device ID (a UUID).',
  );
  assert.equal(
    messageOf(CreateSessionRequest, { kind: 'keyboard' }, 'session request'),
    'Invalid session request: deviceId is required; kind must be one of: "terminal", "desktop", "files".',
  );
  assert.equal(
    messageOf(z.strictObject({ name: z.string().min(1) }), { name: '', nmae: 'x' }, 'policy'),
    'Invalid policy: name must be at least 1 character long; the policy has unknown field: nmae.',
  );
});

test('a value without a field (a path parameter) is called by what it is', () => {
  assert.equal(messageOf(DeviceId, 'web-01', 'device ID'), 'The device ID must be a UUID.');
});

test('no zod jargon reaches the message', () => {
  const message = messageOf(CreateSessionRequest, { deviceId: 42, cols: 'wide' }, 'request');
  assert.doesNotMatch(message, /\(body\)|Invalid input|expected/);
  assert.match(message, /deviceId must be text; kind must be one of: .*; cols must be a number/);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeviceId, RecordingId } from '@tether/protocol';
import { z } from 'zod';
import { refusal } from '../../test/support/refusal.js';
import { parseParams } from './parse-params.js';

test('a bad path parameter is named by what it identifies, not by its name in the route', () => {
  const device = refusal(() => parseParams(z.object({ id: DeviceId }), { id: 'web-01' }, 'device'));
  assert.equal(device.code, 'INVALID_INPUT');
  assert.equal(device.message, 'The device ID must be a UUID.');
  const recording = refusal(() =>
    parseParams(z.object({ recordingId: RecordingId }), { recordingId: 'x' }, 'upload'),
  );
  assert.equal(recording.message, 'The recording ID must be a UUID.');
});

test('good path parameters come back parsed', () => {
  const id = '0b9a4a3e-2c1f-4d7e-9a51-6f1c2d3e4f50';
  assert.deepEqual(parseParams(z.object({ id: DeviceId }), { id, extra: 'x' }, 'device'), { id });
});

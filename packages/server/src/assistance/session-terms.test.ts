import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '@tether/protocol';
import type { DeviceRecord } from '../store/store.js';
import { requireAgentCapability } from './session-terms.js';

const device = {
  name: 'web-01',
  inventory: { agentVersion: '0.0.9' },
} as unknown as DeviceRecord;

const link = (capabilities: string[]) => ({
  deviceId: 'd',
  capabilities,
  userPresence: undefined,
  send: () => undefined,
  close: () => undefined,
});

test('an agent too old for a mode is refused before anything is sent, naming its version', () => {
  assert.throws(
    () => requireAgentCapability(link([]), device, 'unattended'),
    (error: unknown) =>
      error instanceof AppError &&
      error.code === 'UNSUPPORTED_VERSION' &&
      /agent on "web-01" \(version 0\.0\.9\) is too old for unattended assistance/.test(
        error.message,
      ),
  );
  assert.throws(() => requireAgentCapability(link(['unattended']), device, 'interactive'));
  assert.doesNotThrow(() => requireAgentCapability(link(['consent']), device, 'dynamic'));
  assert.doesNotThrow(() => requireAgentCapability(link(['unattended']), device, 'unattended'));
});

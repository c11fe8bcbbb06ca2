import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readRolloutFile } from '../src/node/index.js';

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'tether-sdk-rollout-'));
});
after(() => rm(root, { recursive: true, force: true }));

const ROLLOUT_KEY = 'q'.repeat(43);

test('readRolloutFile returns the key, the request ID (braces dropped) and the remote-control ID', async () => {
  const path = join(root, 'rollout.json');
  const content = {
    RolloutKey: ROLLOUT_KEY,
    RequestId: '{8C4FA1A7-9D1C-41E9-BE17-70E95C289080}',
    RemotecontrolId: 'r124124124',
  };
  await writeFile(path, JSON.stringify(content));
  assert.deepEqual(await readRolloutFile(path), {
    rolloutKey: ROLLOUT_KEY,
    requestId: '8c4fa1a7-9d1c-41e9-be17-70e95c289080',
    remoteControlId: 'r124124124',
  });
});

test('a missing or foreign file is refused with what to check', async () => {
  await assert.rejects(readRolloutFile(join(root, 'absent.json')), (error: Error) =>
    /ENOENT.*connected to its server/.test(error.message),
  );
  const path = join(root, 'other.json');
  await writeFile(
    path,
    JSON.stringify({ RolloutKey: 'short', RequestId: 'x', RemotecontrolId: '124' }),
  );
  await assert.rejects(readRolloutFile(path), { code: 'INVALID_INPUT' });
});

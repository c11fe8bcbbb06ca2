import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readAgentState, writeAgentState } from './agent-state.js';
import { generateIdentityKey, serverKeyHash } from './ed25519.js';
import { createServerPin } from './server-pin.js';

test('a new server key is pinned in agent.json, with its hash, before it is used', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tether-pin-'));
  try {
    const first = generateIdentityKey().publicKey;
    const config = {
      serverUrl: 'https://tether.example.com',
      deviceId: randomUUID(),
      serverPublicKey: first,
      serverKeyHash: serverKeyHash(first) ?? '',
      enrolledAt: new Date().toISOString(),
    };
    await writeAgentState(dir, { config, privateKey: generateIdentityKey().privateKey });
    const pin = createServerPin(dir, config);
    const next = generateIdentityKey().publicKey;
    await pin.repin(next);
    assert.equal(pin.current(), next);
    const saved = await readAgentState(dir);
    assert.deepEqual(saved.config, {
      ...config,
      serverPublicKey: next,
      serverKeyHash: serverKeyHash(next),
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { AppError } from '@tether/protocol/agent';
import { readAgentState, writeAgentState, type AgentConfig } from './agent-state.js';
import { generateIdentityKey, rawPublicKey } from './ed25519.js';
import { createPublicKey } from 'node:crypto';

async function withTempDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'tether-state-'));
  try {
    await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const config: AgentConfig = {
  serverUrl: 'https://tether.example.com',
  deviceId: randomUUID(),
  serverPublicKey: 'A'.repeat(43),
  serverKeyHash: 'B'.repeat(43),
  enrolledAt: new Date().toISOString(),
};

test('state written is read back with the same key', () =>
  withTempDir(async (dir) => {
    const identity = generateIdentityKey();
    await writeAgentState(join(dir, 'agent'), { config, privateKey: identity.privateKey });
    const state = await readAgentState(join(dir, 'agent'));
    assert.deepEqual(state.config, config);
    assert.equal(rawPublicKey(createPublicKey(state.privateKey)), identity.publicKey);
  }));

test('a damaged agent.json names the bad field and says to enrol again', () =>
  withTempDir(async (dir) => {
    await writeAgentState(dir, { config, privateKey: generateIdentityKey().privateKey });
    const json = JSON.parse(await readFile(join(dir, 'agent.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    await writeFile(
      join(dir, 'agent.json'),
      JSON.stringify({ ...json, serverUrl: 'http://plain.example.com' }),
    );
    await assert.rejects(readAgentState(dir), (error: unknown) => {
      assert.ok(error instanceof AppError);
      assert.match(error.message, /bad field "serverUrl".*Enrol the agent again/);
      return true;
    });
  }));

test('a key file that is not a PEM key is reported as damaged', () =>
  withTempDir(async (dir) => {
    await writeAgentState(dir, { config, privateKey: generateIdentityKey().privateKey });
    await writeFile(join(dir, 'identity.pem'), 'garbage');
    await assert.rejects(readAgentState(dir), /identity\.pem is damaged/);
  }));

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { packageSigningInput, type PackageManifest } from '@tether/protocol/agent-package';
import { generateIdentityKey, signText } from '../identity/ed25519.js';
import { verifyUnpackedFiles, verifyUpgradeManifest } from './verify-manifest.js';

const server = generateIdentityKey();
const forger = generateIdentityKey();
const VERSION = '0.2.0';
const ENTRY = `versions/${VERSION}/app/tether-agent.mjs`;
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

function manifest(overrides: Partial<PackageManifest> = {}): PackageManifest {
  return {
    format: 1,
    version: VERSION,
    platform: 'linux',
    arch: process.arch,
    files: { [ENTRY]: sha256('agent code') },
    signer: server.publicKey,
    createdAt: new Date().toISOString(),
    ...overrides,
  };
}

function signed(content: PackageManifest, key = server.privateKey) {
  const text = JSON.stringify(content);
  return { text, signature: signText(key, packageSigningInput(text)) };
}

const verify = (offer: { text: string; signature: string }) =>
  verifyUpgradeManifest({ ...offer, pinnedKey: server.publicKey, version: VERSION });

test('a manifest signed by the pinned server key is accepted', () => {
  assert.equal(verify(signed(manifest())).version, VERSION);
});

test('a forged build (signed by another key, even naming it as signer) is refused', () => {
  assert.throws(
    () => verify(signed(manifest({ signer: forger.publicKey }), forger.privateKey)),
    /not signed by the server key this agent pins/,
  );
  assert.throws(
    () => verify(signed(manifest(), forger.privateKey)),
    /not signed by the server key this agent pins/,
  );
});

test('a manifest changed after signing is refused', () => {
  const offer = signed(manifest());
  const tampered = offer.text.replace(sha256('agent code'), sha256('other code'));
  assert.throws(() => verify({ ...offer, text: tampered }), /not signed/);
});

test('a manifest naming files outside its version, or another version, is refused', () => {
  assert.throws(
    () => verify(signed(manifest({ files: { 'versions/0.2.0/../../etc/x': sha256('x') } }))),
    /stray file/,
  );
  assert.throws(() => verify(signed(manifest({ files: { 'agent.json': sha256('x') } }))), /stray/);
  assert.throws(() => verify(signed(manifest({ version: '0.3.0' }))), /not 0\.2\.0/);
});

test('unpacked files must match the manifest exactly: no change, no extra, none missing', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tether-upgrade-verify-'));
  try {
    await mkdir(join(dir, `versions/${VERSION}/app`), { recursive: true });
    await writeFile(join(dir, ENTRY), 'agent code');
    await verifyUnpackedFiles(dir, manifest());
    await writeFile(join(dir, ENTRY), 'agent code!');
    await assert.rejects(verifyUnpackedFiles(dir, manifest()), /does not match its manifest/);
    await writeFile(join(dir, ENTRY), 'agent code');
    await writeFile(join(dir, 'extra.sh'), 'echo');
    await assert.rejects(verifyUnpackedFiles(dir, manifest()), /does not list: extra\.sh/);
    await rm(join(dir, 'extra.sh'));
    const more = manifest({ files: { [ENTRY]: sha256('agent code'), 'tether-agent': sha256('') } });
    await assert.rejects(verifyUnpackedFiles(dir, more), /missing from the build: tether-agent/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

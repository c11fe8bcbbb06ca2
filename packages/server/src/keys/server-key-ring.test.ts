import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { AppError, keyHandoverText } from '@tether/protocol';
import { loadServerIdentity } from './server-identity.js';
import { loadServerKeyRing } from './server-key-ring.js';

const T0 = new Date('2026-12-06T18:00:00Z');

async function withKeysDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'tether-keys-'));
  try {
    await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function signedBy(publicKey: string, text: string, signature: string): boolean {
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKey }, format: 'jwk' });
  return verify(null, Buffer.from(text), key, Buffer.from(signature, 'base64url'));
}

test('the ring adopts the signing key of a data folder from before rotation', () =>
  withKeysDir(async (dir) => {
    const before = await loadServerIdentity(dir);
    const ring = await loadServerKeyRing(dir, T0);
    assert.equal(ring.identity.publicKey, before.publicKey);
    assert.deepEqual(
      ring.keys().map((key) => key.status),
      ['current'],
    );
    assert.deepEqual(ring.handovers(), []);
  }));

test('a rotation makes the new key current, signed over by every key not retired', () =>
  withKeysDir(async (dir) => {
    const ring = await loadServerKeyRing(dir, T0);
    const first = ring.identity.publicKey;
    const second = await ring.rotate(T0);
    const third = await ring.rotate(new Date(T0.getTime() + 1000));
    assert.equal(ring.identity.publicKey, third.publicKey, 'the live identity follows');
    const links = ring.handovers();
    assert.deepEqual(
      links.map((link) => [link.fromKey, link.toKey]),
      [
        [first, third.publicKey],
        [second.publicKey, third.publicKey],
      ],
    );
    for (const link of links)
      assert.ok(signedBy(link.fromKey, keyHandoverText(link), link.signature));
    // The CLI's installer command reads the current key from server-signing.pem.
    assert.equal((await loadServerIdentity(dir)).publicKey, third.publicKey);
    // A restart reads the same ring.
    const again = await loadServerKeyRing(dir, T0);
    assert.equal(again.identity.publicKey, third.publicKey);
    assert.deepEqual(again.handovers(), links);
  }));

test('retiring deletes the private key and its hand-over; the current key cannot be retired', () =>
  withKeysDir(async (dir) => {
    const ring = await loadServerKeyRing(dir, T0);
    const [old] = ring.keys();
    assert.ok(old);
    const fresh = await ring.rotate(T0);
    await assert.rejects(
      ring.retire(fresh.fingerprint, T0),
      (error: unknown) => error instanceof AppError && error.code === 'CONFLICT',
    );
    const retired = await ring.retire(old.fingerprint, T0);
    assert.equal(retired.status, 'retired');
    assert.deepEqual(ring.handovers(), []);
    assert.equal(ring.identityFor(old.fingerprint), undefined, 'its installers no longer enrol');
    assert.deepEqual(await readdir(join(dir, 'server-keys')), [`${fresh.fingerprint}.pem`]);
    assert.doesNotMatch(await readFile(join(dir, 'server-keys.json'), 'utf8'), /PRIVATE/);
  }));

test('a running ring picks up a rotation another process made', () =>
  withKeysDir(async (dir) => {
    const running = await loadServerKeyRing(dir, T0);
    assert.equal(await running.reload(), false);
    const headless = await loadServerKeyRing(dir, T0);
    const fresh = await headless.rotate(T0);
    assert.equal(await running.reload(), true);
    assert.equal(running.identity.publicKey, fresh.publicKey);
    assert.equal(running.handovers().length, 1);
  }));

test('a damaged ring file stops the start with what to do', () =>
  withKeysDir(async (dir) => {
    await loadServerKeyRing(dir, T0);
    await writeFile(join(dir, 'server-keys.json'), '{"version":1');
    await assert.rejects(loadServerKeyRing(dir, T0), /damaged; restore the keys folder/);
  }));

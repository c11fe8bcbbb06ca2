import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadSecretBox, secretBox } from './secret-box.js';

test('a sealed secret opens only with its key and its context, and does not show the plaintext', () => {
  const box = secretBox(randomBytes(32));
  const sealed = box.seal('JBSWY3DPEHPK3PXP', 'totp:alice');
  assert.doesNotMatch(sealed, /JBSWY3DPEHPK3PXP/);
  assert.notEqual(box.seal('JBSWY3DPEHPK3PXP', 'totp:alice'), sealed, 'a fresh IV each time');
  assert.equal(box.open(sealed, 'totp:alice'), 'JBSWY3DPEHPK3PXP');
  assert.throws(() => box.open(sealed, 'totp:bob'), /does not open/);
  assert.throws(() => secretBox(randomBytes(32)).open(sealed, 'totp:alice'), /does not open/);
  assert.equal(box.open('PLAINFROMBEFORE', 'totp:alice'), 'PLAINFROMBEFORE');
});

test('the key is made once, owner-only, and reused by the next start', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tether-box-'));
  try {
    const sealed = (await loadSecretBox(dir)).seal('secret', 'c');
    assert.equal((await stat(join(dir, 'secret-box.key'))).mode & 0o777, 0o600);
    assert.equal((await loadSecretBox(dir)).open(sealed, 'c'), 'secret');
    assert.equal((await readFile(join(dir, 'secret-box.key'), 'utf8')).trim().length, 43);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { secretBox } from './secret-box.js';
import { loadServerKeyRing } from './server-key-ring.js';
import { sharedServerKeys } from './shared-server-keys.js';

test('a rotation and a retirement on one node reach another node’s keys folder', async () => {
  const work = await mkdtemp(join(tmpdir(), 'tether-shared-keys-'));
  try {
    const [dirA, dirB] = [join(work, 'a'), join(work, 'b')];
    const a = await loadServerKeyRing(dirA, new Date());
    await cp(dirA, dirB, { recursive: true }); // the second node starts from a copy
    const b = await loadServerKeyRing(dirB, new Date());
    const values = new Map<string, unknown>();
    const settings = {
      get: (key: string) => Promise.resolve(values.get(key)),
      set: (key: string, value: unknown) => Promise.resolve(void values.set(key, value)),
    };
    const secrets = secretBox(randomBytes(32));
    const sharedA = sharedServerKeys({ keysDir: dirA, settings, secrets });
    const sharedB = sharedServerKeys({ keysDir: dirB, settings, secrets });

    const first = a.identity.publicKeyHash;
    await sharedA.take(); // nothing shared yet: A's ring becomes the shared one
    await a.rotate(new Date());
    await sharedA.publish();
    await sharedB.take();
    assert.equal(await b.reload(), true, 'B takes the new current key');
    assert.equal(b.identity.publicKeyHash, a.identity.publicKeyHash);
    assert.deepEqual(b.handovers(), a.handovers());
    assert.equal(b.identity.sign('x'), a.identity.sign('x'), 'B signs as A does');

    await a.retire(first, new Date());
    await sharedA.publish();
    await sharedB.take();
    await b.reload();
    assert.deepEqual(
      b.keys().map((key) => key.status),
      ['retired', 'current'],
    );
    assert.deepEqual(
      await readdir(join(dirB, 'server-keys')),
      [`${a.identity.publicKeyHash}.pem`],
      'the retired private half is gone from B too',
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});

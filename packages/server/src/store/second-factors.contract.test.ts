import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { onEachEngine } from '../../test/support/store-engines.js';
import { openStore } from './open-store.js';
import type { Store } from './store.js';
import { addUser, at, T0 } from './test/fixtures.js';

/** The second-factor part of the store contract (issue 12), on one engine. */
function defineSecondFactorContract(
  engine: Store['engine'],
  newDatabase: () => Promise<string>,
): void {
  describe(`Second factor store contract (${engine})`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await openStore(await newDatabase());
    });
    afterEach(() => store.close());

    it('a TOTP secret counts as a factor only once confirmed, and a step is accepted once', async () => {
      const jo = await addUser(store, 'jo');
      const factors = store.secondFactors;
      await factors.saveTotp({ userId: jo.id, secret: 'FIRSTSECRET', createdAt: T0 });
      await factors.saveTotp({ userId: jo.id, secret: 'SECONDSECRET', createdAt: at(1) });
      assert.equal(
        (await factors.findTotp(jo.id))?.secret,
        'SECONDSECRET',
        'unconfirmed is replaced',
      );
      assert.equal(await factors.hasFactor(jo.id), false);
      assert.equal(
        await factors.useTotpStep(jo.id, 100),
        false,
        'an unconfirmed secret signs nobody in',
      );

      assert.equal(await factors.confirmTotp(jo.id, { at: at(2), step: 100 }), true);
      assert.equal(await factors.confirmTotp(jo.id, { at: at(3), step: 101 }), false);
      assert.equal(await factors.hasFactor(jo.id), true);
      await factors.saveTotp({ userId: jo.id, secret: 'THIRDSECRET', createdAt: at(4) });
      const kept = await factors.findTotp(jo.id);
      assert.deepEqual(kept, {
        userId: jo.id,
        secret: 'SECONDSECRET',
        createdAt: at(1),
        confirmedAt: at(2),
        lastStep: 100,
      });

      assert.equal(await factors.useTotpStep(jo.id, 100), false, 'the confirming step is used');
      assert.equal(await factors.useTotpStep(jo.id, 101), true);
      assert.equal(await factors.useTotpStep(jo.id, 101), false, 'replay');
      assert.equal(await factors.useTotpStep(jo.id, 99), false, 'an older step');
      assert.equal(await factors.deleteTotp(jo.id), true);
      assert.equal(await factors.hasFactor(jo.id), false);
    });

    it('a recovery code works once, and new codes replace the old ones', async () => {
      const jo = await addUser(store, 'jo');
      const factors = store.secondFactors;
      await factors.replaceRecoveryCodes(jo.id, { hashes: ['h1', 'h2', 'h3'], at: T0 });
      assert.equal(await factors.countRecoveryCodes(jo.id), 3);
      assert.equal(await factors.useRecoveryCode(jo.id, { hash: 'h2', at: at(1) }), true);
      assert.equal(await factors.useRecoveryCode(jo.id, { hash: 'h2', at: at(2) }), false);
      assert.equal(await factors.useRecoveryCode(jo.id, { hash: 'nope', at: at(2) }), false);
      assert.equal(await factors.countRecoveryCodes(jo.id), 2);
      const other = await addUser(store, 'sam');
      assert.equal(
        await factors.useRecoveryCode(other.id, { hash: 'h1', at: at(2) }),
        false,
        "another user's code",
      );
      await factors.replaceRecoveryCodes(jo.id, { hashes: ['h4'], at: at(3) });
      assert.equal(await factors.useRecoveryCode(jo.id, { hash: 'h1', at: at(4) }), false);
      assert.equal(await factors.countRecoveryCodes(jo.id), 1);
    });

    it('passkeys round-trip, are renamed, used and removed only by their owner', async () => {
      const jo = await addUser(store, 'jo');
      const sam = await addUser(store, 'sam');
      const factors = store.secondFactors;
      const passkey = {
        id: 'cred-1',
        userId: jo.id,
        publicKey: 'pQECAyYgASFY',
        counter: 0,
        transports: ['internal', 'hybrid'],
        name: 'Laptop',
        createdAt: T0,
      };
      await factors.addPasskey(passkey);
      await factors.addPasskey({ ...passkey, id: 'cred-2', name: 'Phone', createdAt: at(5) });
      assert.deepEqual(await factors.findPasskey('cred-1'), { ...passkey, lastUsedAt: null });
      assert.deepEqual(
        (await factors.listPasskeys(jo.id)).map((key) => key.name),
        ['Laptop', 'Phone'],
      );
      assert.equal(await factors.hasFactor(jo.id), true);
      assert.equal(await factors.renamePasskey(sam.id, { id: 'cred-1', name: 'Mine' }), false);
      assert.equal(await factors.renamePasskey(jo.id, { id: 'cred-1', name: 'Work laptop' }), true);
      await factors.usePasskey('cred-1', { counter: 7, at: at(9) });
      const used = await factors.findPasskey('cred-1');
      assert.equal(used?.counter, 7);
      assert.deepEqual(used.lastUsedAt, at(9));
      assert.equal(used.name, 'Work laptop');
      assert.equal(await factors.deletePasskey(sam.id, 'cred-1'), false);
      assert.equal(await factors.deletePasskey(jo.id, 'cred-1'), true);
      assert.equal(await factors.findPasskey('cred-1'), undefined);
    });

    it('deleting a user removes their second factors; other users keep theirs', async () => {
      const jo = await addUser(store, 'jo');
      const sam = await addUser(store, 'sam');
      const factors = store.secondFactors;
      for (const user of [jo, sam]) {
        await factors.saveTotp({ userId: user.id, secret: 'SECRET', createdAt: T0 });
        await factors.confirmTotp(user.id, { at: T0, step: 1 });
        await factors.replaceRecoveryCodes(user.id, { hashes: [`h-${user.id}`], at: T0 });
        await factors.addPasskey({
          id: `cred-${user.id}`,
          userId: user.id,
          publicKey: 'key',
          counter: 0,
          transports: [],
          name: 'Key',
          createdAt: T0,
        });
      }
      assert.equal(await store.users.delete(jo.id, at(10)), true);
      assert.equal(await factors.findTotp(jo.id), undefined);
      assert.equal(await factors.countRecoveryCodes(jo.id), 0);
      assert.deepEqual(await factors.listPasskeys(jo.id), []);
      assert.equal(await factors.hasFactor(sam.id), true);
      assert.equal(await factors.countRecoveryCodes(sam.id), 1);
    });
  });
}

onEachEngine(defineSecondFactorContract);

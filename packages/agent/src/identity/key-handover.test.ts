import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AppError,
  SERVER_KEY_HANDOVER_PURPOSE,
  keyHandoverText,
  type KeyHandover,
} from '@tether/protocol/agent';
import { generateIdentityKey, signText } from './ed25519.js';
import { followHandovers } from './key-handover.js';

type Key = ReturnType<typeof generateIdentityKey>;

function handover(
  from: Key,
  to: Key,
  options: { signer?: Key; purpose?: string } = {},
): KeyHandover {
  const link = {
    fromKey: from.publicKey,
    toKey: to.publicKey,
    createdAt: new Date('2026-12-06T18:00:00Z').toISOString(),
    purpose: options.purpose ?? SERVER_KEY_HANDOVER_PURPOSE,
  };
  return {
    ...link,
    signature: signText((options.signer ?? from).privateKey, keyHandoverText(link)),
  };
}

const refusedWith = (pattern: RegExp) => (error: unknown) => {
  assert.ok(error instanceof AppError);
  assert.equal(error.code, 'AUTH_FAILED');
  assert.match(error.message, pattern);
  return true;
};

const [first, second, third, stranger] = [1, 2, 3, 4].map(() => generateIdentityKey()) as [
  Key,
  Key,
  Key,
  Key,
];

test('the pinned key itself needs no hand-over', () => {
  assert.equal(
    followHandovers({ pinnedKey: first.publicKey, serverKey: first.publicKey, handovers: [] }),
    first.publicKey,
  );
});

test('a chain of two rotations signed link by link leads from the pinned key to the new one', () => {
  const handovers = [handover(second, third), handover(first, second)];
  const trusted = followHandovers({
    pinnedKey: first.publicKey,
    serverKey: third.publicKey,
    handovers,
  });
  assert.equal(trusted, third.publicKey);
});

test('a hand-over signed by another key than the pinned one is refused', () => {
  const forged = handover(first, stranger, { signer: stranger });
  assert.throws(
    () =>
      followHandovers({
        pinnedKey: first.publicKey,
        serverKey: stranger.publicKey,
        handovers: [forged],
      }),
    refusedWith(/did not sign \(forged or broken chain\)/),
  );
});

test('a broken chain (a missing middle link) is refused', () => {
  assert.throws(
    () =>
      followHandovers({
        pinnedKey: first.publicKey,
        serverKey: third.publicKey,
        handovers: [handover(second, third)],
      }),
    refusedWith(/forged or broken chain/),
  );
});

test('a link altered after signing, or for another purpose, is refused', () => {
  const altered = { ...handover(first, second), toKey: stranger.publicKey };
  assert.throws(
    () =>
      followHandovers({
        pinnedKey: first.publicKey,
        serverKey: stranger.publicKey,
        handovers: [altered],
      }),
    refusedWith(/forged/),
  );
  const otherPurpose = handover(first, second, { purpose: 'tether client key' });
  assert.throws(
    () =>
      followHandovers({
        pinnedKey: first.publicKey,
        serverKey: second.publicKey,
        handovers: [otherPurpose],
      }),
    refusedWith(/forged/),
  );
});

test('another key without any hand-over is refused and says to enrol again if retired', () => {
  assert.throws(
    () =>
      followHandovers({ pinnedKey: first.publicKey, serverKey: stranger.publicKey, handovers: [] }),
    refusedWith(/no hand-over from it.*enrol this agent again/),
  );
});

test('a loop of hand-overs ends in a refusal, not a hang', () => {
  const handovers = [handover(first, second), handover(second, first)];
  assert.throws(
    () => followHandovers({ pinnedKey: first.publicKey, serverKey: third.publicKey, handovers }),
    refusedWith(/forged or broken chain/),
  );
});

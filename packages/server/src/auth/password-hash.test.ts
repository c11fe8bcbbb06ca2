import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import {
  decoyHash,
  generatePassword,
  hashGeneratedPassword,
  hashPassword,
  verifyPassword,
} from './password-hash.js';

async function timed(check: () => Promise<boolean>): Promise<{ ok: boolean; ms: number }> {
  const started = performance.now();
  const ok = await check();
  return { ok, ms: performance.now() - started };
}

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

test('the right password verifies, a wrong one does not', async () => {
  const stored = await hashPassword('correct horse battery staple');
  assert.equal(await verifyPassword('correct horse battery staple', stored), true);
  assert.equal(await verifyPassword('correct horse battery stapler', stored), false);
});

test('an integration pseudo-user is refused at the cost of a real check, like an unknown user', async (t) => {
  const pseudoUser = '!integration-api-no-sign-in';
  const decoy = await decoyHash;
  const pseudo: number[] = [];
  const unknown: number[] = [];
  // Interleaved, so the machine's load weighs on both alike.
  for (let i = 0; i < 5; i++) {
    const refused = await timed(() => verifyPassword('guess', pseudoUser));
    assert.equal(refused.ok, false);
    pseudo.push(refused.ms);
    unknown.push((await timed(() => verifyPassword('guess', decoy))).ms);
  }
  t.diagnostic(
    `median: pseudo-user ${median(pseudo).toFixed(1)} ms, unknown user ${median(unknown).toFixed(1)} ms`,
  );
  assert.ok(
    median(pseudo) > 0.5 * median(unknown),
    `pseudo-user ${median(pseudo)} ms vs unknown user ${median(unknown)} ms`,
  );
  assert.equal(await verifyPassword('', ''), false, 'an empty hash never matches');
});

test('a generated password is hashed fast but checked at the cost of a real check', async (t) => {
  const password = generatePassword();
  const hashing = performance.now();
  const stored = await hashGeneratedPassword(password);
  const hashMs = performance.now() - hashing;
  const full = await hashPassword(password);
  assert.equal(await verifyPassword(password, stored), true);
  assert.equal(await verifyPassword(`${password}x`, stored), false);
  const cheap: number[] = [];
  const usual: number[] = [];
  for (let i = 0; i < 5; i++) {
    cheap.push((await timed(() => verifyPassword('guess', stored))).ms);
    usual.push((await timed(() => verifyPassword('guess', full))).ms);
  }
  t.diagnostic(
    `hash ${hashMs.toFixed(1)} ms; check: generated ${median(cheap).toFixed(1)} ms, usual ${median(usual).toFixed(1)} ms`,
  );
  // A check at the generated hash's own cost would take about what hashing it did (~1/25 of a
  // usual check); half still tells that apart on a loaded machine.
  assert.ok(median(cheap) > 0.5 * median(usual), 'no faster check for a generated password');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AdmissionGate, type AdmissionDecision } from './agent-admission.js';

const waitOf = (decision: AdmissionDecision): number =>
  decision.isAdmitted ? 0 : decision.retryAfterMs;

test('half a second of the rate is admitted at once, the rest is given slots one interval apart', () => {
  const gate = new AdmissionGate(100, 0);
  const decisions = Array.from({ length: 60 }, () => gate.admit(0));
  assert.equal(decisions.filter((decision) => decision.isAdmitted).length, 50);
  assert.deepEqual(
    decisions.slice(50).map(waitOf),
    [10, 20, 30, 40, 50, 60, 70, 80, 90, 100],
    'at 100/s the deferred agents come back 10 ms apart, starting when the next token is due',
  );
  assert.deepEqual(gate.counts(0), { admitted: 50, deferred: 10, queueMs: 100 });
});

test('agents coming back at their slot are admitted, one per interval', () => {
  const gate = new AdmissionGate(10, 0);
  const waits = Array.from({ length: 25 }, () => waitOf(gate.admit(0))).filter((ms) => ms > 0);
  assert.equal(waits.length, 20);
  for (const ms of waits) assert.equal(gate.admit(ms).isAdmitted, true, `slot at ${ms} ms`);
});

test('a storm of 15,000 at 1,000/s returning at their slots is all admitted in about 15 s', () => {
  const gate = new AdmissionGate(1000, 0);
  let pending = Array.from({ length: 15_000 }, () => 0);
  let lastAdmittedAt = 0;
  let attempts = 0;
  while (pending.length > 0) {
    pending.sort((a, b) => a - b);
    const next: number[] = [];
    for (const at of pending) {
      attempts += 1;
      const decision = gate.admit(at);
      if (decision.isAdmitted) lastAdmittedAt = Math.max(lastAdmittedAt, at);
      else next.push(at + decision.retryAfterMs);
    }
    pending = next;
  }
  assert.ok(lastAdmittedAt <= 15_000, `last admitted at ${lastAdmittedAt} ms`);
  assert.ok(attempts < 30_000, `each agent asked about twice at most (${attempts} attempts)`);
});

test('slots nobody claimed are forgotten after a quiet spell', () => {
  const gate = new AdmissionGate(10, 0);
  for (let i = 0; i < 100; i++) gate.admit(0); // 95 deferred up to 9.5 s ahead, none return
  assert.ok(gate.counts(0).queueMs >= 9000);
  for (let i = 0; i < 5; i++) gate.admit(3000); // the bucket refilled meanwhile
  assert.equal(waitOf(gate.admit(3000)), 100, 'a new burst waits for its own slot only');
});

test('a new rate applies to the next connection', () => {
  const gate = new AdmissionGate(2, 0);
  assert.equal(gate.admit(0).isAdmitted, true);
  assert.equal(gate.admit(0).isAdmitted, false);
  gate.setRate(1000, 0);
  assert.equal(gate.admit(1).isAdmitted, true, 'one ms of 1000/s is a token');
});

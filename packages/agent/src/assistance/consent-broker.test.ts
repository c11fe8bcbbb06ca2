import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { TestClock } from '@tether/protocol/agent';
import { createConsentBroker } from './consent-broker.js';

const question = {
  id: '6f1c2a52-8a55-4a8e-9f0e-1d3b7c9e2a10',
  technician: 'alice',
  kind: 'terminal' as const,
  mode: 'interactive' as const,
  rights: ['terminal' as const],
};

test('an unanswered consent question is denied when its time runs out', async () => {
  const clock = new TestClock(0);
  const consent = createConsentBroker({ clock, timeoutMs: 30_000, log: pino({ level: 'silent' }) });
  const answer = consent.ask(question);
  assert.deepEqual(consent.list(), [{ ...question, expiresAt: 30_000 }]);
  clock.advance(29_999);
  assert.equal(consent.list().length, 1, 'still waiting just before the timeout');
  clock.advance(1);
  assert.equal(await answer, 'timeout');
  assert.deepEqual(consent.list(), []);
  assert.equal(consent.answer(question.id, true), false, 'a late "yes" changes nothing');
});

test('the first answer wins; a withdrawn question cannot be accepted', async () => {
  const clock = new TestClock(0);
  const consent = createConsentBroker({ clock, timeoutMs: 30_000, log: pino({ level: 'silent' }) });
  const accepted = consent.ask(question);
  assert.equal(consent.answer(question.id, true), true);
  assert.equal(consent.answer(question.id, false), false);
  assert.equal(await accepted, 'accepted');

  const withdrawn = consent.ask(question);
  consent.withdraw(question.id);
  assert.equal(await withdrawn, 'withdrawn');
  assert.equal(consent.answer(question.id, true), false);
});

test('a desktop frontend sees the question and can answer it', async () => {
  const clock = new TestClock(0);
  const shown: string[] = [];
  const consent = createConsentBroker({
    clock,
    timeoutMs: 30_000,
    log: pino({ level: 'silent' }),
    frontends: [
      (prompt, answer) => {
        shown.push(`${prompt.technician} ${prompt.kind}`);
        answer(false);
      },
    ],
  });
  assert.equal(await consent.ask(question), 'denied');
  assert.deepEqual(shown, ['alice terminal']);
});

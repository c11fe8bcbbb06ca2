import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { TestClock, type SessionOffer } from '@tether/protocol/agent';
import { createConsentBroker } from './consent-broker.js';
import { createOfferGate } from './check-offer.js';

const offer: SessionOffer = {
  type: 'session.offer',
  sessionId: '6f1c2a52-8a55-4a8e-9f0e-1d3b7c9e2a10',
  kind: 'terminal',
  relayPath: '/relay/agent/6f1c2a52-8a55-4a8e-9f0e-1d3b7c9e2a10',
  token: 'A'.repeat(43),
  technician: 'alice',
};

const nobodyThere = () => Promise.resolve({ loggedIn: false, screenLocked: false, user: null });

test('an offer without an assistance mode starts at once, unless every session must be consented', async () => {
  const clock = new TestClock(0);
  const consent = createConsentBroker({ clock, timeoutMs: 30_000, log: pino({ level: 'silent' }) });
  assert.equal(createOfferGate({ consent, presence: nobodyThere })(offer), undefined);

  // The one-time agent of an ad-hoc session asks, even for a dynamic offer with nobody
  // logged in (its user is at the terminal that started it).
  const gate = createOfferGate({ consent, presence: nobodyThere, isConsentAlways: true });
  for (const candidate of [offer, { ...offer, mode: 'dynamic' as const }]) {
    const decision = gate(candidate);
    assert.ok(decision, 'the decision waits for the user');
    assert.deepEqual(
      consent.list().map((prompt) => [prompt.id, prompt.mode]),
      [[offer.sessionId, 'interactive']],
    );
    consent.answer(offer.sessionId, false);
    await assert.rejects(decision, { code: 'CONSENT_DENIED' });
  }
  const accepted = gate(offer);
  consent.answer(offer.sessionId, true);
  await accepted;
});

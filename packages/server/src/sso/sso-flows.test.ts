import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TestClock } from '@tether/protocol';
import { FLOW_TTL_MS, SsoFlows } from './sso-flows.js';

const flow = { providerId: 'corp', mode: 'sign-in', binding: 'browser-a' } as const;

test('a flow is taken once, by the browser that started it, for its own provider', () => {
  const flows = new SsoFlows(new TestClock());
  const state = flows.open(flow);
  assert.equal(flows.take(state, { providerId: 'corp', binding: 'browser-b' }), undefined);
  assert.equal(flows.take(state, { providerId: 'other', binding: 'browser-a' }), undefined);
  assert.equal(flows.take(state, { providerId: 'corp', binding: undefined }), undefined);
  assert.equal(flows.take(state, { providerId: 'corp', binding: 'browser-a' })?.mode, 'sign-in');
  assert.equal(flows.take(state, { providerId: 'corp', binding: 'browser-a' }), undefined);
});

test('a flow left at the provider longer than 10 minutes has expired', () => {
  const clock = new TestClock();
  const flows = new SsoFlows(clock);
  const state = flows.open(flow);
  clock.advance(FLOW_TTL_MS);
  assert.equal(flows.take(state, { providerId: 'corp', binding: 'browser-a' }), undefined);
});

test('a test result is shown only to the administrator who ran the test, for 10 minutes', () => {
  const clock = new TestClock();
  const flows = new SsoFlows(clock);
  const result = {
    providerId: 'corp',
    kind: 'oidc',
    finishedAt: clock.now().toISOString(),
  } as const;
  const id = flows.keepResult(result, 'admin');
  assert.equal(flows.result(id, 'someone-else'), undefined);
  assert.deepEqual(flows.result(id, 'admin'), result);
  clock.advance(FLOW_TTL_MS);
  assert.equal(flows.result(id, 'admin'), undefined);
});

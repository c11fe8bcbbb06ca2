import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_RETRY_AFTER_MS, RETRY_AFTER_MS_HEADER, retryAfterMs } from './admission.js';

test('the precise wait wins over Retry-After, which is read in seconds', () => {
  assert.equal(retryAfterMs({ 'retry-after': '2', [RETRY_AFTER_MS_HEADER]: '1250' }), 1250);
  assert.equal(retryAfterMs({ 'retry-after': '3' }), 3000);
});

test('no usable wait gives undefined; a huge one is capped', () => {
  assert.equal(retryAfterMs({}), undefined);
  assert.equal(retryAfterMs({ 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }), undefined);
  assert.equal(retryAfterMs({ [RETRY_AFTER_MS_HEADER]: '' }), undefined);
  assert.equal(retryAfterMs({ 'retry-after': '86400' }), MAX_RETRY_AFTER_MS);
});

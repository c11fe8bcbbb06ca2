import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '@tether/protocol';
import { prefersHtml, refusedLinkPage } from './oem-link-page.js';

test('browsers get the page; API clients, curl and clients without Accept get JSON', () => {
  const chromium =
    'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
  const firefox = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
  for (const accept of [chromium, firefox, 'text/html']) assert.equal(prefersHtml(accept), true);
  for (const accept of [
    undefined,
    '',
    '*/*',
    'application/json',
    'application/json, text/html;q=0.5',
    'text/html;q=0, */*',
  ]) {
    assert.equal(prefersHtml(accept), false, String(accept));
  }
});

test('the page keeps the status and escapes the message it shows', () => {
  const refused = refusedLinkPage(new AppError('FORBIDDEN', 'whatever check failed'));
  assert.equal(refused.status, 403);
  assert.match(refused.html, /<h1>This connection link is no longer valid<\/h1>/);
  assert.doesNotMatch(refused.html, /whatever check failed/, 'no hint which check failed');
  const offline = refusedLinkPage(
    new AppError('DEVICE_OFFLINE', 'Device <b>"web-01"</b> is offline'),
  );
  assert.equal(offline.status, 409);
  assert.match(offline.html, /Device &lt;b&gt;&quot;web-01&quot;&lt;\/b&gt; is offline/);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAuthentic } from './radius-client.js';

const SECRET = 'shared-secret';

async function exchange(options: { withAuthenticator: boolean }) {
  const radius = (await import('radius')).default;
  const request = radius.encode({
    code: 'Access-Request',
    secret: SECRET,
    identifier: 7,
    attributes: [['User-Name', 'rita']],
    add_message_authenticator: options.withAuthenticator,
  });
  const packet = radius.decode({ packet: request, secret: SECRET });
  const response = radius.encode_response({
    packet,
    code: 'Access-Accept',
    secret: SECRET,
    attributes: [['Class', Buffer.from('helpdesk')]],
  });
  return { request, response };
}

test('a reply signed with the shared secret is authentic', async () => {
  for (const withAuthenticator of [false, true]) {
    const { request, response } = await exchange({ withAuthenticator });
    assert.equal(isAuthentic(response, request, SECRET), true);
  }
});

test('a reply signed with another secret, or altered, is not', async () => {
  const { request, response } = await exchange({ withAuthenticator: true });
  assert.equal(isAuthentic(response, request, 'another-secret'), false);
  const altered = Buffer.from(response);
  altered[altered.length - 1] = (altered.at(-1) ?? 0) ^ 1;
  assert.equal(isAuthentic(altered, request, SECRET), false);
});

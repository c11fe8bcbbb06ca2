import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { certificateProofText, type DeviceInventory } from '@tether/protocol/agent';
import { generateIdentityKey, signText } from '../identity/ed25519.js';
import { createHandshake } from './control-handshake.js';

const inventory: DeviceInventory = {
  hostname: 'test-host',
  os: { platform: 'linux', release: '6.1', name: 'Debian', arch: 'x64' },
  agentVersion: '0.1.0',
};

function channel(pinnedServerKey: string) {
  return createHandshake({
    deviceId: '00000000-0000-4000-8000-000000000001',
    inventory,
    hasDesktop: false,
    privateKey: generateIdentityKey().privateKey,
    pinnedServerKey,
  });
}

test('a certificate notice counts only when the pinned key signed it for this channel', () => {
  const server = generateIdentityKey();
  const handshake = channel(server.publicKey);
  const serverNonce = randomBytes(32).toString('base64url');
  const tlsFingerprint = randomBytes(32).toString('base64url');
  const signed = (agentNonce: string, key = server.privateKey) =>
    signText(key, certificateProofText({ agentNonce, serverNonce, tlsFingerprint }));
  const notice = (signature: string) =>
    ({ type: 'certificate', serverNonce, tlsFingerprint, signature }) as const;

  assert.equal(handshake.certificate(notice(signed(handshake.hello.agentNonce))), tlsFingerprint);
  const other = generateIdentityKey();
  assert.throws(
    () => handshake.certificate(notice(signed(handshake.hello.agentNonce, other.privateKey))),
    /did not sign/,
    'another key',
  );
  const otherChannel = channel(server.publicKey);
  assert.throws(
    () => handshake.certificate(notice(signed(otherChannel.hello.agentNonce))),
    /did not sign/,
    "another channel's notice",
  );
});

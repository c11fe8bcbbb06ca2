import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import {
  AppError,
  certificateProofText,
  serverProofText,
  type DeviceInventory,
} from '@tether/protocol/agent';
import { generateIdentityKey, signText } from '../identity/ed25519.js';
import { createHandshake } from './control-handshake.js';

const SEEN = 'A'.repeat(43); // the certificate fingerprint this agent sees
const OTHER = 'B'.repeat(43); // the one the server holds (a proxy's certificate stands between)
const inventory: DeviceInventory = {
  hostname: 'web-01',
  os: { platform: 'linux', release: '6.1', name: 'Debian GNU/Linux 12', arch: 'x64' },
  agentVersion: '0.0.0',
};

function setup(server = generateIdentityKey()) {
  const agent = generateIdentityKey();
  const handshake = createHandshake({
    deviceId: '00000000-0000-4000-8000-000000000001',
    inventory,
    hasDesktop: false,
    privateKey: agent.privateKey,
    pinnedServerKey: server.publicKey,
  });
  const serverNonce = 'S'.repeat(43);
  const challenge = (
    signature: string,
    mode?: 'direct' | 'behind-proxy',
  ): Parameters<typeof handshake.answer>[0] => ({
    type: 'challenge',
    serverNonce,
    serverPublicKey: server.publicKey,
    signature,
    ...(mode ? { mode } : {}),
  });
  const sign = (channel: Parameters<typeof serverProofText>[0]['channel']): string =>
    signText(
      server.privateKey,
      serverProofText({ agentNonce: handshake.hello.agentNonce, serverNonce, channel }),
    );
  return { handshake, challenge, sign };
}

function refusedWith(pattern: RegExp): (error: unknown) => boolean {
  return (error) =>
    error instanceof AppError && error.code === 'AUTH_FAILED' && pattern.test(error.message);
}

test('a direct proof bound to the certificate the agent sees is accepted', () => {
  const { handshake, challenge, sign } = setup();
  const answer = handshake.answer(challenge(sign({ mode: 'direct', tlsFingerprint: SEEN })), SEEN);
  assert.equal(answer.auth.type, 'auth');
});

test('a direct proof for another certificate is refused, naming the behind-a-proxy setting', () => {
  const { handshake, challenge, sign } = setup();
  assert.throws(
    () => handshake.answer(challenge(sign({ mode: 'direct', tlsFingerprint: OTHER })), SEEN),
    refusedWith(/behind a proxy.*tether admin proxy set --behind-proxy on/),
  );
});

test('a proof the pinned key signed as behind-proxy is accepted whatever certificate the agent sees', () => {
  const { handshake, challenge, sign } = setup();
  const answer = handshake.answer(challenge(sign({ mode: 'behind-proxy' }), 'behind-proxy'), SEEN);
  assert.equal(answer.auth.type, 'auth');
});

test('an intermediary cannot downgrade a direct proof by announcing behind-proxy', () => {
  const { handshake, challenge, sign } = setup();
  // The server signed a direct proof for its own certificate; the intermediary relays it and
  // claims the server is behind a proxy, hoping the agent stops comparing certificates.
  const direct = sign({ mode: 'direct', tlsFingerprint: OTHER });
  assert.throws(
    () => handshake.answer(challenge(direct, 'behind-proxy'), SEEN),
    refusedWith(/Server identity mismatch/),
  );
});

test('an intermediary cannot upgrade a behind-proxy proof into a direct one either', () => {
  const { handshake, challenge, sign } = setup();
  assert.throws(
    () => handshake.answer(challenge(sign({ mode: 'behind-proxy' }), 'direct'), SEEN),
    refusedWith(/Server identity mismatch/),
  );
});

test('a certificate notice counts only when the pinned key signed it for this channel', () => {
  const server = generateIdentityKey();
  const { handshake } = setup(server);
  const serverNonce = randomBytes(32).toString('base64url');
  const tlsFingerprint = randomBytes(32).toString('base64url');
  const signed = (agentNonce: string, key = server.privateKey) =>
    signText(key, certificateProofText({ agentNonce, serverNonce, tlsFingerprint }));
  const notice = (signature: string) =>
    ({ type: 'certificate', serverNonce, tlsFingerprint, signature }) as const;
  const pinned = server.publicKey;

  const own = notice(signed(handshake.hello.agentNonce));
  assert.equal(handshake.certificate(own, pinned), tlsFingerprint);
  const other = generateIdentityKey();
  assert.throws(
    () =>
      handshake.certificate(notice(signed(handshake.hello.agentNonce, other.privateKey)), pinned),
    /did not sign/,
    'another key',
  );
  // A rotation since the challenge: the key pinned now is the one that counts.
  assert.equal(
    handshake.certificate(
      notice(signed(handshake.hello.agentNonce, other.privateKey)),
      other.publicKey,
    ),
    tlsFingerprint,
  );
  const otherChannel = setup(server).handshake;
  assert.throws(
    () => handshake.certificate(notice(signed(otherChannel.hello.agentNonce)), pinned),
    /did not sign/,
    "another channel's notice",
  );
});

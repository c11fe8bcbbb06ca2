import assert from 'node:assert/strict';
import { test } from 'node:test';
import { desEncryptBlock, vncAuthResponse } from './des.js';

const hex = (text: string): Uint8Array => Buffer.from(text, 'hex');
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

test('DES matches the textbook vector and the NBS validation vectors', () => {
  assert.equal(
    toHex(desEncryptBlock(hex('133457799bbcdff1'), hex('0123456789abcdef'))),
    '85e813540f0ab405',
  );
  assert.equal(
    toHex(desEncryptBlock(hex('0101010101010101'), hex('95f8a5e5dd31d900'))),
    '8000000000000000',
  );
  assert.equal(
    toHex(desEncryptBlock(hex('0e329232ea6d0d73'), hex('8787878787878787'))),
    '0000000000000000',
  );
});

test('the VNC response mirrors the password bits and encrypts both challenge halves', () => {
  const challenge = hex('00112233445566778899aabbccddeeff');
  const response = vncAuthResponse('password', challenge);
  assert.equal(response.length, 16);
  // "password" with each byte's bits mirrored (p = 0x70 → 0x0e, a = 0x61 → 0x86, …); the real
  // x11vnc in test/e2e/desktop.e2e.test.ts checks the whole exchange.
  const mirrored = hex('0e86ceceeef64e26');
  assert.equal(
    toHex(response.subarray(0, 8)),
    toHex(desEncryptBlock(mirrored, challenge.subarray(0, 8))),
  );
  assert.equal(
    toHex(response.subarray(8)),
    toHex(desEncryptBlock(mirrored, challenge.subarray(8))),
  );
  assert.notDeepEqual(vncAuthResponse('passwore', challenge), response);
});

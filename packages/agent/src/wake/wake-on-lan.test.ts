import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { test } from 'node:test';
import { magicPacket, sendWakeOnLan } from './wake-on-lan.js';

const MAC = '52:54:00:ab:cd:ef';
const MAC_BYTES = [0x52, 0x54, 0x00, 0xab, 0xcd, 0xef];

test('a magic packet is 6 × 0xFF then the MAC 16 times, then the SecureOn password', () => {
  const plain = magicPacket(MAC);
  assert.deepEqual(
    [...plain],
    [...Array<number>(6).fill(0xff), ...Array.from({ length: 16 }, () => MAC_BYTES).flat()],
  );
  assert.equal(magicPacket(MAC, '0a0b0c0d').length, 106);
  assert.deepEqual([...magicPacket(MAC, '112233445566').subarray(102)], [17, 34, 51, 68, 85, 102]);
});

test('the packets go by UDP to every target, and the answer carries the request id', async () => {
  const capture = createSocket('udp4');
  capture.bind(0, '127.0.0.1');
  await once(capture, 'listening');
  try {
    const received = once(capture, 'message') as Promise<[Buffer]>;
    const requestId = randomUUID();
    const reply = await sendWakeOnLan({
      type: 'wake.on_lan',
      requestId,
      mac: MAC,
      secureOn: 'c0a80001',
      targets: [{ address: '127.0.0.1', port: capture.address().port }],
    });
    assert.deepEqual(reply, { type: 'wake.on_lan_sent', requestId });
    const [packet] = await received;
    assert.deepEqual(packet, magicPacket(MAC, 'c0a80001'));
  } finally {
    capture.close();
  }
});

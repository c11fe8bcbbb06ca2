import type { WebSocket } from 'ws';
import { ByteQueue } from './byte-queue.js';

/**
 * The RFB server side of the handshake towards the console, over the relay: version 3.8 and
 * security type "None" (the agent did the real authentication with the VNC server). Resolves
 * with the bytes the console sent past it (ClientInit onwards).
 *
 * @example
 * const rest = await presentNoAuth(socket, queue);
 */
export async function presentNoAuth(socket: WebSocket, queue: ByteQueue): Promise<Buffer> {
  socket.send(Buffer.from('RFB 003.008\n', 'latin1'));
  const version = (await queue.read(12)).toString('latin1');
  if (version === 'RFB 003.003\n') {
    socket.send(u32(1));
    return queue.takeRest();
  }
  if (!/^RFB 003\.00[78]\n$/.test(version)) throw new Error('the console does not speak RFB 3.x');
  socket.send(Buffer.from([1, 1]));
  const [choice] = await queue.read(1);
  if (choice !== 1) throw new Error('the console chose a security type that was not offered');
  if (version === 'RFB 003.008\n') socket.send(u32(0));
  return queue.takeRest();
}

function u32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value, 0);
  return bytes;
}

import type { RawData } from 'ws';

/**
 * One Buffer from whatever shape `ws` delivered a message in (a Buffer, fragments, or an
 * ArrayBuffer, depending on `binaryType`).
 *
 * @example
 * socket.on('message', (data) => handle(rawBytes(data)));
 */
export function rawBytes(data: RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? Buffer.from(data) : data;
}

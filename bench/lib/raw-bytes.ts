import type { RawData } from 'ws';

/** One byte array from whatever shape `ws` delivered a message in. */
export function rawBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

/**
 * The stand-in device of scenario (f)'s baseline, run as its own process like the real agent:
 * joins the bare pipe with the agent's relay client and answers `upload` and `download` with
 * the files protocol's frames and credit window — no roots, no disk writes, no hashing, no
 * server in between. What the technician uploads is counted and acknowledged per frame; a
 * download sends the named file (read into reused frames, like the agent does).
 *
 * Usage: node --import tsx bench/scenarios/bare-files-device.ts <pipe URL> <TLS fingerprint>
 * Prints `joined` once connected; exits when the pipe closes.
 */
import { open } from 'node:fs/promises';
import {
  decodeFileFrame,
  encodeFileMessage,
  FILE_CHUNK_BYTES,
  FILE_DATA_HEADER_BYTES,
  FILE_WINDOW_BYTES,
  FileRequest,
  writeFileDataHeader,
  type FileReply,
} from '@tether/protocol';
import { connectRelay } from '../lib/agent-transport.js';

/** The baseline computes no hash; the protocol's `done` still needs one. */
const NO_HASH = '0'.repeat(64);

const [url, fingerprint] = process.argv.slice(2);
if (!url || !fingerprint) throw new Error('usage: bare-files-device.ts <pipe URL> <fingerprint>');
const socket = await connectRelay(new URL(url), { expectedFingerprint: fingerprint });
const reply = (message: FileReply): void => socket.send(encodeFileMessage(message));
/** Acknowledged offsets of the download in progress go here. */
let onAck: ((offset: number) => void) | undefined;
let upload: { id: number; path: string; size: number; received: number } | undefined;

async function sendFile(request: Extract<FileRequest, { type: 'download' }>): Promise<void> {
  const source = await open(request.path, 'r');
  const size = (await source.stat()).size;
  reply({ type: 'ready', id: request.id, op: 'download', path: request.path, offset: 0, size });
  let position = 0;
  let acked = 0;
  let wake: (() => void) | undefined;
  onAck = (offset) => {
    acked = offset;
    wake?.();
  };
  const spare: Uint8Array[] = [];
  while (position < size) {
    if (position - acked >= FILE_WINDOW_BYTES) {
      await new Promise<void>((resolve) => (wake = resolve));
      continue;
    }
    const frame = spare.pop() ?? new Uint8Array(FILE_DATA_HEADER_BYTES + FILE_CHUNK_BYTES);
    const { bytesRead } = await source.read(frame, FILE_DATA_HEADER_BYTES, FILE_CHUNK_BYTES);
    if (bytesRead === 0) break;
    writeFileDataHeader(frame, { id: request.id, offset: position });
    position += bytesRead;
    socket.send(frame.subarray(0, FILE_DATA_HEADER_BYTES + bytesRead), () => spare.push(frame));
  }
  await source.close();
  onAck = undefined;
  const done = { id: request.id, op: 'download', path: request.path, size: position } as const;
  reply({ type: 'done', ...done, sha256: NO_HASH });
}

socket.on('message', (data: Buffer) => {
  const frame = decodeFileFrame(new Uint8Array(data.buffer, data.byteOffset, data.length));
  if (frame?.type === 'data') {
    if (!upload || frame.id !== upload.id) return;
    upload.received = frame.offset + frame.data.length;
    reply({ type: 'ack', id: upload.id, offset: upload.received });
    if (upload.received < upload.size) return;
    const { id, path, size } = upload;
    upload = undefined;
    reply({ type: 'done', id, op: 'upload', path, size, sha256: NO_HASH });
    return;
  }
  const request = FileRequest.safeParse(frame?.message);
  if (!request.success) return;
  const { data: message } = request;
  if (message.type === 'ack') onAck?.(message.offset);
  else if (message.type === 'download') void sendFile(message);
  else if (message.type === 'upload') {
    upload = { id: message.id, path: message.path, size: message.size, received: 0 };
    const { id, path, size } = message;
    reply({ type: 'ready', id, op: 'upload', path, offset: 0, size });
  }
});
socket.on('close', () => process.exit(0));
process.stdout.write('joined\n');

import { open } from 'node:fs/promises';
import {
  CreateSessionResponse,
  decodeFileFrame,
  encodeFileMessage,
  FILE_CHUNK_BYTES,
  FILE_DATA_HEADER_BYTES,
  FILE_WINDOW_BYTES,
  FileReply,
  writeFileDataHeader,
  type FileRequest,
} from '@tether/protocol';
import type WebSocket from 'ws';
import type { HttpsClient } from './https-client.js';

type Listener = {
  onReply(reply: FileReply): void;
  onData?(offset: number, data: Uint8Array): void;
};
type RequestBody = FileRequest extends infer R
  ? R extends FileRequest
    ? Omit<R, 'id'>
    : never
  : never;
type Final = Extract<FileReply, { type: 'done' | 'error' }>;

/** A technician's files session, driven like the console drives it: relay WebSocket + frames. */
export interface FilesClient {
  socket: WebSocket;
  session: CreateSessionResponse;
  /** Sends a request and resolves with its (first) reply. */
  request(body: RequestBody): Promise<FileReply>;
  /** Uploads a local file; `cutAfter` closes the connection once that many bytes were acked. */
  upload(options: {
    from: string;
    to: string;
    resume?: boolean;
    cutAfter?: number;
  }): Promise<Final>;
  /**
   * Downloads into a local file (appending from `offset`); `cutAfter` closes the connection;
   * `archive: 'tar'` downloads the folder `from` as a tar archive.
   */
  download(options: {
    from: string;
    to: string;
    offset?: number;
    cutAfter?: number;
    archive?: 'tar';
  }): Promise<Final>;
  closed: Promise<{ code: number; reason: string }>;
  close(): Promise<{ code: number; reason: string }>;
}

/** Opens a files session on a device through the real server and relay. */
export async function openFiles(
  client: HttpsClient,
  deviceId: string,
  options: { zeroMask?: boolean } = {},
): Promise<FilesClient> {
  const response = await client.request('POST', '/api/v1/sessions', { deviceId, kind: 'files' });
  if (response.status !== 201)
    throw new Error(`session request failed: ${response.status} ${response.text}`);
  const session = response.json(CreateSessionResponse);
  const socket = client.websocket(`${session.relay.path}?token=${session.relay.token}`, {
    zeroMask: options.zeroMask ?? false,
  });
  return { ...(await filesOnSocket(socket)), session };
}

/**
 * Speaks the files protocol on any WebSocket (the benchmark also drives it through a bare pipe
 * to a stand-in device); resolves once the socket is open.
 */
export async function filesOnSocket(socket: WebSocket): Promise<Omit<FilesClient, 'session'>> {
  const listeners = new Map<number, Listener>();
  let nextId = 1;
  socket.on('message', (data: Buffer) => {
    const frame = decodeFileFrame(new Uint8Array(data.buffer, data.byteOffset, data.length));
    if (frame?.type === 'data') return listeners.get(frame.id)?.onData?.(frame.offset, frame.data);
    const parsed = FileReply.safeParse(frame?.message);
    if (parsed.success) listeners.get(parsed.data.id)?.onReply(parsed.data);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => {
      for (const listener of listeners.values())
        listener.onReply({ type: 'error', id: 0, op: 'list', code: 'failed', message: 'closed' });
      resolve({ code, reason: reason.toString() });
    }),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const send = (body: RequestBody, listener: Listener): number => {
    const id = nextId++;
    listeners.set(id, listener);
    socket.send(encodeFileMessage({ ...body, id }));
    return id;
  };
  const close = async (): Promise<{ code: number; reason: string }> => {
    socket.close(1000, 'technician closed the files session');
    return closed;
  };
  return {
    socket,
    closed,
    close,
    request: (body) =>
      new Promise((resolve) => {
        const id = send(body, {
          onReply: (reply) => {
            listeners.delete(id);
            resolve(reply);
          },
        });
      }),
    upload: (options) => upload({ send, socket, close, listeners }, options),
    download: (options) => download({ send, socket, close, listeners }, options),
  };
}

interface Wire {
  send(body: RequestBody, listener: Listener): number;
  socket: WebSocket;
  close(): Promise<unknown>;
  listeners: Map<number, Listener>;
}

async function upload(
  wire: Wire,
  options: { from: string; to: string; resume?: boolean; cutAfter?: number },
): Promise<Final> {
  const source = await open(options.from, 'r');
  const size = (await source.stat()).size;
  let position = 0;
  let acked = 0;
  let isReading = false;
  let id = 0;
  const spare: Uint8Array[] = [];
  const pump = async (): Promise<void> => {
    if (isReading) return;
    isReading = true;
    while (
      position < size &&
      position - acked < FILE_WINDOW_BYTES &&
      wire.socket.readyState === 1
    ) {
      const length = Math.min(FILE_CHUNK_BYTES, size - position);
      // Frames are reused once written to the socket: a fresh 256 KiB buffer per frame costs
      // this process more garbage collection than the transfer itself.
      const buffer = spare.pop() ?? new Uint8Array(FILE_DATA_HEADER_BYTES + FILE_CHUNK_BYTES);
      const frame = buffer.subarray(0, FILE_DATA_HEADER_BYTES + length);
      await source.read(frame, FILE_DATA_HEADER_BYTES, length, position);
      writeFileDataHeader(frame, { id, offset: position });
      position += length;
      wire.socket.send(frame, () => spare.push(buffer));
    }
    isReading = false;
  };
  try {
    return await new Promise<Final>((resolve) => {
      id = wire.send(
        { type: 'upload', path: options.to, size, resume: options.resume ?? false },
        {
          onReply: (reply) => {
            if (reply.type === 'ready') {
              position = acked = reply.offset;
              void pump();
            } else if (reply.type === 'ack') {
              acked = reply.offset;
              if (options.cutAfter !== undefined && acked >= options.cutAfter) void wire.close();
              else void pump();
            } else if (reply.type === 'done' || reply.type === 'error') {
              wire.listeners.delete(id);
              resolve(reply);
            }
          },
        },
      );
    });
  } finally {
    await source.close();
  }
}

async function download(
  wire: Wire,
  options: { from: string; to: string; offset?: number; cutAfter?: number; archive?: 'tar' },
): Promise<Final> {
  const offset = options.offset ?? 0;
  const target = await open(options.to, offset > 0 ? 'r+' : 'w');
  let queue = Promise.resolve();
  try {
    const final = await new Promise<Final>((resolve) => {
      const id = wire.send(
        {
          type: 'download',
          path: options.from,
          offset,
          ...(options.archive ? { archive: options.archive } : {}),
        },
        {
          onReply: (reply) => {
            if (reply.type === 'done' || reply.type === 'error') {
              wire.listeners.delete(id);
              resolve(reply);
            }
          },
          onData: (at, data) => {
            queue = queue.then(async () => {
              await target.write(data, 0, data.length, at);
              const end = at + data.length;
              if (options.cutAfter !== undefined && end >= options.cutAfter) {
                if (wire.socket.readyState === 1) await wire.close();
                return;
              }
              if (wire.socket.readyState === 1)
                wire.socket.send(encodeFileMessage({ type: 'ack', id, offset: end }));
            });
          },
        },
      );
    });
    await queue;
    return final;
  } finally {
    await target.close();
  }
}

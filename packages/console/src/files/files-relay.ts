import {
  decodeFileFrame,
  encodeFileMessage,
  FILE_CHUNK_BYTES,
  FILE_DATA_HEADER_BYTES,
  FILE_WINDOW_BYTES,
  FileReply,
  writeFileDataHeader,
  type FileRequest,
} from '@tether/protocol';

/** A request without its id (the relay numbers them). */
export type FileRequestBody = FileRequest extends infer R
  ? R extends FileRequest
    ? Omit<R, 'id'>
    : never
  : never;
/** How a transfer ended. */
export type TransferEnd = Extract<FileReply, { type: 'done' | 'error' }>;

/** Progress of a transfer, for the progress bar. */
export interface TransferProgress {
  transferred: number;
  size: number;
}

interface Pending {
  onReply(reply: FileReply): void;
  onData?(offset: number, data: Uint8Array): void;
}

/** A files session's relay connection; see {@link openFilesRelay}. */
export interface FilesRelay {
  request: (body: FileRequestBody) => Promise<FileReply>;
  /** Uploads a browser file; with `resume`, continues the device's partial copy. */
  upload: (
    file: Blob,
    options: { path: string; resume: boolean; onProgress: (progress: TransferProgress) => void },
  ) => { cancel: () => void; ended: Promise<TransferEnd> };
  /** Downloads into memory from `offset`, adding to `parts` (kept across a cut to resume). */
  download: (options: {
    path: string;
    parts: Blob[];
    offset: number;
    onProgress: (progress: TransferProgress) => void;
  }) => { cancel: () => void; ended: Promise<TransferEnd> };
  close: (reason: string) => void;
}

const lost = (id: number, message: string): TransferEnd => ({
  type: 'error',
  id,
  op: 'list',
  code: 'failed',
  message,
});

/**
 * Joins a files session's relay. Requests are JSON frames; uploads send DATA frames within the
 * credit window the device acknowledges; downloads acknowledge what they consumed.
 *
 * @example
 * const relay = await openFilesRelay(relaySocketUrl(ticket, location), { onClosed });
 * const listing = await relay.request({ type: 'list', path: '/home/ana' });
 */
export function openFilesRelay(
  url: string,
  options: { onClosed(reason: string): void },
): Promise<FilesRelay> {
  const socket = new WebSocket(url);
  socket.binaryType = 'arraybuffer';
  const pending = new Map<number, Pending>();
  let nextId = 1;
  const send = (body: FileRequestBody, handler: Pending): number => {
    const id = nextId++;
    pending.set(id, handler);
    socket.send(encodeFileMessage({ ...body, id }));
    return id;
  };
  socket.onmessage = (event: MessageEvent<unknown>) => {
    if (!(event.data instanceof ArrayBuffer)) return;
    const frame = decodeFileFrame(new Uint8Array(event.data));
    if (frame?.type === 'data') return pending.get(frame.id)?.onData?.(frame.offset, frame.data);
    const parsed = FileReply.safeParse(frame?.message);
    if (parsed.success) pending.get(parsed.data.id)?.onReply(parsed.data);
  };
  const relay: FilesRelay = {
    request: (body) =>
      new Promise((resolve) => {
        const id = send(body, {
          onReply: (reply) => {
            pending.delete(id);
            resolve(reply);
          },
        });
      }),
    upload: (file, upload) => startUpload({ socket, send, pending }, file, upload),
    download: (download) => startDownload({ socket, send, pending }, download),
    close: (reason) => socket.close(1000, reason),
  };
  return new Promise((resolve, reject) => {
    socket.onopen = () => resolve(relay);
    socket.onerror = () => reject(new Error('Could not connect to the files session.'));
    socket.onclose = (event) => {
      const reason = event.reason || 'the connection to the server was lost';
      for (const [id, handler] of pending) handler.onReply(lost(id, `Connection lost: ${reason}.`));
      pending.clear();
      options.onClosed(reason);
    };
  });
}

interface Wire {
  socket: WebSocket;
  send(body: FileRequestBody, handler: Pending): number;
  pending: Map<number, Pending>;
}

function startUpload(
  wire: Wire,
  file: Blob,
  options: { path: string; resume: boolean; onProgress(progress: TransferProgress): void },
): { cancel(): void; ended: Promise<TransferEnd> } {
  let id = 0;
  let position = 0;
  let acked = 0;
  let isReading = false;
  const pump = async (): Promise<void> => {
    if (isReading) return;
    isReading = true;
    while (position < file.size && position - acked < FILE_WINDOW_BYTES) {
      const end = Math.min(position + FILE_CHUNK_BYTES, file.size);
      const bytes = new Uint8Array(await file.slice(position, end).arrayBuffer());
      if (wire.socket.readyState !== WebSocket.OPEN) break;
      const frame = new Uint8Array(FILE_DATA_HEADER_BYTES + bytes.length);
      frame.set(bytes, FILE_DATA_HEADER_BYTES);
      writeFileDataHeader(frame, { id, offset: position });
      wire.socket.send(frame);
      position = end;
    }
    isReading = false;
  };
  const ended = new Promise<TransferEnd>((resolve) => {
    id = wire.send(
      { type: 'upload', path: options.path, size: file.size, resume: options.resume },
      {
        onReply: (reply) => {
          if (reply.type === 'ready') {
            position = acked = reply.offset;
            void pump();
          } else if (reply.type === 'ack') {
            acked = reply.offset;
            options.onProgress({ transferred: acked, size: file.size });
            void pump();
          } else if (reply.type === 'done' || reply.type === 'error') {
            wire.pending.delete(id);
            resolve(reply);
          }
        },
      },
    );
  });
  return { ended, cancel: () => wire.socket.send(encodeFileMessage({ type: 'cancel', id })) };
}

function startDownload(
  wire: Wire,
  options: {
    path: string;
    parts: Blob[];
    offset: number;
    onProgress(progress: TransferProgress): void;
  },
): { cancel(): void; ended: Promise<TransferEnd> } {
  let id = 0;
  let size = 0;
  let received = options.offset;
  const ended = new Promise<TransferEnd>((resolve) => {
    id = wire.send(
      { type: 'download', path: options.path, offset: options.offset },
      {
        onReply: (reply) => {
          if (reply.type === 'ready') size = reply.size;
          else if (reply.type === 'done' || reply.type === 'error') {
            wire.pending.delete(id);
            resolve(reply);
          }
        },
        onData: (offset, data) => {
          if (offset !== received) return; // not the next bytes: the transfer is then resumed
          options.parts.push(new Blob([data.slice()]));
          received += data.length;
          options.onProgress({ transferred: received, size });
          if (wire.socket.readyState === WebSocket.OPEN)
            wire.socket.send(encodeFileMessage({ type: 'ack', id, offset: received }));
        },
      },
    );
  });
  return { ended, cancel: () => wire.socket.send(encodeFileMessage({ type: 'cancel', id })) };
}

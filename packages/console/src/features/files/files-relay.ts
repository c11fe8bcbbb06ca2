import {
  decodeFileFrame,
  encodeFileMessage,
  FILE_CHUNK_BYTES,
  FILE_DATA_HEADER_BYTES,
  FILE_WINDOW_BYTES,
  FileReply,
  writeFileDataHeader,
  type ArchiveFormat,
  type FileRequest,
} from '@tether/protocol';
import type { DownloadSink } from './download-sink-port.js';

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
  /**
   * Downloads from `offset` into the sink `sink(size)` gives (the same one again on resume);
   * each chunk is acknowledged to the device only once the sink took it, so a slow disk slows
   * the device down instead of filling memory. `archive` downloads a folder as a tar archive.
   */
  download: (options: DownloadOptions) => { cancel: () => void; ended: Promise<TransferEnd> };
  close: (reason: string) => void;
}

/** What {@link FilesRelay.download} takes. */
export interface DownloadOptions {
  path: string;
  offset: number;
  archive?: ArchiveFormat;
  /** The destination; `size` is undefined for an archive (its final size is not known yet). */
  sink: (size: number | undefined) => Promise<DownloadSink>;
  onProgress: (progress: TransferProgress) => void;
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
  options: DownloadOptions,
): { cancel(): void; ended: Promise<TransferEnd> } {
  let id = 0;
  let size = 0;
  let expected = options.offset;
  let received = options.offset;
  let sink: Promise<DownloadSink> | undefined;
  let written = Promise.resolve();
  const ended = new Promise<TransferEnd>((resolve) => {
    id = wire.send(
      {
        type: 'download',
        path: options.path,
        offset: options.offset,
        ...(options.archive ? { archive: options.archive } : {}),
      },
      {
        onReply: (reply) => {
          if (reply.type === 'ready') {
            size = reply.size;
            sink = options.sink(reply.archive ? undefined : reply.size);
          } else if (reply.type === 'done' || reply.type === 'error') {
            wire.pending.delete(id);
            void written.then(() => resolve(reply));
          }
        },
        onData: (offset, data) => {
          if (offset !== expected || !sink) return; // not the next bytes: resumed later
          expected += data.length;
          const destination = sink;
          written = written.then(async () => {
            await (await destination).write(data);
            received += data.length;
            options.onProgress({ transferred: received, size: Math.max(size, received) });
            if (wire.socket.readyState === WebSocket.OPEN)
              wire.socket.send(encodeFileMessage({ type: 'ack', id, offset: received }));
          });
        },
      },
    );
  });
  return { ended, cancel: () => wire.socket.send(encodeFileMessage({ type: 'cancel', id })) };
}

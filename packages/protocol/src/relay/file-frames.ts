import { z } from 'zod';

/**
 * Frames of a files session on the relay. One WebSocket binary message is one frame: a one-byte
 * type, then the payload.
 *
 * | type | payload |
 * | --- | --- |
 * | 0x01 MESSAGE | UTF-8 JSON: a {@link FileRequest} (console → agent) or a {@link FileReply} (agent → console) |
 * | 0x02 DATA | u32 request id, u32 offset high, u32 offset low (big-endian), then the bytes |
 *
 * Flow control is credit-based: the sender of DATA frames keeps at most
 * {@link FILE_WINDOW_BYTES} unacknowledged, and the receiver sends `ack` messages with the offset
 * it has written or consumed. So memory stays bounded on all three hops whatever their speeds.
 */
export const FileFrameType = { message: 0x01, data: 0x02 } as const;

/** Bytes of file content in one DATA frame. */
export const FILE_CHUNK_BYTES = 256 * 1024;
/** Unacknowledged bytes a sender may have in flight for one transfer. */
export const FILE_WINDOW_BYTES = 8 * 1024 * 1024;
/** Size of a DATA frame's header. */
export const FILE_DATA_HEADER_BYTES = 13;

const RequestId = z.int().min(0).max(0xffff_ffff);
const FilePath = z.string().min(1).max(4096);
const Offset = z.int().min(0).max(Number.MAX_SAFE_INTEGER);

/** How a folder download is packed. */
export const ArchiveFormat = z.enum(['tar']);
export type ArchiveFormat = z.infer<typeof ArchiveFormat>;

/** One entry of a folder listing. */
export const FileEntry = z.object({
  name: z.string(),
  path: z.string(),
  kind: z.enum(['file', 'directory', 'symlink', 'other']),
  size: z.int().min(0),
  modifiedAt: z.string(),
});
export type FileEntry = z.infer<typeof FileEntry>;

/**
 * Requests from the console. Paths are absolute on the device (or relative to its first root);
 * the agent refuses anything outside the roots it shares.
 *
 * @example
 * const request: FileRequest = { type: 'download', id: 7, path: '/home/ana/report.pdf', offset: 0 };
 */
export const FileRequest = z.discriminatedUnion('type', [
  z.object({ type: z.literal('roots'), id: RequestId }),
  z.object({ type: z.literal('list'), id: RequestId, path: FilePath }),
  z.object({ type: z.literal('stat'), id: RequestId, path: FilePath }),
  z.object({ type: z.literal('mkdir'), id: RequestId, path: FilePath }),
  z.object({ type: z.literal('rename'), id: RequestId, path: FilePath, to: FilePath }),
  z.object({ type: z.literal('delete'), id: RequestId, path: FilePath }),
  /**
   * Starts sending the file from `offset` (resume a cut download with the bytes already kept).
   * With `archive: 'tar'`, `path` is a folder sent as a tar archive built on the fly (from
   * offset 0 only: an archive cannot be resumed).
   */
  z.object({
    type: z.literal('download'),
    id: RequestId,
    path: FilePath,
    offset: Offset,
    archive: ArchiveFormat.optional(),
  }),
  /** `resume`: continue the partial upload of the same path; the `ready` reply says from where. */
  z.object({
    type: z.literal('upload'),
    id: RequestId,
    path: FilePath,
    size: Offset,
    resume: z.boolean(),
  }),
  z.object({ type: z.literal('cancel'), id: RequestId }),
  z.object({ type: z.literal('ack'), id: RequestId, offset: Offset }),
]);
export type FileRequest = z.infer<typeof FileRequest>;

/** Operations a reply can be about. */
export const FileOperation = z.enum([
  'roots',
  'list',
  'stat',
  'mkdir',
  'rename',
  'delete',
  'download',
  'upload',
]);
export type FileOperation = z.infer<typeof FileOperation>;

/** Why a request failed; `refused` is a path outside the roots (audited). */
export const FileErrorCode = z.enum([
  'refused',
  'not_found',
  'exists',
  'invalid',
  'cancelled',
  'failed',
]);
export type FileErrorCode = z.infer<typeof FileErrorCode>;

/**
 * Replies from the agent; each carries the `id` of its request.
 *
 * @example
 * if (reply.type === 'done') console.log(`${reply.path}: ${reply.size} bytes, ${reply.sha256}`);
 */
export const FileReply = z.discriminatedUnion('type', [
  z.object({ type: z.literal('roots'), id: RequestId, roots: z.array(z.string()) }),
  z.object({
    type: z.literal('listing'),
    id: RequestId,
    path: z.string(),
    entries: z.array(FileEntry),
  }),
  z.object({ type: z.literal('entry'), id: RequestId, entry: FileEntry }),
  z.object({
    type: z.literal('ok'),
    id: RequestId,
    op: z.enum(['mkdir', 'rename', 'delete']),
    path: z.string(),
    to: z.string().optional(),
  }),
  /**
   * A transfer starts at `offset` of a file of `size` bytes. For an archive, `size` is what the
   * archive will weigh if no file changes meanwhile (the `done` reply has the real size).
   */
  z.object({
    type: z.literal('ready'),
    id: RequestId,
    op: z.enum(['download', 'upload']),
    path: z.string(),
    offset: Offset,
    size: Offset,
    archive: ArchiveFormat.optional(),
  }),
  z.object({ type: z.literal('ack'), id: RequestId, offset: Offset }),
  /**
   * A transfer completed; `sha256` (hex) covers the whole file — for an archive, the archive as
   * sent, with `skipped` counting the entries left out (symlinks leading out, unreadable files).
   */
  z.object({
    type: z.literal('done'),
    id: RequestId,
    op: z.enum(['download', 'upload']),
    path: z.string(),
    size: Offset,
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    archive: ArchiveFormat.optional(),
    skipped: z.int().min(0).optional(),
  }),
  z.object({
    type: z.literal('error'),
    id: RequestId,
    op: FileOperation,
    path: z.string().optional(),
    code: FileErrorCode,
    message: z.string(),
  }),
]);
export type FileReply = z.infer<typeof FileReply>;

/** A decoded files-session frame. */
export type FileFrame =
  | { type: 'message'; message: unknown }
  | { type: 'data'; id: number; offset: number; data: Uint8Array };

/**
 * Encodes a JSON message frame.
 *
 * @example
 * socket.send(encodeFileMessage({ type: 'list', id: 1, path: '/home/ana' }));
 */
export function encodeFileMessage(message: FileRequest | FileReply): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(message));
  const out = new Uint8Array(1 + json.length);
  out[0] = FileFrameType.message;
  out.set(json, 1);
  return out;
}

/**
 * Encodes the header of a DATA frame into the first {@link FILE_DATA_HEADER_BYTES} bytes of
 * `frame`; the caller puts the content after it (so a chunk is read from disk straight into the
 * frame, without a copy).
 *
 * @example
 * const frame = new Uint8Array(FILE_DATA_HEADER_BYTES + length);
 * writeFileDataHeader(frame, { id, offset });
 */
export function writeFileDataHeader(
  frame: Uint8Array,
  header: { id: number; offset: number },
): void {
  const view = new DataView(frame.buffer, frame.byteOffset, FILE_DATA_HEADER_BYTES);
  frame[0] = FileFrameType.data;
  view.setUint32(1, header.id);
  view.setUint32(5, Math.floor(header.offset / 0x1_0000_0000));
  view.setUint32(9, header.offset % 0x1_0000_0000);
}

/**
 * Encodes a DATA frame (copies `data`).
 *
 * @example
 * socket.send(encodeFileData({ id: 3, offset: 0, data: chunk }));
 */
export function encodeFileData(chunk: {
  id: number;
  offset: number;
  data: Uint8Array;
}): Uint8Array {
  const out = new Uint8Array(FILE_DATA_HEADER_BYTES + chunk.data.length);
  writeFileDataHeader(out, chunk);
  out.set(chunk.data, FILE_DATA_HEADER_BYTES);
  return out;
}

/**
 * Decodes a frame; the JSON of a message is returned unvalidated (parse it with
 * `FileRequest.safeParse` or `FileReply.safeParse`). `undefined` for anything malformed.
 *
 * @example
 * const frame = decodeFileFrame(new Uint8Array(message));
 */
export function decodeFileFrame(bytes: Uint8Array): FileFrame | undefined {
  switch (bytes[0]) {
    case FileFrameType.message:
      try {
        return {
          type: 'message',
          message: JSON.parse(new TextDecoder().decode(bytes.subarray(1))),
        };
      } catch {
        return undefined; // not JSON: malformed, as documented
      }
    case FileFrameType.data: {
      if (bytes.length < FILE_DATA_HEADER_BYTES) return undefined;
      const view = new DataView(bytes.buffer, bytes.byteOffset, FILE_DATA_HEADER_BYTES);
      const offset = view.getUint32(5) * 0x1_0000_0000 + view.getUint32(9);
      if (offset > Number.MAX_SAFE_INTEGER) return undefined;
      return {
        type: 'data',
        id: view.getUint32(1),
        offset,
        data: bytes.subarray(FILE_DATA_HEADER_BYTES),
      };
    }
    case undefined:
    default:
      return undefined;
  }
}

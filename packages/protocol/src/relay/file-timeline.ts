import { z } from 'zod';
import { ArchiveFormat } from './file-frames.js';

/** The first line of a files-session recording (`tether-files-v1`, JSON lines). */
export const FilesTimelineHeader = z.object({
  format: z.literal('tether-files-v1'),
  startedAt: z.string(),
  title: z.string(),
});
export type FilesTimelineHeader = z.infer<typeof FilesTimelineHeader>;

/**
 * One line after the header of a `tether-files-v1` recording: what happened, `t` milliseconds
 * after the start. `outcome` is `ok` for a folder operation, `started` / `done` for a transfer
 * (with `size` and `sha256` when done), `refused` for a path outside the roots, `failed` /
 * `cancelled` / `interrupted` for transfers that did not complete (`size` is then the bytes
 * that went through).
 *
 * @example
 * const event = FilesTimelineEvent.parse(JSON.parse(line));
 */
export const FilesTimelineEvent = z.object({
  t: z.number().min(0),
  op: z.string(),
  path: z.string().optional(),
  to: z.string().optional(),
  outcome: z.enum(['ok', 'started', 'done', 'refused', 'failed', 'cancelled', 'interrupted']),
  offset: z.number().optional(),
  size: z.number().optional(),
  sha256: z.string().optional(),
  /** Set for a folder downloaded as an archive: `path` is the folder, `size` the archive's. */
  archive: ArchiveFormat.optional(),
  /** Entries an archive left out (symlinks leading out of the roots, unreadable files). */
  skipped: z.number().optional(),
  message: z.string().optional(),
});
export type FilesTimelineEvent = z.infer<typeof FilesTimelineEvent>;

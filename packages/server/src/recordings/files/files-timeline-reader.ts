import { readFile } from 'node:fs/promises';
import { FilesTimelineEvent, FilesTimelineHeader } from './files-timeline.js';

/** A files-session recording as read back. */
export interface FilesTimelineContent {
  text: string;
  durationMs: number;
  /** False when a line is unreadable (e.g. cut by a crash mid-write). */
  intact: boolean;
}

/**
 * Reads a `tether-files-v1` recording; a torn last line (crash mid-write) is dropped and the
 * recording reported as not intact.
 *
 * @example
 * const { text, durationMs } = await readFilesTimeline(file);
 */
export async function readFilesTimeline(file: string): Promise<FilesTimelineContent> {
  const lines = (await readFile(file, 'utf8')).split('\n').filter((line) => line !== '');
  const kept: string[] = [];
  let intact = true;
  let durationMs = 0;
  lines.forEach((line, index) => {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      intact = false; // a torn line: reported through `intact`, not thrown
      return;
    }
    const schema = index === 0 ? FilesTimelineHeader : FilesTimelineEvent;
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      intact = false;
      return;
    }
    if ('t' in parsed.data) durationMs = Math.max(durationMs, parsed.data.t);
    kept.push(line);
  });
  return { text: kept.map((line) => `${line}\n`).join(''), durationMs, intact };
}

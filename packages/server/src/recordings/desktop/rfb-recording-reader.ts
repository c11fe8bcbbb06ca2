import { readFile } from 'node:fs/promises';
import { chainFileOf, verifyChain } from '../hash-chain.js';
import { RfbRecordingEvent, RfbRecordingHeader } from './rfb-recording.js';

/** A desktop recording as read back. */
export interface RfbRecordingContent {
  text: string;
  durationMs: number;
  /** False when a line is unreadable (e.g. cut by a crash) or the file fails its hash chain. */
  intact: boolean;
}

/**
 * Reads a `tether-rfb-v1` recording; unreadable lines (a torn last line after a crash) are
 * dropped, and the recording is reported intact only if every line is whole and the file
 * matches its `.chain` sidecar.
 *
 * @example
 * const { text, durationMs } = await readRfbRecording(file);
 */
export async function readRfbRecording(file: string): Promise<RfbRecordingContent> {
  const data = await readFile(file);
  const chain = await readFile(chainFileOf(file), 'utf8').catch(() => '');
  const lines = data
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '');
  const kept: string[] = [];
  let intact = verifyChain(data, chain).isIntact;
  let durationMs = 0;
  lines.forEach((line, index) => {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      intact = false;
      return;
    }
    const parsed = (index === 0 ? RfbRecordingHeader : RfbRecordingEvent).safeParse(json);
    if (!parsed.success) {
      intact = false;
      return;
    }
    if (Array.isArray(parsed.data)) durationMs = Math.max(durationMs, parsed.data[0]);
    kept.push(line);
  });
  return { text: kept.map((line) => `${line}\n`).join(''), durationMs, intact };
}

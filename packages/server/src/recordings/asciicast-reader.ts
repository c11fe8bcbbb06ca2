import { readFile } from 'node:fs/promises';
import { AsciicastEvent, AsciicastHeader } from './asciicast-format.js';
import { chainFileOf, verifyChain } from './hash-chain.js';

/** A recording as read back from disk, ready for the console's player. */
export interface AsciicastContent {
  /** Valid asciicast v2: the header and every complete, well-formed event line. */
  text: string;
  header: AsciicastHeader;
  events: AsciicastEvent[];
  /** Time of the last event. */
  durationMs: number;
  /** Chunks of the file that matched the hash chain. */
  chunksVerified: number;
  /** The chain verified, no event line was malformed, and nothing but a torn tail was dropped. */
  intact: boolean;
  /**
   * Bytes of complete lines after the last verified chunk: written before a crash, but the crash
   * came before their chain line. They are returned, unverified.
   */
  unverifiedBytes: number;
}

const NEWLINE = 0x0a;

/**
 * Reads a recording written by `openAsciicastWriter`, also after a crash: an incomplete last
 * line is dropped, and the file is checked against its `.chain` sidecar.
 *
 * @example
 * const { text, intact } = await readAsciicast(join(recordingsDir, recording.path));
 */
export async function readAsciicast(file: string): Promise<AsciicastContent> {
  const data = await readFile(file);
  const chain = await readSidecar(chainFileOf(file));
  const check = verifyChain(data, chain);
  const end = data.lastIndexOf(NEWLINE) + 1;
  const lines = data.subarray(0, end).toString('utf8').split('\n');
  lines.pop(); // the empty string after the final newline
  const header = parseHeader(lines[0], file);
  const events: AsciicastEvent[] = [];
  const kept = [lines[0]];
  let malformed = 0;
  for (const line of lines.slice(1)) {
    const event = parseEvent(line);
    if (event) {
      events.push(event);
      kept.push(line);
    } else {
      malformed += 1;
    }
  }
  const last = events.at(-1);
  return {
    text: `${kept.join('\n')}\n`,
    header,
    events,
    durationMs: last ? Math.round(last[0] * 1000) : 0,
    chunksVerified: check.chunksVerified,
    intact: check.isIntact && malformed === 0,
    unverifiedBytes: Math.max(0, end - check.verifiedBytes),
  };
}

async function readSidecar(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    // A recording without its chain can still be played; it is reported as not intact.
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return '';
    throw error;
  }
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

function parseHeader(line: string | undefined, file: string): AsciicastHeader {
  const parsed = AsciicastHeader.safeParse(line === undefined ? undefined : parseJson(line));
  if (!parsed.success)
    throw new Error(
      `${file} is not an asciicast v2 recording: its first line is not a valid header.`,
    );
  return parsed.data;
}

function parseEvent(line: string): AsciicastEvent | undefined {
  const parsed = AsciicastEvent.safeParse(parseJson(line));
  return parsed.success ? parsed.data : undefined;
}

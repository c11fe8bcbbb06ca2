import { AppError } from '@tether/protocol';

/** The header line of an asciicast v2 file. */
export interface AsciicastHeader {
  version: 2;
  width: number;
  height: number;
  /** Unix time (seconds) the recording started, when present. */
  timestamp?: number;
  title?: string;
}

/** Event codes of asciicast v2: output, input, resize (`"COLSxROWS"`), marker. */
export type AsciicastEventType = 'o' | 'i' | 'r' | 'm';

/** One event: seconds since the start, its code and its data. */
export interface AsciicastEvent {
  time: number;
  type: AsciicastEventType;
  data: string;
}

/** A parsed recording. `skippedLines` counts lines that were not valid events. */
export interface Asciicast {
  header: AsciicastHeader;
  events: AsciicastEvent[];
  skippedLines: number;
  /** Seconds from the start to the last event. */
  duration: number;
}

const eventTypes: readonly string[] = ['o', 'i', 'r', 'm'];

function isEventType(value: unknown): value is AsciicastEventType {
  return typeof value === 'string' && eventTypes.includes(value);
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    // A truncated line (a recording cut by a crash, or still being written) is expected.
    return undefined;
  }
}

function isPositiveInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

function parseHeader(line: string | undefined): AsciicastHeader {
  const json = line === undefined ? undefined : parseJson(line);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new AppError(
      'INVALID_INPUT',
      'Not an asciicast recording: the first line is not a JSON header.',
    );
  }
  const version: unknown = Reflect.get(json, 'version');
  const width: unknown = Reflect.get(json, 'width');
  const height: unknown = Reflect.get(json, 'height');
  if (version !== 2) {
    throw new AppError(
      'INVALID_INPUT',
      `Unsupported asciicast version ${String(version)}: only version 2 can be played.`,
    );
  }
  if (!isPositiveInt(width) || !isPositiveInt(height)) {
    throw new AppError(
      'INVALID_INPUT',
      'Invalid asciicast header: width and height must be positive integers.',
    );
  }
  const header: AsciicastHeader = { version: 2, width, height };
  const timestamp: unknown = Reflect.get(json, 'timestamp');
  const title: unknown = Reflect.get(json, 'title');
  if (typeof timestamp === 'number') header.timestamp = timestamp;
  if (typeof title === 'string') header.title = title;
  return header;
}

function parseEvent(line: string): AsciicastEvent | undefined {
  const json = parseJson(line);
  if (!Array.isArray(json) || json.length < 3) return undefined;
  const fields: readonly unknown[] = json;
  const [time, type, data] = fields;
  if (typeof time !== 'number' || !Number.isFinite(time) || time < 0) return undefined;
  if (!isEventType(type) || typeof data !== 'string') return undefined;
  return { time, type, data };
}

/**
 * Parses an asciicast v2 recording: a JSON header line, then one `[time, code, data]` line per
 * event. Lines that are not valid events — typically a truncated last line — are skipped and
 * counted, so a recording interrupted by a crash still plays up to where it stops.
 *
 * @example
 * const cast = parseAsciicast(await api.getRecordingContent(id));
 * for (const event of cast.events) if (event.type === 'o') terminal.write(event.data);
 */
export function parseAsciicast(text: string): Asciicast {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const header = parseHeader(lines[0]);
  const events: AsciicastEvent[] = [];
  let skippedLines = 0;
  let previous = 0;
  for (const line of lines.slice(1)) {
    const event = parseEvent(line);
    if (event === undefined) {
      skippedLines += 1;
      continue;
    }
    // Times must not go backwards; clamp rather than reorder so output stays in file order.
    if (event.time < previous) event.time = previous;
    previous = event.time;
    events.push(event);
  }
  return { header, events, skippedLines, duration: previous };
}

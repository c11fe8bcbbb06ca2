import type { Asciicast, AsciicastEvent } from '@tether/sdk';

/**
 * A `tether-rfb-v1` recording (JSON lines: a header, then `[ms, base64]` events of the device →
 * console RFB stream) as the player's timeline: each event's bytes become a binary string
 * (one char per byte), so that joined events stay valid and the shared `Playback` can drive it.
 *
 * @example
 * const timeline = parseRfbRecording(text);
 * new Playback(timeline, sink, browserClock);
 */
export function parseRfbRecording(text: string): Asciicast {
  const events: AsciicastEvent[] = [];
  let skippedLines = 0;
  let duration = 0;
  const lines = text.split('\n').filter((line) => line !== '');
  for (const line of lines.slice(1)) {
    const event = parseEvent(line);
    if (!event) skippedLines += 1;
    else {
      // An event without bytes marks the end (a still screen sends nothing): it keeps playback
      // going until then, and the player writes nothing for it.
      duration = Math.max(duration, event.time);
      events.push(event);
    }
  }
  return { header: { version: 2, width: 80, height: 24 }, events, skippedLines, duration };
}

function parseEvent(line: string): AsciicastEvent | undefined {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!Array.isArray(json) || json.length !== 2) return undefined;
  const [ms, base64] = json as unknown[];
  if (typeof ms !== 'number' || typeof base64 !== 'string') return undefined;
  try {
    return { time: ms / 1000, type: 'o', data: atob(base64) };
  } catch {
    return undefined;
  }
}

/** The bytes of a binary string made by {@link parseRfbRecording}. @example binaryBytes('RFB') */
export function binaryBytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i += 1) bytes[i] = text.charCodeAt(i);
  return bytes;
}

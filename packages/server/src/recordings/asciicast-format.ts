import { z } from 'zod';

/**
 * asciicast v2 (https://docs.asciinema.org/manual/asciicast/v2/): a JSON header line, then one
 * JSON array per event, `[seconds, code, data]`.
 */
export const AsciicastHeader = z.object({
  version: z.literal(2),
  width: z.int().positive(),
  height: z.int().positive(),
  timestamp: z.int().nonnegative().optional(),
  duration: z.number().nonnegative().optional(),
  title: z.string().optional(),
  env: z.record(z.string(), z.string()).optional(),
});
export type AsciicastHeader = z.infer<typeof AsciicastHeader>;

/** `o` output, `i` input, `r` resize (`"COLSxROWS"`), `m` marker. */
export const AsciicastEventCode = z.enum(['o', 'i', 'r', 'm']);
export type AsciicastEventCode = z.infer<typeof AsciicastEventCode>;

export const AsciicastEvent = z.tuple([z.number().nonnegative(), AsciicastEventCode, z.string()]);
export type AsciicastEvent = z.infer<typeof AsciicastEvent>;

/**
 * One event as a line of the file, newline included.
 *
 * @example
 * eventLine(1.25, 'r', '120x40'); // '[1.25,"r","120x40"]\n'
 */
export function eventLine(seconds: number, code: AsciicastEventCode, data: string): string {
  return `[${seconds},"${code}",${JSON.stringify(data)}]\n`;
}

import { z } from 'zod';

/**
 * First line of a `tether-rfb-v1` recording (JSON lines). Each further line is an event
 * `[ms since start, base64 of RFB bytes the device sent]`: the server → console stream from the
 * first byte (version and security handshake included), which a player feeds to an RFB client.
 * A finished recording ends with an event without bytes at the time the session ended (the
 * screen may have been still, sending nothing, for a long time before).
 *
 * @example
 * {"format":"tether-rfb-v1","startedAt":"2026-11-24T10:00:00.000Z","title":"admin on web-01"}
 * [12,"UkZCIDAwMy4wMDgK"]
 * [95000,""]
 */
export const RfbRecordingHeader = z.object({
  format: z.literal('tether-rfb-v1'),
  startedAt: z.string(),
  title: z.string(),
});
export type RfbRecordingHeader = z.infer<typeof RfbRecordingHeader>;

/** One recorded piece of the server → console stream. @example [12, 'UkZC'] */
export const RfbRecordingEvent = z.tuple([z.number().min(0), z.base64()]);
export type RfbRecordingEvent = z.infer<typeof RfbRecordingEvent>;

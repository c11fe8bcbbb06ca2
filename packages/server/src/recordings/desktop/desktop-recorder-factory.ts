import type { RecorderFactory } from '../../ports/session-recorder.js';
import { openRfbRecordingWriter } from './rfb-recording-writer.js';

/**
 * How desktop sessions are recorded: the device → console RFB bytes, timestamped
 * (`tether-rfb-v1`). What the technician sends (keys, clipboard) is not recorded.
 *
 * @example
 * export const sessionRecorders = { desktop: desktopRecorderFactory };
 */
export const desktopRecorderFactory: RecorderFactory = {
  format: 'tether-rfb-v1',
  extension: '.rfb.jsonl',
  async open(input) {
    const writer = await openRfbRecordingWriter({
      file: input.file,
      header: {
        format: 'tether-rfb-v1',
        startedAt: input.startedAt.toISOString(),
        title: input.title,
      },
      clock: input.clock,
    });
    return {
      tap: {
        backpressure: writer,
        fromAgent: (data) => writer.output(data),
        fromConsole: () => undefined,
      },
      onError: (listener) => writer.onError(listener),
      close: () => writer.close(),
    };
  },
};

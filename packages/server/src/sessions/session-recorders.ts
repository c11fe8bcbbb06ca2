import type { SessionKind } from '@tether/protocol';
import { createTerminalRecorder, openAsciicastWriter } from '../recordings/index.js';
import { filesRecorderFactory } from '../recordings/files/index.js';
import { desktopRecorderFactory } from '../recordings/desktop/index.js';
import type { RecorderFactory } from '../ports/session-recorder.js';

const terminalRecorder: RecorderFactory = {
  format: 'asciicast-v2',
  extension: '.cast',
  async open(input) {
    const writer = await openAsciicastWriter({
      file: input.file,
      width: input.size.cols,
      height: input.size.rows,
      startedAt: input.startedAt,
      title: input.title,
      clock: input.clock,
    });
    return {
      tap: createTerminalRecorder(writer),
      onError: (listener) => writer.onError(listener),
      close: () => writer.close(),
    };
  },
};

/**
 * The session kinds this server can relay, each with its recorder. A kind without an entry is
 * refused when a session is requested. Each kind's recorder lives beside its session code.
 */
export const sessionRecorders: Partial<Record<SessionKind, RecorderFactory>> = {
  terminal: terminalRecorder,
  files: filesRecorderFactory,
  desktop: desktopRecorderFactory,
};

import type { RecorderFactory } from '../../ports/session-recorder.js';
import { createFilesRecorder } from './files-recorder.js';
import { openFilesTimelineWriter, type FilesTimelineWriter } from './files-timeline-writer.js';

/**
 * How files sessions are recorded: a `tether-files-v1` timeline (JSON lines) written from the
 * relay tap, with every transfer and refusal audited.
 *
 * @example
 * export const sessionRecorders = { files: filesRecorderFactory };
 */
export const filesRecorderFactory: RecorderFactory = {
  format: 'tether-files-v1',
  extension: '.files.jsonl',
  async open(input) {
    const writer = await openFilesTimelineWriter({
      file: input.file,
      header: {
        format: 'tether-files-v1',
        startedAt: input.startedAt.toISOString(),
        title: input.title,
      },
      clock: input.clock,
    });
    const recorder = createFilesRecorder({ writer, audit: input.audit ?? (() => undefined) });
    return {
      tap: recorder.tap,
      onError: (listener) => writer.onError(listener),
      close: () => {
        recorder.finish();
        return writer.close();
      },
    };
  },
  auditOnly(audit) {
    return createFilesRecorder({ writer: unrecordedTimeline, audit }).tap;
  },
};

/** The timeline of a session that is not recorded: nothing is written, nothing waits. */
const unrecordedTimeline: FilesTimelineWriter = {
  append: () => undefined,
  onError: () => undefined,
  isCongested: false,
  onRelieved: () => undefined,
  close: () => Promise.resolve({ durationMs: 0, sizeBytes: 0 }),
};

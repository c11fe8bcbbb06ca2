import type { AuditAction, RecordingFormat, SessionKind } from '@tether/protocol';
import { createTerminalRecorder, openAsciicastWriter } from '../recordings/index.js';
import { filesRecorderFactory } from '../recordings/files/index.js';
import { desktopRecorderFactory } from '../recordings/desktop/index.js';
import type { RelayTap } from '../relay/index.js';

/** A recording being taken of one session, at the relay. */
export interface SessionRecorder {
  readonly tap: RelayTap;
  /** Called once if the recording cannot be written (the session is then ended: fail closed). */
  onError(listener: (error: Error) => void): void;
  close(): Promise<{ durationMs: number; sizeBytes: number }>;
}

/** How sessions of one kind are recorded. */
export interface RecorderFactory {
  format: RecordingFormat;
  /** File name extension of the recording, with its dot. */
  extension: string;
  open(input: {
    file: string;
    size: { cols: number; rows: number };
    startedAt: Date;
    title: string;
    clock: { now(): number };
    /** Audits what the recording sees (file transfers); actor and device are filled in. */
    audit?: (action: AuditAction, details: Record<string, unknown>) => void;
  }): Promise<SessionRecorder>;
  /**
   * For sessions not recorded (policy): a tap that still audits what must be audited (file
   * transfers). Kinds without it are relayed untapped.
   */
  auditOnly?(audit: (action: AuditAction, details: Record<string, unknown>) => void): RelayTap;
}

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

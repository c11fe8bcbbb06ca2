import type { AuditAction, RecordingFormat } from '@tether/protocol';
import type { Clock } from '../clock.js';
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
    clock: Clock;
    /** Audits what the recording sees (file transfers); actor and device are filled in. */
    audit?: (action: AuditAction, details: Record<string, unknown>) => void;
  }): Promise<SessionRecorder>;
  /**
   * For sessions not recorded (policy): a tap that still audits what must be audited (file
   * transfers). Kinds without it are relayed untapped.
   */
  auditOnly?(audit: (action: AuditAction, details: Record<string, unknown>) => void): RelayTap;
}

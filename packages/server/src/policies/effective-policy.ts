import type {
  AccessWindows,
  AssistanceModes,
  CustomStorage,
  PresencePolicies,
  RecordingMode,
  SessionKind,
} from '@tether/protocol';

/** What applies to one device once all its policies are combined. */
export interface EffectivePolicy {
  recording: Record<SessionKind, RecordingMode>;
  /** With the sealed credential as stored; only upload code may open it. */
  customStorage: CustomStorage | null;
  /** Modes and rights (null: no policy sets them, every mode with every right); windows (null: always). */
  assistance: {
    modes: AssistanceModes | null;
    accessWindows: AccessWindows | null;
    /** Rights by user presence; null: the mode's rights apply. */
    presence: PresencePolicies | null;
  };
  /** Whether several technicians may be in session with the device at once. */
  sessions: { concurrent: boolean };
}

/** Every session is recorded, nothing is uploaded, one technician at a time: what applies without any policy. */
export const DEFAULT_EFFECTIVE_POLICY: EffectivePolicy = Object.freeze({
  recording: Object.freeze({ terminal: 'required', desktop: 'required', files: 'required' }),
  customStorage: null,
  assistance: Object.freeze({ modes: null, accessWindows: null, presence: null }),
  sessions: Object.freeze({ concurrent: false }),
});

import type { RecordingMode, SessionKind } from '@tether/protocol';
import type { AssistanceFormState } from './policy-assistance-form.js';

/** A recording mode, or `unset`: the policy leaves it to the next one. */
export type ModeChoice = RecordingMode | 'unset';

/** The policy editor's fields (its own file: the editor and its storage fields both use it). */
export interface FormState {
  name: string;
  description: string;
  modes: Record<SessionKind, ModeChoice>;
  hasStorage: boolean;
  url: string;
  /** The SFTP server's host key fingerprint (`SHA256:…`). */
  hostKey: string;
  authentication: 'password' | 'publicKey';
  /** Empty on an existing policy with storage: keep the stored credential. */
  credential: string;
  assistance: AssistanceFormState;
  /** Several technicians in session with a device at once; `unset`: left to others. */
  concurrent: 'unset' | 'allowed' | 'one';
}

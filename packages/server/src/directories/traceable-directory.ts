import type { DirectoryVerdict, PasswordDirectory } from '../auth/sign-in-methods.js';
import type { DirectoryTrace } from './directory-trace.js';

/** A password directory whose check can report each stage (the administrators' test action). */
export interface TraceablePasswordDirectory extends PasswordDirectory {
  check(
    input: { username: string; password: string },
    trace?: DirectoryTrace,
  ): Promise<DirectoryVerdict>;
}

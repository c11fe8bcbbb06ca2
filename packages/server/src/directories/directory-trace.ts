import type { DirectoryTestStage } from '@tether/protocol';

/**
 * Where a directory reports what it saw at each stage of a check. Sign-in passes none; the
 * administrator's test action collects the stages. One code path for both, so the test shows
 * exactly what a sign-in does.
 */
export type DirectoryTrace = (stage: DirectoryTestStage) => void;

/** A trace that keeps nothing (sign-in). */
export const NO_TRACE: DirectoryTrace = () => undefined;

/** Attributes never shown, even to an administrator: passwords, keys, photos. */
const HIDDEN_ATTRIBUTE = /pass|unicodePwd|pkcs12|privateKey|photo|secret/i;

/** Attributes as the test shows them: strings only, never a password-like attribute. */
export function visibleAttributes(attributes: Record<string, unknown>): Record<string, string[]> {
  const shown: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'dn' || HIDDEN_ATTRIBUTE.test(name)) continue;
    const values = (Array.isArray(value) ? value : [value]).filter(
      (item): item is string => typeof item === 'string',
    );
    if (values.length > 0) shown[name] = values;
  }
  return shown;
}

/** The message of an error, for a stage's detail (never carries a secret: we build no message from one). */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

import type { z } from 'zod';
import type { SettingsRepository } from './store.js';

/**
 * A saved setting as its schema reads it, or `fallback` when none was saved or what was saved
 * no longer fits the schema (written by an older or newer server): settings never stop a start.
 *
 * @example
 * const settings = await readSetting(store.settings, 'admission', AdmissionSettings, DEFAULTS);
 */
export async function readSetting<S extends z.ZodType, F>(
  settings: Pick<SettingsRepository, 'get'>,
  key: string,
  schema: S,
  fallback: F,
): Promise<z.infer<S> | F> {
  const parsed = schema.safeParse(await settings.get(key));
  return parsed.success ? parsed.data : fallback;
}

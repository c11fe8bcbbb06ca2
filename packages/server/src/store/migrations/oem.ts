import type { Kysely } from 'kysely';
import type { Engine } from '../engine.js';

/** Schema of the oem feature (runs on SQLite and PostgreSQL). */
export async function createOemSchema(_db: Kysely<unknown>, _engine: Engine): Promise<void> {
  // Tables arrive with the feature.
}

import type { Kysely } from 'kysely';
import type { Engine } from '../engine.js';

/** Schema of the uploads feature (runs on SQLite and PostgreSQL). */
export async function createUploadSchema(_db: Kysely<unknown>, _engine: Engine): Promise<void> {
  // Tables arrive with the feature.
}

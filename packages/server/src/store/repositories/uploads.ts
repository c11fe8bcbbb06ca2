import type { Kysely } from 'kysely';
import type { UploadRepository } from '../upload-repository.js';
import type { Database } from '../schema.js';

export function createUploadRepository(_db: Kysely<Database>): UploadRepository {
  return {};
}

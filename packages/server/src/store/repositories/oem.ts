import type { Kysely } from 'kysely';
import type { OemRepository } from '../oem-repository.js';
import type { Database } from '../schema.js';

export function createOemRepository(_db: Kysely<Database>): OemRepository {
  return {};
}

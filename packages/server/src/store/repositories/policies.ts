import type { Kysely } from 'kysely';
import type { PolicyRepository } from '../policy-repository.js';
import type { Database } from '../schema.js';

export function createPolicyRepository(_db: Kysely<Database>): PolicyRepository {
  return {};
}

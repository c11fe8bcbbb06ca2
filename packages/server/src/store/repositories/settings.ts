import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { SettingsRepository } from '../store.js';

/** JSON settings by key on either engine. */
export function createSettingsRepository(db: Kysely<Database>): SettingsRepository {
  return {
    async get(key) {
      const row = await db
        .selectFrom('settings')
        .select('value')
        .where('key', '=', key)
        .executeTakeFirst();
      if (!row) return undefined;
      const value: unknown = JSON.parse(row.value);
      return value;
    },
    async set(key, value) {
      // `undefined` has no JSON form; storing it means "no value", which `get` reports as undefined.
      if (value === undefined) {
        await db.deleteFrom('settings').where('key', '=', key).execute();
        return;
      }
      const text = JSON.stringify(value);
      await db
        .insertInto('settings')
        .values({ key, value: text })
        .onConflict((conflict) => conflict.column('key').doUpdateSet({ value: text }))
        .execute();
    },
  };
}

import type { Kysely, Selectable } from 'kysely';
import type { PasskeysTable } from '../migrations/second-factors.js';
import type { Database } from '../schema.js';
import type { PasskeyRecord, SecondFactorRepository } from '../second-factor-repository.js';
import { fromMillis, fromMillisOrNull, toMillis } from './columns.js';

function toPasskey(row: Selectable<PasskeysTable>): PasskeyRecord {
  const transports: unknown = JSON.parse(row.transports);
  return {
    id: row.id,
    userId: row.user_id,
    publicKey: row.public_key,
    counter: row.counter,
    transports: Array.isArray(transports) ? transports.map(String) : [],
    name: row.name,
    createdAt: fromMillis(row.created_at),
    lastUsedAt: fromMillisOrNull(row.last_used_at),
  };
}

/** Second factors on either engine. */
export function createSecondFactorRepository(db: Kysely<Database>): SecondFactorRepository {
  return {
    async findTotp(userId) {
      const row = await db
        .selectFrom('totp_secrets')
        .selectAll()
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return (
        row && {
          userId: row.user_id,
          secret: row.secret,
          createdAt: fromMillis(row.created_at),
          confirmedAt: fromMillisOrNull(row.confirmed_at),
          lastStep: row.last_step,
        }
      );
    },
    async saveTotp({ userId, secret, createdAt }) {
      const values = {
        secret,
        created_at: toMillis(createdAt),
        confirmed_at: null,
        last_step: null,
      };
      await db
        .insertInto('totp_secrets')
        .values({ user_id: userId, ...values })
        .onConflict((conflict) =>
          conflict
            .column('user_id')
            .doUpdateSet(values)
            .where('totp_secrets.confirmed_at', 'is', null),
        )
        .execute();
    },
    async confirmTotp(userId, { at, step }) {
      const result = await db
        .updateTable('totp_secrets')
        .set({ confirmed_at: toMillis(at), last_step: step })
        .where('user_id', '=', userId)
        .where('confirmed_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    async useTotpStep(userId, step) {
      const result = await db
        .updateTable('totp_secrets')
        .set({ last_step: step })
        .where('user_id', '=', userId)
        .where('confirmed_at', 'is not', null)
        .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    async deleteTotp(userId) {
      const result = await db
        .deleteFrom('totp_secrets')
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    async replaceRecoveryCodes(userId, { hashes, at }) {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
        if (hashes.length === 0) return;
        await trx
          .insertInto('recovery_codes')
          .values(
            hashes.map((hash) => ({
              user_id: userId,
              code_hash: hash,
              created_at: toMillis(at),
              used_at: null,
            })),
          )
          .execute();
      });
    },
    async useRecoveryCode(userId, { hash, at }) {
      const result = await db
        .updateTable('recovery_codes')
        .set({ used_at: toMillis(at) })
        .where('user_id', '=', userId)
        .where('code_hash', '=', hash)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    async countRecoveryCodes(userId) {
      const row = await db
        .selectFrom('recovery_codes')
        .where('user_id', '=', userId)
        .where('used_at', 'is', null)
        .select((eb) => eb.fn.countAll<number | string>().as('count'))
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },

    async addPasskey(record) {
      await db
        .insertInto('passkeys')
        .values({
          id: record.id,
          user_id: record.userId,
          public_key: record.publicKey,
          counter: record.counter,
          transports: JSON.stringify(record.transports),
          name: record.name,
          created_at: toMillis(record.createdAt),
          last_used_at: null,
        })
        .execute();
    },
    async findPasskey(id) {
      const row = await db
        .selectFrom('passkeys')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toPasskey(row);
    },
    async listPasskeys(userId) {
      const rows = await db
        .selectFrom('passkeys')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toPasskey);
    },
    async renamePasskey(userId, { id, name }) {
      const result = await db
        .updateTable('passkeys')
        .set({ name })
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    async usePasskey(id, { counter, at }) {
      await db
        .updateTable('passkeys')
        .set({ counter, last_used_at: toMillis(at) })
        .where('id', '=', id)
        .execute();
    },
    async deletePasskey(userId, id) {
      const result = await db
        .deleteFrom('passkeys')
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    async hasFactor(userId) {
      const totp = await db
        .selectFrom('totp_secrets')
        .select('user_id')
        .where('user_id', '=', userId)
        .where('confirmed_at', 'is not', null)
        .executeTakeFirst();
      if (totp) return true;
      const passkey = await db
        .selectFrom('passkeys')
        .select('id')
        .where('user_id', '=', userId)
        .limit(1)
        .executeTakeFirst();
      return passkey !== undefined;
    },
    async deleteForUser(userId) {
      await db.deleteFrom('totp_secrets').where('user_id', '=', userId).execute();
      await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
      await db.deleteFrom('passkeys').where('user_id', '=', userId).execute();
    },
  };
}

import { sql, type Kysely, type Selectable } from 'kysely';
import type { GuessCountersTable } from '../migrations/shared-state.js';
import type { Database } from '../schema.js';
import type {
  ControlGrantRepository,
  GuessCounter,
  GuessCounterRepository,
  RelayTicketRepository,
} from '../shared-state-repository.js';
import { fromMillis, toMillis } from './columns.js';

/** Relay tokens on either engine: consumed by one conditional UPDATE … RETURNING. */
export function createRelayTicketRepository(db: Kysely<Database>): RelayTicketRepository {
  return {
    async issue({ tokenHash, sessionId, role, guestId, expiresAt }) {
      await db
        .insertInto('relay_tickets')
        .values({
          token_hash: tokenHash,
          session_id: sessionId,
          role,
          guest_id: guestId,
          expires_at: toMillis(expiresAt),
          used_at: null,
          session_ended: 0,
        })
        .execute();
    },
    async consume(tokenHash, { sessionId, at }) {
      const row = await db
        .updateTable('relay_tickets')
        .set({ used_at: toMillis(at) })
        .where('token_hash', '=', tokenHash)
        .where('session_id', '=', sessionId)
        .where('used_at', 'is', null)
        .where('session_ended', '=', 0)
        .where('expires_at', '>', toMillis(at))
        .returning(['role', 'guest_id'])
        .executeTakeFirst();
      return row && { role: row.role, guestId: row.guest_id };
    },
    async find(tokenHash) {
      const row = await db
        .selectFrom('relay_tickets')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return (
        row && {
          tokenHash: row.token_hash,
          sessionId: row.session_id,
          role: row.role,
          guestId: row.guest_id,
          expiresAt: fromMillis(row.expires_at),
          isUsed: row.used_at !== null,
          isSessionEnded: row.session_ended !== 0,
        }
      );
    },
    async endSession(sessionId) {
      await db
        .updateTable('relay_tickets')
        .set({ session_ended: 1 })
        .where('session_id', '=', sessionId)
        .where('session_ended', '=', 0)
        .execute();
    },
    async prune(before) {
      const result = await db
        .deleteFrom('relay_tickets')
        .where('expires_at', '<', toMillis(before))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

/** OEM control URLs on either engine: taken by one DELETE … RETURNING. */
export function createControlGrantRepository(db: Kysely<Database>): ControlGrantRepository {
  return {
    async add(grant) {
      const values = {
        device_id: grant.deviceId,
        device_key_id: grant.deviceKeyId,
        target_nonce: grant.targetNonce,
        tenant_id: grant.tenantId,
        control_type: grant.controlType,
        token_id: grant.tokenId,
        expires_at: toMillis(grant.expiresAt),
      };
      await db
        .insertInto('control_grants')
        .values(values)
        .onConflict((conflict) =>
          conflict.columns(['device_id', 'device_key_id', 'target_nonce']).doUpdateSet({
            tenant_id: values.tenant_id,
            control_type: values.control_type,
            token_id: values.token_id,
            expires_at: values.expires_at,
          }),
        )
        .execute();
    },
    async take({ deviceId, deviceKeyId, targetNonce }) {
      const row = await db
        .deleteFrom('control_grants')
        .where('device_id', '=', deviceId)
        .where('device_key_id', '=', deviceKeyId)
        .where('target_nonce', '=', targetNonce)
        .returningAll()
        .executeTakeFirst();
      return (
        row && {
          tenantId: row.tenant_id,
          deviceId: row.device_id,
          deviceKeyId: row.device_key_id,
          targetNonce: row.target_nonce,
          controlType: row.control_type,
          tokenId: row.token_id,
          expiresAt: fromMillis(row.expires_at),
        }
      );
    },
    async dropKey(deviceId, deviceKeyId) {
      await db
        .deleteFrom('control_grants')
        .where('device_id', '=', deviceId)
        .where('device_key_id', '=', deviceKeyId)
        .execute();
    },
    async prune(at) {
      const result = await db
        .deleteFrom('control_grants')
        .where('expires_at', '<=', toMillis(at))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

/** Guess counters on either engine, changed under row locks. */
export function createGuessCounterRepository(db: Kysely<Database>): GuessCounterRepository {
  return {
    update(keys, change) {
      return db.transaction().execute(async (trx) => {
        // The upsert creates a missing row and locks it (PostgreSQL; SQLite runs one write
        // transaction at a time). Keys are locked in one order so two nodes cannot deadlock.
        const locked = new Map<string, GuessCounter>();
        for (const key of [...new Set(keys)].sort()) {
          const row = await trx
            .insertInto('guess_counters')
            .values({
              key,
              failures: 0,
              pending: 0,
              pending_until: 0,
              blocked_until: 0,
              last_at: 0,
            })
            .onConflict((conflict) =>
              conflict.column('key').doUpdateSet((eb) => ({ key: eb.ref('excluded.key') })),
            )
            .returningAll()
            .executeTakeFirstOrThrow();
          locked.set(key, toCounter(row));
        }
        const counters = keys.map((key) => locked.get(key) ?? emptyCounter());
        const result = change(counters);
        for (const [key, counter] of locked) {
          if (isEmpty(counter)) {
            await trx.deleteFrom('guess_counters').where('key', '=', key).execute();
            continue;
          }
          await trx
            .updateTable('guess_counters')
            .set({
              failures: counter.failures,
              pending: counter.pending,
              pending_until: counter.pendingUntil,
              blocked_until: counter.blockedUntil,
              last_at: counter.lastAt,
            })
            .where('key', '=', key)
            .execute();
        }
        return result;
      });
    },
    async forget(prefix) {
      await db
        .deleteFrom('guess_counters')
        .where(sql<string>`substr(key, 1, ${prefix.length})`, '=', prefix)
        .execute();
    },
    async prune(before) {
      const result = await db
        .deleteFrom('guess_counters')
        .where('last_at', '<', toMillis(before))
        .where((eb) => eb.or([eb('pending', '=', 0), eb('pending_until', '<', toMillis(before))]))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

function toCounter(row: Selectable<GuessCountersTable>): GuessCounter {
  return {
    failures: row.failures,
    pending: row.pending,
    pendingUntil: row.pending_until,
    blockedUntil: row.blocked_until,
    lastAt: row.last_at,
  };
}

/** A counter that says nothing: its row is deleted. */
export function isEmpty(counter: GuessCounter): boolean {
  return counter.failures === 0 && counter.pending === 0 && counter.blockedUntil === 0;
}

function emptyCounter(): GuessCounter {
  return { failures: 0, pending: 0, pendingUntil: 0, blockedUntil: 0, lastAt: 0 };
}

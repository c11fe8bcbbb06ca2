import { AppError, DeviceInventory, DeviceStats } from '@tether/protocol';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { z } from 'zod';
import { compiledOnce, inList } from '../compiled-query.js';
import { isUniqueViolation } from '../engine.js';
import { batchedLookup, turnBatch } from '../turn-batch.js';
import type { Database, DevicesTable } from '../schema.js';
import type {
  DeviceInstallFields,
  DeviceRecord,
  DeviceRepository,
  EnrollRefusal,
} from '../store.js';
import {
  fromMillis,
  fromMillisOrNull,
  parseJsonColumn,
  toMillis,
  toMillisOrNull,
} from './columns.js';

const Tags = z.array(z.string());

/** Devices enrolled by hand, and before installer attributes existed. */
const DEFAULT_INSTALL_FIELDS: DeviceInstallFields = {
  comments: '',
  tags: [],
  maxOfflineMinutes: null,
  connectionType: 'active',
  installMode: null,
};

/** Devices on either engine. */
export function createDeviceRepository(db: Kysely<Database>): DeviceRepository {
  const select = () => db.selectFrom('devices').selectAll();
  // What every agent connection and statistics sample runs: built once (compiled-query.ts).
  const findById = compiledOnce(db, 1, (id) => select().where('id', '=', id));
  // A reconnect storm's hellos: read a few hundred at a time.
  const lookUp = batchedLookup({
    one: (id) => findById(id),
    many: (ids) => select().where('id', 'in', inList(ids)).execute(),
    keyOf: (row) => row.id,
  });
  const setInventory = compiledOnce(db, 6, (inventory, hostname, osName, version, at, id) =>
    db
      .updateTable('devices')
      .set({ inventory, hostname, os_name: osName, agent_version: version, last_seen_at: at })
      .where('id', '=', id),
  );
  const setStats = compiledOnce(db, 4, (stats, statsAt, at, id) =>
    db
      .updateTable('devices')
      .set({ stats, stats_at: statsAt, last_seen_at: at })
      .where('id', '=', id),
  );
  // Agents connecting and leaving in one turn (a storm, a node gone): one statement, stamped
  // with the latest of their moments (a few milliseconds apart at most).
  const touch = turnBatch(async (seen: readonly { id: string; at: Date }[]) => {
    const latest = Math.max(...seen.map(({ at }) => toMillis(at)));
    await db
      .updateTable('devices')
      .set({ last_seen_at: latest })
      .where('id', 'in', inList(seen.map(({ id }) => id)))
      .execute();
    return seen.map(() => undefined);
  });
  return {
    enroll: (input) => db.transaction().execute((trx) => enrollInTransaction(trx, input)),
    async find(id) {
      const [row] = await lookUp(id);
      return row && toRecord(row);
    },
    async list() {
      const rows = await select()
        .where('deleted_at', 'is', null)
        .orderBy('name')
        .orderBy('id')
        .execute();
      return rows.map(toRecord);
    },
    // An inventory or a statistics sample is the device talking to us: it was seen then.
    async updateInventory(id, inventory, at) {
      const columns = inventoryColumns(inventory);
      const { hostname, os_name: osName, agent_version: version } = columns;
      await setInventory(columns.inventory, hostname, osName, version, toMillis(at), id);
    },
    async updateStats(id, stats, at) {
      const millis = toMillis(at);
      await setStats(JSON.stringify(stats), millis, millis, id);
    },
    async update(id, changes) {
      const set = {
        ...(changes.name !== undefined && { name: changes.name }),
        ...(changes.comments !== undefined && { comments: changes.comments }),
        ...(changes.tags !== undefined && { tags: JSON.stringify(changes.tags) }),
      };
      if (Object.keys(set).length > 0)
        await db
          .updateTable('devices')
          .set(set)
          .where('id', '=', id)
          .where('deleted_at', 'is', null)
          .execute();
      const row = await select()
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      return row && toRecord(row);
    },
    async markDeleted(id, at) {
      const result = await db
        .updateTable('devices')
        .set({ deleted_at: toMillis(at) })
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    setLastSeen: (id, at) => touch({ id, at }),
  };
}

type EnrollInput = Parameters<DeviceRepository['enroll']>[0];
type EnrollResult = Awaited<ReturnType<DeviceRepository['enroll']>>;

/**
 * Counts the install with one conditional UPDATE, so two agents racing for the last install of
 * a capped installer cannot both win: on PostgreSQL the second waits for the row lock and
 * re-checks the condition; SQLite runs one writer at a time.
 */
async function enrollInTransaction(
  trx: Transaction<Database>,
  input: EnrollInput,
): Promise<EnrollResult> {
  const now = toMillis(input.now);
  const claimed = await trx
    .updateTable('installers')
    .set((eb) => ({ installs: eb('installs', '+', 1) }))
    .where('id', '=', input.installerId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .where((eb) =>
      eb.or([eb('max_installs', 'is', null), eb('installs', '<', eb.ref('max_installs'))]),
    )
    .returning('group_name')
    .executeTakeFirst();
  if (!claimed) return { ok: false, reason: await refusalReason(trx, input.installerId, now) };
  const device: DeviceRecord = {
    ...DEFAULT_INSTALL_FIELDS,
    ...input.device,
    group: input.group ?? claimed.group_name,
    installerId: input.installerId,
    lastSeenAt: null,
    stats: null,
    statsAt: null,
    deletedAt: null,
    lostAt: null,
    uninstalledAt: null,
  };
  try {
    await trx.insertInto('devices').values(toRow(device)).execute();
  } catch (error) {
    // Throwing rolls the install count back with the rest of the transaction.
    if (!isUniqueViolation(error)) throw error;
    throw new AppError('CONFLICT', `A device with id "${device.id}" already exists.`);
  }
  return { ok: true, device };
}

/** Why the conditional update matched nothing, in the order the checks are documented. */
async function refusalReason(
  trx: Transaction<Database>,
  installerId: string,
  now: number,
): Promise<EnrollRefusal> {
  const installer = await trx
    .selectFrom('installers')
    .select(['revoked_at', 'expires_at', 'max_installs', 'installs'])
    .where('id', '=', installerId)
    .executeTakeFirst();
  if (!installer) return 'not_found';
  if (installer.revoked_at !== null) return 'revoked';
  if (installer.expires_at <= now) return 'expired';
  return 'exhausted';
}

function toRow(device: DeviceRecord): DevicesTable {
  return {
    id: device.id,
    name: device.name,
    group_name: device.group,
    public_key: device.publicKey,
    installer_id: device.installerId,
    ...inventoryColumns(device.inventory),
    enrolled_at: toMillis(device.enrolledAt),
    last_seen_at: toMillisOrNull(device.lastSeenAt),
    stats: device.stats === null ? null : JSON.stringify(device.stats),
    stats_at: toMillisOrNull(device.statsAt),
    comments: device.comments,
    tags: JSON.stringify(device.tags),
    max_offline_minutes: device.maxOfflineMinutes,
    connection_type: device.connectionType,
    install_mode: device.installMode,
    deleted_at: toMillisOrNull(device.deletedAt),
    lost_at: toMillisOrNull(device.lostAt),
    uninstalled_at: toMillisOrNull(device.uninstalledAt),
  };
}

/** The inventory and the copies of its fields the device list searches and sorts on. */
function inventoryColumns(
  inventory: DeviceInventory,
): Pick<DevicesTable, 'inventory' | 'hostname' | 'os_name' | 'agent_version'> {
  return {
    inventory: JSON.stringify(inventory),
    hostname: inventory.hostname,
    os_name: inventory.os.name,
    agent_version: inventory.agentVersion,
  };
}

export function toRecord(row: Selectable<DevicesTable>): DeviceRecord {
  return {
    id: row.id,
    name: row.name,
    group: row.group_name,
    publicKey: row.public_key,
    installerId: row.installer_id,
    inventory: parseJsonColumn(row.inventory, DeviceInventory, `inventory of device ${row.id}`),
    enrolledAt: fromMillis(row.enrolled_at),
    lastSeenAt: fromMillisOrNull(row.last_seen_at),
    stats:
      row.stats === null
        ? null
        : parseJsonColumn(row.stats, DeviceStats, `statistics of device ${row.id}`),
    statsAt: fromMillisOrNull(row.stats_at),
    comments: row.comments ?? '',
    tags: row.tags === null ? [] : parseJsonColumn(row.tags, Tags, `tags of device ${row.id}`),
    maxOfflineMinutes: row.max_offline_minutes,
    connectionType: row.connection_type === 'passive' ? 'passive' : 'active',
    installMode:
      row.install_mode === 'service' || row.install_mode === 'user' ? row.install_mode : null,
    deletedAt: fromMillisOrNull(row.deleted_at),
    lostAt: fromMillisOrNull(row.lost_at),
    uninstalledAt: fromMillisOrNull(row.uninstalled_at),
  };
}

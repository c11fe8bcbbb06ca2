import { AppError } from '@tether/protocol';
import type { Kysely, Selectable, Transaction } from 'kysely';
import type {
  DeviceGroupRecord,
  DeviceGroupRepository,
  GroupReferenceUse,
} from '../device-group-repository.js';
import { isUniqueViolation } from '../engine.js';
import { groupNameKey, type DeviceGroupsTable } from '../migrations/device-groups.js';
import type { Database } from '../schema.js';
import { fromMillis, toMillis } from './columns.js';
import { GROUP_REFERENCES } from './group-references.js';

function conflict(name: string): AppError {
  return new AppError(
    'CONFLICT',
    `A device group named "${name}" already exists (names are compared ignoring letter case). Choose another name.`,
  );
}

/** Turns a unique-name violation into CONFLICT; other errors pass through. */
async function uniqueName<T>(name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    throw conflict(name);
  }
}

/** Device groups on either engine; references to a group's name are in `group-references.ts`. */
export function createDeviceGroupRepository(db: Kysely<Database>): DeviceGroupRepository {
  const select = () => db.selectFrom('device_groups').selectAll();
  return {
    async create(group) {
      await uniqueName(group.name, () =>
        db
          .insertInto('device_groups')
          .values({
            id: group.id,
            name: group.name,
            name_key: groupNameKey(group.name),
            description: group.description,
            created_at: toMillis(group.createdAt),
          })
          .execute(),
      );
      return group;
    },
    async find(id) {
      const row = await select().where('id', '=', id).executeTakeFirst();
      return row && toRecord(row);
    },
    async findByName(name) {
      const row = await select().where('name_key', '=', groupNameKey(name)).executeTakeFirst();
      return row && toRecord(row);
    },
    async list() {
      const rows = await db
        .selectFrom('device_groups as g')
        .leftJoin('devices as d', (join) =>
          join.onRef('d.group_name', '=', 'g.name').on('d.deleted_at', 'is', null),
        )
        .selectAll('g')
        .select((eb) => eb.fn.count<number | string>('d.id').as('device_count'))
        .groupBy(['g.id', 'g.name', 'g.name_key', 'g.description', 'g.created_at'])
        .orderBy('g.name_key')
        .execute();
      return rows.map((row) => ({ ...toRecord(row), deviceCount: Number(row.device_count) }));
    },
    update: (id, changes) =>
      uniqueName(changes.name ?? '', () =>
        db.transaction().execute((trx) => updateInTransaction(trx, id, changes)),
      ),
    delete: (id, options) =>
      db.transaction().execute((trx) => deleteInTransaction(trx, id, options)),
    moveDevice: (deviceId, group) =>
      db.transaction().execute(async (trx) => {
        const target = await trx
          .selectFrom('device_groups')
          .select('name')
          .where('name_key', '=', groupNameKey(group))
          .executeTakeFirst();
        if (!target) return 'no_group';
        const device = await trx
          .selectFrom('devices')
          .select('group_name')
          .where('id', '=', deviceId)
          .where('deleted_at', 'is', null)
          .executeTakeFirst();
        if (!device) return 'no_device';
        await trx
          .updateTable('devices')
          .set({ group_name: target.name })
          .where('id', '=', deviceId)
          .execute();
        return { from: device.group_name, to: target.name };
      }),
  };
}

async function updateInTransaction(
  trx: Transaction<Database>,
  id: string,
  changes: { name?: string; description?: string },
): Promise<DeviceGroupRecord | undefined> {
  const row = await trx
    .selectFrom('device_groups')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  const name = changes.name ?? row.name;
  // The unique key is checked by the UPDATE below before any reference is rewritten.
  await trx
    .updateTable('device_groups')
    .set({
      name,
      name_key: groupNameKey(name),
      description: changes.description ?? row.description,
    })
    .where('id', '=', id)
    .execute();
  if (name !== row.name) {
    for (const reference of GROUP_REFERENCES) await reference.rename(trx, row.name, name);
  }
  return toRecord({ ...row, name, description: changes.description ?? row.description });
}

async function deleteInTransaction(
  trx: Transaction<Database>,
  id: string,
  options: { now: Date; removeAssignments: boolean },
) {
  const row = await trx
    .selectFrom('device_groups')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  const uses: (GroupReferenceUse & { remove: () => Promise<void> })[] = [];
  for (const reference of GROUP_REFERENCES) {
    const { count, examples } = await reference.uses(trx, row.name, options.now);
    if (count === 0) continue;
    uses.push({
      what: reference.what,
      one: reference.one,
      count,
      examples,
      hint: reference.hint,
      isRemovable: reference.onDelete === 'removable',
      remove: () => reference.remove?.(trx, row.name) ?? Promise.resolve(),
    });
  }
  const blockers = uses.filter((use) => !use.isRemovable || !options.removeAssignments);
  const strip = ({ remove: _remove, ...use }: (typeof uses)[number]) => use;
  if (blockers.length > 0) return { deleted: false as const, blockers: blockers.map(strip) };
  for (const use of uses) await use.remove();
  await trx.deleteFrom('device_groups').where('id', '=', id).execute();
  return { deleted: true as const, removed: uses.map(strip) };
}

function toRecord(row: Selectable<DeviceGroupsTable>): DeviceGroupRecord {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    createdAt: fromMillis(row.created_at),
  };
}

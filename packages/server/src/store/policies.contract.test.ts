import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { AppError, type PolicySettings } from '@tether/protocol';
import { onEachEngine } from '../../test/support/store-engines.js';
import { openStore } from './open-store.js';
import type { PolicyChangeCheck, PolicyRecord } from './policy-repository.js';
import type { Store } from './store.js';
import { at, T0 } from './test/fixtures.js';

const SEALED = '-----BEGIN CMS-----\nMIIBsealed\n-----END CMS-----\n';

function newPolicy(name: string, settings: PolicySettings = {}): PolicyRecord {
  return {
    id: randomUUID(),
    name,
    description: `about ${name}`,
    settings,
    createdAt: T0,
    updatedAt: T0,
  };
}

const isConflict = (error: unknown) => error instanceof AppError && error.code === 'CONFLICT';

/** Refuses any target where two policies set a different terminal recording mode. */
const refuseTerminalDisagreement: PolicyChangeCheck = (affected) => {
  for (const { policies } of affected) {
    const modes = new Set(policies.map((policy) => policy.settings.recording?.terminal));
    modes.delete(undefined);
    if (modes.size > 1) throw new AppError('CONFLICT', 'terminal modes disagree');
  }
};

/** The policies part of the store contract, on one engine. */
function definePolicyContract(engine: Store['engine'], newDatabase: () => Promise<string>): void {
  describe(`Policy store contract (${engine})`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await openStore(await newDatabase());
    });
    afterEach(() => store.close());

    it('round-trips a policy with its sealed credential and lists by name, case-insensitively', async () => {
      const settings: PolicySettings = {
        recording: { terminal: 'off' },
        customStorage: {
          url: 'sftp://rec@files:22/in',
          authentication: 'password',
          credential: SEALED,
        },
      };
      const zulu = await store.policies.create(newPolicy('zulu', settings));
      const alpha = await store.policies.create(newPolicy('Alpha'));
      const bravo = await store.policies.create(newPolicy('bravo'));
      assert.deepEqual(zulu.assignments, []);
      assert.deepEqual(zulu.settings, settings);
      assert.deepEqual(await store.policies.find(zulu.id), zulu);
      assert.deepEqual(
        (await store.policies.list()).map((policy) => policy.name),
        [alpha.name, bravo.name, zulu.name],
      );
      assert.equal(await store.policies.find(randomUUID()), undefined);
    });

    it('refuses a name taken in another case with CONFLICT, on create and on rename', async () => {
      await store.policies.create(newPolicy('Servers'));
      const other = await store.policies.create(newPolicy('Laptops'));
      await assert.rejects(store.policies.create(newPolicy('SERVERS')), isConflict);
      await assert.rejects(
        store.policies.update(other.id, { ...other, name: 'servers', updatedAt: at(5) }),
        isConflict,
      );
      assert.equal((await store.policies.find(other.id))?.name, 'Laptops');
      assert.equal((await store.policies.list()).length, 2);
    });

    it('updates name, description and settings, and says when there is no such policy', async () => {
      const policy = await store.policies.create(
        newPolicy('one', { recording: { terminal: 'off' } }),
      );
      const updated = await store.policies.update(policy.id, {
        name: 'One',
        description: 'changed',
        settings: { recording: { desktop: 'off' } },
        updatedAt: at(60),
      });
      assert.deepEqual(updated, {
        ...policy,
        name: 'One',
        description: 'changed',
        settings: { recording: { desktop: 'off' } },
        updatedAt: at(60),
      });
      assert.deepEqual(await store.policies.find(policy.id), updated);
      assert.equal(
        await store.policies.update(randomUUID(), { ...policy, updatedAt: at(61) }),
        undefined,
      );
    });

    it('replaces assignments, ignores duplicates, and finds policies by device and by group', async () => {
      const deviceId = randomUUID();
      const group = await store.policies.create(newPolicy('group-wide'));
      const single = await store.policies.create(newPolicy('single'));
      await store.policies.setAssignments(group.id, {
        assignments: [{ type: 'group', group: 'Old' }],
        updatedAt: at(1),
      });
      const assigned = await store.policies.setAssignments(group.id, {
        assignments: [
          { type: 'device', deviceId },
          { type: 'group', group: 'Lab' },
          { type: 'group', group: 'Lab' },
        ],
        updatedAt: at(2),
      });
      assert.deepEqual(assigned?.assignments, [
        { type: 'group', group: 'Lab' },
        { type: 'device', deviceId },
      ]);
      assert.deepEqual(assigned.updatedAt, at(2));
      await store.policies.setAssignments(single.id, {
        assignments: [{ type: 'device', deviceId }],
        updatedAt: at(3),
      });

      const applied = await store.policies.forDevice({ id: deviceId, group: 'Lab' });
      assert.deepEqual(applied.map(({ policy, level }) => `${policy.name}@${level}`).sort(), [
        'group-wide@device',
        'group-wide@group',
        'single@device',
      ]);
      assert.deepEqual(await store.policies.forDevice({ id: randomUUID(), group: 'lab' }), []);
      assert.equal(
        await store.policies.setAssignments(randomUUID(), { assignments: [], updatedAt: at(4) }),
        undefined,
      );
    });

    it('deletes a policy with its assignments, once', async () => {
      const policy = await store.policies.create(newPolicy('gone'));
      await store.policies.setAssignments(policy.id, {
        assignments: [{ type: 'group', group: 'Lab' }],
        updatedAt: at(1),
      });
      assert.equal(await store.policies.delete(policy.id), true);
      assert.equal(await store.policies.delete(policy.id), false);
      assert.deepEqual(await store.policies.forDevice({ id: randomUUID(), group: 'Lab' }), []);
    });

    it('shows the check every target after the change, and rolls back what it refuses', async () => {
      const off = await store.policies.create(newPolicy('off', { recording: { terminal: 'off' } }));
      const on = await store.policies.create(
        newPolicy('on', { recording: { terminal: 'required' } }),
      );
      const lab = { type: 'group', group: 'Lab' } as const;
      await store.policies.setAssignments(off.id, { assignments: [lab], updatedAt: at(1) });
      let seen: string[] = [];
      await store.policies.setAssignments(
        on.id,
        { assignments: [{ type: 'group', group: 'Office' }], updatedAt: at(2) },
        (affected) => {
          seen = affected.map(({ target, policies }) =>
            [JSON.stringify(target), ...policies.map((policy) => policy.name)].join(' '),
          );
        },
      );
      assert.deepEqual(seen, ['{"type":"group","group":"Office"} on']);

      await assert.rejects(
        store.policies.setAssignments(
          on.id,
          { assignments: [lab], updatedAt: at(3) },
          refuseTerminalDisagreement,
        ),
        isConflict,
      );
      const unchanged = await store.policies.find(on.id);
      assert.deepEqual(unchanged?.assignments, [{ type: 'group', group: 'Office' }]);
      assert.deepEqual(unchanged.updatedAt, at(2));

      await store.policies.setAssignments(on.id, { assignments: [lab], updatedAt: at(4) });
      await assert.rejects(
        store.policies.update(
          on.id,
          { ...on, settings: { recording: { terminal: 'off', files: 'off' } }, updatedAt: at(5) },
          () => {
            throw new AppError('CONFLICT', 'refused');
          },
        ),
        isConflict,
      );
      assert.deepEqual((await store.policies.find(on.id))?.settings, on.settings);
    });

    it('lets only one of two concurrent, mutually conflicting assignments through', async () => {
      for (let round = 0; round < 3; round += 1) {
        const group = { type: 'group', group: `race-${round}` } as const;
        const off = await store.policies.create(
          newPolicy(`off-${round}`, { recording: { terminal: 'off' } }),
        );
        const on = await store.policies.create(
          newPolicy(`on-${round}`, { recording: { terminal: 'required' } }),
        );
        const results = await Promise.allSettled(
          [off, on].map((policy) =>
            store.policies.setAssignments(
              policy.id,
              { assignments: [group], updatedAt: at(1) },
              refuseTerminalDisagreement,
            ),
          ),
        );
        assert.deepEqual(
          results.map((result) => result.status).sort(),
          ['fulfilled', 'rejected'],
          `round ${round}`,
        );
        assert.equal(
          (await store.policies.forDevice({ id: randomUUID(), group: group.group })).length,
          1,
        );
      }
    });
  });
}

onEachEngine(definePolicyContract);

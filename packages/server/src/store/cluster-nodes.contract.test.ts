import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { onEachEngine } from '../../test/support/store-engines.js';
import { listClusterNodes } from '../cluster/node-registry.js';
import type { ClusterNodeRecord } from './cluster-node-repository.js';
import { openStore } from './open-store.js';
import type { Store } from './store.js';
import { at, T0 } from './test/fixtures.js';

function node(id: string, beatAt: Date, agents = 0): ClusterNodeRecord {
  return {
    id,
    url: `https://${id}.internal:8443`,
    version: '1.2.3',
    startedAt: T0,
    heartbeatAt: beatAt,
    leaseUntil: new Date(beatAt.getTime() + 15_000),
    agents,
  };
}

function defineClusterNodeContract(engine: string, newDatabase: () => Promise<string>): void {
  describe(`Cluster nodes store (${engine})`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await openStore(await newDatabase());
    });
    afterEach(() => store.close());

    it('a heartbeat renews the lease and the agent count; the start stays', async () => {
      await store.clusterNodes.beat(node('node-1', T0, 3));
      await store.clusterNodes.beat({ ...node('node-1', at(5), 7), startedAt: at(5) });
      const [only, ...others] = await listClusterNodes(store.clusterNodes, at(6));
      assert.deepEqual(others, []);
      assert.deepEqual(only, {
        id: 'node-1',
        url: 'https://node-1.internal:8443',
        version: '1.2.3',
        startedAt: T0,
        lastHeartbeatAt: at(5),
        agents: 7,
        isAlive: true,
      });
    });

    it('a node past its lease is dead, listed for 10 minutes, then pruned; one that left is gone', async () => {
      await store.clusterNodes.beat(node('node-1', T0));
      await store.clusterNodes.beat(node('node-2', at(100)));
      await store.clusterNodes.beat(node('node-3', at(100)));
      await store.clusterNodes.remove('node-3');
      assert.deepEqual(
        (await listClusterNodes(store.clusterNodes, at(101))).map((each) => [
          each.id,
          each.isAlive,
        ]),
        [
          ['node-1', false],
          ['node-2', true],
        ],
      );
      assert.deepEqual(
        (await listClusterNodes(store.clusterNodes, at(15 + 600 + 1))).map((each) => each.id),
        ['node-2'],
      );
      assert.equal(await store.clusterNodes.prune(at(100)), 1);
      assert.equal(await store.clusterNodes.prune(at(100)), 0);
    });
  });
}

onEachEngine(defineClusterNodeContract);

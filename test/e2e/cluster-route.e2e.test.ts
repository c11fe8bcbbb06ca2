import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTwoNodes } from '../support/two-nodes.js';

test('two nodes on one database share the administrator and the cluster', async () => {
  const nodes = await startTwoNodes();
  try {
    const [a, b] = [nodes.a.server.context.cluster, nodes.b.server.context.cluster];
    assert.equal(a.isClustered, true);
    assert.deepEqual((await b.nodes()).map((node) => node.id).sort(), ['node-a', 'node-b']);
    assert.equal((await nodes.b.admin.request('GET', '/api/v1/devices')).status, 200);
  } finally {
    await nodes.close();
  }
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Notification } from '@tether/protocol';
import { createNewAddressWatch } from './new-address-watch.js';

function setUp() {
  const values = new Map<string, unknown>();
  const sent: Notification[] = [];
  const watch = createNewAddressWatch({
    store: {
      settings: {
        get: (key) => Promise.resolve(values.get(key)),
        set: (key, value) => Promise.resolve(void values.set(key, value)),
      },
    },
    notifications: { notify: (notification) => void sent.push(notification) },
  });
  const admin = { user: { id: 'u1', username: 'alice' }, permissions: ['settings.manage'] };
  return { watch, sent, admin };
}

describe('new-address watch', () => {
  it('takes the first address as the baseline, then tells of each new one once', async () => {
    const { watch, sent, admin } = setUp();
    await watch({ ...admin, sourceAddress: '192.0.2.1' });
    assert.equal(sent.length, 0, 'the first sign-in sets the baseline');
    await watch({ ...admin, sourceAddress: '192.0.2.1' });
    await watch({ ...admin, sourceAddress: '198.51.100.7' });
    await watch({ ...admin, sourceAddress: '198.51.100.7' });
    assert.equal(sent.length, 1);
    assert.equal(sent[0]?.kind, 'admin.newAddress');
    assert.match(sent[0].text, /198\.51\.100\.7/);
  });

  it('counts an IPv6 /64 as one address (privacy addresses change daily)', async () => {
    const { watch, sent, admin } = setUp();
    await watch({ ...admin, sourceAddress: '2001:db8:1:2::10' });
    await watch({ ...admin, sourceAddress: '2001:db8:1:2:abcd::99' });
    assert.equal(sent.length, 0);
  });

  it('ignores users who cannot change the server settings', async () => {
    const { watch, sent } = setUp();
    const technician = { user: { id: 'u2', username: 'bob' }, permissions: ['console.use'] };
    await watch({ ...technician, sourceAddress: '192.0.2.1' });
    await watch({ ...technician, sourceAddress: '192.0.2.2' });
    assert.equal(sent.length, 0);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '@tether/protocol';
import { createTetherClient } from '../src/index.js';

const group = {
  id: '5b1e0c3a-2d4f-4e6a-8b7c-9d0e1f2a3b4c',
  name: 'Servers',
  description: 'Racks',
  createdAt: '2025-01-01T00:00:00.000Z',
  deviceCount: 3,
};

/** A client whose fetch answers `status` with `body` and records each call. */
function clientAnswering(status: number, body: unknown) {
  const calls: { method: string; url: string; body: unknown }[] = [];
  const api = createTetherClient({
    baseUrl: 'https://tether.example',
    fetch: (input, init) => {
      const text = typeof init?.body === 'string' ? init.body : undefined;
      calls.push({
        method: init?.method ?? 'GET',
        url: typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
        body: text === undefined ? undefined : JSON.parse(text),
      });
      return Promise.resolve(
        new Response(status === 204 ? null : JSON.stringify(body), {
          status,
          headers: { 'content-type': 'application/json' },
        }),
      );
    },
  });
  return { api, calls };
}

describe('device group client', () => {
  it('renames with PATCH and returns the validated group', async () => {
    const { api, calls } = clientAnswering(200, { group });
    assert.deepEqual(await api.updateDeviceGroup(group.id, { name: 'Servers' }), group);
    assert.deepEqual(calls, [
      {
        method: 'PATCH',
        url: `https://tether.example/api/v1/device-groups/${group.id}`,
        body: { name: 'Servers' },
      },
    ]);
  });

  it('confirms the removal of assignments only when asked', async () => {
    const { api, calls } = clientAnswering(204, undefined);
    await api.deleteDeviceGroup(group.id);
    await api.deleteDeviceGroup(group.id, { removeAssignments: true });
    assert.deepEqual(
      calls.map((call) => [call.method, new URL(call.url).search]),
      [
        ['DELETE', '?removeAssignments=false'],
        ['DELETE', '?removeAssignments=true'],
      ],
    );
  });

  it("passes a refusal on with the server's blockers", async () => {
    const refusal = {
      code: 'CONFLICT',
      message: 'Cannot delete device group "Servers": it still has 3 devices.',
      details: { blockers: [{ what: 'devices', count: 3, examples: [], isRemovable: false }] },
    };
    const { api } = clientAnswering(409, refusal);
    await assert.rejects(api.deleteDeviceGroup(group.id), (error: unknown) => {
      assert.ok(error instanceof AppError);
      assert.equal(error.code, 'CONFLICT');
      assert.deepEqual(error.details, refusal.details);
      return true;
    });
  });
});

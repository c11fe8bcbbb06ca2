import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '@tether/protocol';
import { createTetherClient } from '../src/index.js';

const policy = {
  id: '5b1e0c3a-2d4f-4e6a-8b7c-9d0e1f2a3b4c',
  name: 'Lab',
  description: '',
  settings: {
    recording: { terminal: 'off' },
    customStorage: {
      url: 'sftp://rec@files/in',
      authentication: 'password',
      credential: { sealed: true, sha256: 'a'.repeat(64) },
    },
  },
  assignments: [{ type: 'group', group: 'Servers' }],
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
};

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

describe('policy client', () => {
  it('sends assignments with PUT and returns the validated policy', async () => {
    const { api, calls } = clientAnswering(200, { policy });
    const assignments = [{ type: 'group' as const, group: 'Servers' }];
    const saved = await api.setPolicyAssignments(policy.id, { assignments });
    assert.deepEqual(saved, policy);
    assert.deepEqual(calls, [
      {
        method: 'PUT',
        url: `https://tether.example/api/v1/policies/${policy.id}/assignments`,
        body: { assignments },
      },
    ]);
  });

  it('deletes a policy, retries an upload and tests storage at their endpoints', async () => {
    const deletion = clientAnswering(204, undefined);
    await deletion.api.deletePolicy(policy.id);
    const retry = clientAnswering(200, { upload: null });
    await retry.api.retryUpload(policy.id);
    const result = {
      ok: true,
      target: 'sftp://rec@files:22/in',
      folder: 'in/2025-01',
      verification: 'sha256',
      notices: [],
      message: 'Uploads to sftp://rec@files:22/in work.',
    };
    const test = clientAnswering(200, result);
    const storage = { url: 'sftp://rec@files/in', authentication: 'password', credential: 'CMS' };
    assert.deepEqual(
      await test.api.testStorage({ ...storage, authentication: 'password' }),
      result,
    );
    assert.deepEqual(
      [...deletion.calls, ...retry.calls, ...test.calls],
      [
        {
          method: 'DELETE',
          url: `https://tether.example/api/v1/policies/${policy.id}`,
          body: undefined,
        },
        {
          method: 'POST',
          url: `https://tether.example/api/v1/uploads/${policy.id}/retry`,
          body: undefined,
        },
        { method: 'POST', url: 'https://tether.example/api/v1/storage/test', body: storage },
      ],
    );
  });

  it('keeps the server conflict message and details', async () => {
    const message = 'Policies "A" (off) and "B" (required) are both assigned to group "Servers"…';
    const { api } = clientAnswering(409, {
      code: 'CONFLICT',
      message,
      details: { conflicts: [] },
    });
    await assert.rejects(
      api.updatePolicy(policy.id, { name: 'B', settings: { recording: { terminal: 'required' } } }),
      (error) =>
        error instanceof AppError && error.code === 'CONFLICT' && error.message === message,
    );
  });

  it('refuses a reply that echoes a credential instead of its digest', async () => {
    const leaked = {
      ...policy,
      settings: { customStorage: { ...policy.settings.customStorage, credential: 'CMS…' } },
    };
    const { api } = clientAnswering(200, { policies: [leaked] });
    await assert.rejects(
      api.listPolicies(),
      (error) => error instanceof AppError && error.code === 'INTERNAL',
    );
  });
});

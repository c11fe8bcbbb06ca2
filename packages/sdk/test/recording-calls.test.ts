import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '@tether/protocol';
import { createTetherClient } from '../src/index.js';

const recording = {
  id: '3f0c2a1b-6d4e-4f5a-8b9c-0d1e2f3a4b5c',
  sessionId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  deviceId: '0b6f4d2e-8f1a-4c3b-9d2e-5f6a7b8c9d0e',
  deviceName: 'web-01',
  username: 'admin',
  kind: 'terminal',
  format: 'asciicast-v2',
  state: 'complete',
  startedAt: '2025-01-01T00:00:00.000Z',
  endedAt: '2025-01-01T00:01:00.000Z',
  durationMs: 60_000,
  sizeBytes: 2048,
  upload: null,
};

/** A client whose server answers every call with `body`; `urls` lists what it was asked. */
function clientAnswering(body: unknown) {
  const urls: string[] = [];
  const api = createTetherClient({
    baseUrl: 'https://tether.example/support/',
    fetch: (input) => {
      urls.push(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
      return Promise.resolve(
        new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } }),
      );
    },
  });
  return { api, urls };
}

describe('recording calls', () => {
  it('lists and reads recordings under the base URL, unwrapped and validated', async () => {
    const list = clientAnswering({ recordings: [recording] });
    assert.deepEqual(await list.api.listRecordings(), [recording]);
    const one = clientAnswering({ recording });
    assert.deepEqual(await one.api.getRecording(recording.id), recording);
    assert.deepEqual(
      [...list.urls, ...one.urls],
      [
        'https://tether.example/support/api/v1/recordings',
        `https://tether.example/support/api/v1/recordings/${recording.id}`,
      ],
    );
  });

  it('refuses a recording reply that does not match the API schema', async () => {
    const { api } = clientAnswering({ recording: { ...recording, state: 'deleted' } });
    await assert.rejects(
      api.getRecording(recording.id),
      (error) => error instanceof AppError && error.code === 'INTERNAL',
    );
  });

  it('builds the download link of a recording with its ID encoded', () => {
    const { api } = clientAnswering({});
    assert.equal(
      api.recordingDownloadUrl('a/b?c'),
      'https://tether.example/support/api/v1/recordings/a%2Fb%3Fc/content',
    );
  });
});

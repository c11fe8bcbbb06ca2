import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CustomStorage } from '@tether/protocol';
import { DEFAULT_EFFECTIVE_POLICY, type PolicyService } from '../policies/policy-service.js';
import type { PolicyWithAssignments } from '../store/policy-repository.js';
import type { Store } from '../store/store.js';
import type { UploadRecord } from '../store/upload-repository.js';
import { storageFor, targetOf } from './upload-storage.js';

const storage = (url: string, credential: string): CustomStorage => ({
  url,
  authentication: 'password',
  credential,
});
const ONE = storage('sftp://rec@one.example/in', 'sealed-when-recorded');
const TWO = storage('sftp://rec@two.example/in', 'sealed-two');

/** Only the two reads `storageFor` makes; the rest of the store is not used here. */
function deps(options: { effective?: CustomStorage; policies?: [CustomStorage, number][] }) {
  const policies: PolicyWithAssignments[] = (options.policies ?? []).map(([setting, at], i) => ({
    id: `policy-${i}`,
    name: `Policy ${i}`,
    description: '',
    settings: { customStorage: setting },
    createdAt: new Date(0),
    updatedAt: new Date(at),
    assignments: [],
  }));
  return {
    store: { policies: { list: () => Promise.resolve(policies) } } as unknown as Store,
    policies: {
      effectiveFor: () =>
        Promise.resolve({
          ...DEFAULT_EFFECTIVE_POLICY,
          ...(options.effective ? { customStorage: options.effective } : {}),
        }),
    } as unknown as PolicyService,
  };
}

const row = (snapshot: CustomStorage | null): UploadRecord => ({
  recordingId: 'r',
  deviceId: 'd',
  target: targetOf(ONE),
  state: 'failed',
  attempts: 1,
  lastError: null,
  nextAttemptAt: null,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  completedAt: null,
  remotePath: null,
  sha256: null,
  storage: snapshot,
  verification: null,
  notice: null,
});

describe('the storage a waiting upload goes to', () => {
  it('is the one kept when it was queued, although the device policy names another target now', async () => {
    assert.deepEqual(await storageFor(deps({ effective: TWO }), row(ONE)), ONE);
  });

  it("takes a corrected credential for the same target from the device's policy first, then from the latest changed policy", async () => {
    const rotated = { ...ONE, credential: 'rotated' };
    const older = { ...ONE, credential: 'older' };
    assert.deepEqual(await storageFor(deps({ effective: rotated }), row(ONE)), rotated);
    assert.deepEqual(
      await storageFor(
        deps({
          effective: TWO,
          policies: [
            [older, 1],
            [TWO, 3],
            [rotated, 2],
          ],
        }),
        row(ONE),
      ),
      rotated,
    );
  });

  it('is none for an entry queued before settings were kept whose target no policy names', async () => {
    assert.equal(
      await storageFor(deps({ effective: TWO, policies: [[TWO, 1]] }), row(null)),
      undefined,
    );
    assert.deepEqual(await storageFor(deps({ policies: [[ONE, 1]] }), row(null)), ONE);
  });
});

import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { z } from 'zod';
import { systemClock, type Clock } from '../clock.js';
import { identityFrom } from '../keys/server-identity.js';
import { signedNodeRequest, verifiedNodeRequest } from './node-requests.js';

const cluster = identityFrom(generateKeyPairSync('ed25519').privateKey);
const stranger = identityFrom(generateKeyPairSync('ed25519').privateKey);
const Asked = z.object({ purpose: z.literal('recording.content'), id: z.string(), at: z.number() });
const asked = (at = Date.now()) => ({ purpose: 'recording.content', id: 'r1', at });
const clockAt = (ms: number): Clock => ({ ...systemClock, now: () => new Date(ms) });

test('a request signed by the cluster identity is read back as it was asked', () => {
  const headers = signedNodeRequest(cluster, asked(1000));
  const deps = { identity: cluster, clock: clockAt(1000) };
  assert.deepEqual(verifiedNodeRequest(deps, headers, Asked), asked(1000));
});

test('a request signed by another key, altered, stale or of another kind is refused', () => {
  const deps = { identity: cluster, clock: clockAt(100_000) };
  assert.equal(
    verifiedNodeRequest(deps, signedNodeRequest(stranger, asked(100_000)), Asked),
    undefined,
  );
  const headers = signedNodeRequest(cluster, asked(100_000));
  const [requestHeader = '', signatureHeader = ''] = Object.keys(headers);
  const altered = Buffer.from(JSON.stringify({ ...asked(100_000), id: 'r2' })).toString(
    'base64url',
  );
  assert.equal(
    verifiedNodeRequest(deps, { ...headers, [requestHeader]: altered }, Asked),
    undefined,
  );
  assert.equal(
    verifiedNodeRequest(deps, { [requestHeader]: headers[requestHeader] }, Asked),
    undefined,
  );
  assert.equal(verifiedNodeRequest(deps, { ...headers, [signatureHeader]: 'x' }, Asked), undefined);
  assert.equal(
    verifiedNodeRequest(deps, signedNodeRequest(cluster, asked(60_000)), Asked),
    undefined,
  );
  const relay = signedNodeRequest(cluster, { purpose: 'relay', id: 'r1', at: 100_000 });
  assert.equal(verifiedNodeRequest(deps, relay, Asked), undefined);
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AppError,
  AuditPage,
  ErrorBody,
  SessionList,
  type AuditEntry,
  type ErrorCode,
  type Tenant,
} from '@tether/protocol';
import {
  createControlUrl,
  createOemClient,
  decryptDeviceKey,
  type CreatedDeviceKey,
  type OemClient,
  type Rollout,
} from '@tether/sdk/node';
import {
  auditCount,
  createTenant,
  createTokenClient,
  joinByTicket,
  readRollout,
} from '../support/oem.js';
import { waitFor } from '../support/cli.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let agent: Awaited<ReturnType<TestServer['startAgent']>>;
let tenant: Tenant;
let oem: OemClient;
/** A device key of `tenant` on the agent, created once for the tests that need one. */
let key: CreatedDeviceKey & { privateKey: string; rollout: Rollout };

before(async () => {
  server = await createTestServer();
  agent = await server.startAgent();
  tenant = await createTenant(server, 'Acme RMM', ['Test devices']);
  ({ oem } = await createTokenClient(server, tenant.id));
  const rollout = await readRollout(agent.dataDir);
  const created = await oem.createDeviceKey({
    tenantId: tenant.id,
    rollout,
    keyPermissions: ['unattended'],
  });
  key = {
    ...created,
    rollout,
    privateKey: decryptDeviceKey(created.encryptedDeviceKey, rollout.rolloutKey),
  };
});
after(async () => server.close());

/**
 * Refusals this file caused. A source's refusals of one kind are tallied per minute (the first a
 * full `oem.refused` row, the rest a count in a `refusals.summary`); the last test checks that
 * every one of them is in the log one way or the other.
 */
let refusalsMade = 0;

/** The `oem.refused` rows of one error code. */
async function refusalRows(code: ErrorCode): Promise<AuditEntry[]> {
  const page = await server.admin.request('GET', '/api/v1/audit?action=oem.refused&limit=500');
  return page.json(AuditPage).entries.filter((entry) => entry.details.code === code);
}

/** Asserts that a call is refused with `code`, and that refusals of that code are audited. */
async function refused(code: ErrorCode, call: () => Promise<unknown>): Promise<AppError> {
  let caught: unknown;
  await call().catch((error: unknown) => (caught = error));
  assert.ok(caught instanceof AppError, `expected a refusal, got ${String(caught)}`);
  refusalsMade += 1;
  assert.equal(caught.code, code, caught.message);
  assert.ok((await refusalRows(code)).length > 0, 'the first refusal of its kind is a row');
  return caught;
}

function controlUrl(client: OemClient, controlType: 'attended' | 'unattended' = 'unattended') {
  return createControlUrl({
    oem: client,
    tenantId: tenant.id,
    remoteControlId: key.rollout.remoteControlId,
    deviceKeyId: key.deviceKeyId,
    deviceKey: key.privateKey,
    controlType,
  });
}

async function sessionCount(): Promise<number> {
  const list = await server.admin.request('GET', `/api/v1/sessions?deviceId=${agent.device.id}`);
  return list.json(SessionList).sessions.length;
}

/** Opens a control URL in a fresh, signed-out client; returns status and error body. */
async function open(url: string): Promise<{ status: number; message: string; location: string }> {
  const response = await server.client().request('GET', url);
  if (response.status === 403) refusalsMade += 1;
  return {
    status: response.status,
    message: response.status === 302 ? '' : response.json(ErrorBody).message,
    location: String(response.headers.location ?? ''),
  };
}

describe('script tokens', () => {
  test('a call without a token, with an unknown token or a revoked one is refused', async () => {
    const anonymous = await server
      .client()
      .request('POST', '/api/v1/oem/devices/requestcontrol', {});
    assert.equal(anonymous.status, 401);
    const unknown = await refused('TOKEN_INVALID', async () =>
      controlUrl(await clientWithToken('tether_oem_not-a-real-token')),
    );
    assert.match(unknown.message, /not valid/);
    const { oem: revokedClient, tokenId } = await createTokenClient(server, tenant.id);
    assert.equal(
      (await server.admin.request('DELETE', `/api/v1/oem/tokens/${tokenId}`)).status,
      204,
    );
    const revoked = await refused('TOKEN_INVALID', () => controlUrl(revokedClient));
    assert.equal(revoked.message, unknown.message, 'revoked and unknown tokens look alike');
  });

  test('a flood of unknown tokens from one source adds at most one audit row', async () => {
    const before = await auditCount(server, 'oem.refused');
    const stranger = await clientWithToken('tether_oem_flooding-token');
    for (let i = 0; i < 25; i++) {
      await assert.rejects(controlUrl(stranger), (error) => error instanceof AppError);
      refusalsMade += 1;
    }
    const after = await auditCount(server, 'oem.refused');
    assert.ok(after <= before + 1, `${after - before} rows for 25 refusals`);
  });

  test('a token without the needed permission is refused and changes nothing', async () => {
    const { oem: readOnly } = await createTokenClient(server, tenant.id, ['createDeviceKey']);
    const sessions = await sessionCount();
    const error = await refused('FORBIDDEN', () => controlUrl(readOnly));
    assert.match(error.message, /requestControl/);
    await refused('FORBIDDEN', () =>
      readOnly.unregister({
        tenantId: tenant.id,
        remoteControlId: key.rollout.remoteControlId,
        deviceKeyId: key.deviceKeyId,
        decommissionToken: key.decommissionToken,
      }),
    );
    assert.equal(await sessionCount(), sessions);
  });

  test("another tenant's device looks like no device at all", async () => {
    const other = await createTenant(server, 'Other vendor', ['Elsewhere']);
    const { oem: otherClient } = await createTokenClient(server, other.id);
    const rollout = await readRollout(agent.dataDir);
    const tryKey = () =>
      otherClient.createDeviceKey({ tenantId: other.id, rollout, keyPermissions: ['attended'] });
    const error = await refused('NOT_FOUND', tryKey);
    const unknownDevice = await refused('NOT_FOUND', () =>
      otherClient.createDeviceKey({
        tenantId: other.id,
        rollout: { ...rollout, remoteControlId: 'r1' },
        keyPermissions: ['attended'],
      }),
    );
    assert.equal(
      error.message.replace(rollout.remoteControlId, 'ID'),
      unknownDevice.message.replace('r1', 'ID'),
    );
    const wrongTenant = await refused('FORBIDDEN', () =>
      otherClient.requestControl({
        tenantId: tenant.id,
        remoteControlId: rollout.remoteControlId,
        deviceKeyId: key.deviceKeyId,
        controlType: 'unattended',
      }),
    );
    assert.match(wrongTenant.message, /does not belong to tenant/);
    // The rollout data was not used up by the refused calls.
    assert.deepEqual(await readRollout(agent.dataDir), rollout);
  });
});

describe('rollout', () => {
  test('a RolloutKey and request ID are good for one request only', async () => {
    const rollout = await readRollout(agent.dataDir);
    await oem.createDeviceKey({ tenantId: tenant.id, rollout, keyPermissions: ['attended'] });
    const error = await refusedAny(() =>
      oem.createDeviceKey({ tenantId: tenant.id, rollout, keyPermissions: ['attended'] }),
    );
    assert.match(error.message, /rollout/i);
  });
});

describe('control URLs', () => {
  test('a flipped bit in the HMAC is refused, and the URL is used up', async () => {
    const url = await controlUrl(oem);
    const secret = new URL(url).searchParams.get('secret') ?? '';
    const flipped = Buffer.from(secret, 'base64url');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    const tampered = url.replace(secret, flipped.toString('base64url'));
    const sessions = await sessionCount();
    const first = await open(tampered);
    assert.equal(first.status, 403);
    const genuine = await open(url);
    assert.equal(genuine.status, 403, 'one attempt per URL, right or wrong');
    assert.equal(genuine.message, first.message, 'one generic error');
    assert.equal(await sessionCount(), sessions, 'no session was opened');
  });

  test('a URL past its time (stale target nonce) is refused', async () => {
    const url = await controlUrl(oem);
    server.clock.advance(6 * 60 * 1000);
    const stale = await open(url);
    assert.equal(stale.status, 403);
    assert.match(stale.message, /not valid/);
  });

  test('a URL whose token was revoked before it was opened is refused', async () => {
    const { oem: client, tokenId } = await createTokenClient(server, tenant.id);
    const url = await controlUrl(client);
    assert.equal(
      (await server.admin.request('DELETE', `/api/v1/oem/tokens/${tokenId}`)).status,
      204,
    );
    assert.equal((await open(url)).status, 403);
  });

  test('a key with only unattended permission cannot request attended control', async () => {
    await refusedAny(() => controlUrl(oem, 'attended'));
  });

  test('a malformed URL gets the same answer', async () => {
    const url = await controlUrl(oem);
    const brokenUrl = url.replace(/nonce=[^&]+/, 'nonce=short');
    const broken = await open(brokenUrl);
    assert.equal(broken.status, 403);
    assert.match(broken.message, /not valid/);
    const page = await server
      .client()
      .request('GET', brokenUrl, undefined, { accept: 'text/html,*/*;q=0.8' });
    assert.equal(page.status, 403);
    // Audited like every refusal (the last test finds it as a row or in a summary).
    refusalsMade += 1;
    assert.match(page.text, /This connection link is no longer valid/);
    assert.equal(page.headers['cache-control'], 'no-store');
    const good = await open(url);
    assert.equal(good.status, 302, 'a malformed attempt does not use up the real URL');
    const terminal = await joinByTicket(server.client(), good.location);
    terminal.socket.close(1000, 'done');
    await terminal.closed;
  });
});

describe('unregister', () => {
  test('a wrong decommission token changes nothing', async () => {
    await refusedAny(() =>
      oem.unregister({
        tenantId: tenant.id,
        remoteControlId: key.rollout.remoteControlId,
        deviceKeyId: key.deviceKeyId,
        decommissionToken: 'x'.repeat(43),
      }),
    );
    const url = await controlUrl(oem);
    assert.equal((await open(url)).status, 302, 'the key still works');
  });
});

describe('audit', () => {
  test('every refusal is a full row or counted in a summary of its source', async () => {
    assert.ok(refusalsMade > 30, `the tests above refused ${refusalsMade} calls`);
    server.clock.advance(61_000);
    const accounted = async (): Promise<number> => {
      const page = await server.admin.request('GET', '/api/v1/audit?limit=500');
      const { entries } = page.json(AuditPage);
      const rows = entries.filter((entry) => entry.action === 'oem.refused').length;
      const counted = entries
        .filter(
          (entry) => entry.action === 'refusals.summary' && entry.details.action === 'oem.refused',
        )
        .reduce((sum, entry) => sum + Number(entry.details.count), 0);
      return rows + counted;
    };
    await waitFor('the last summaries', async () =>
      (await accounted()) >= refusalsMade ? true : undefined,
    );
    assert.equal(await accounted(), refusalsMade, 'each refusal once, none twice');
  });
});

function clientWithToken(secret: string): Promise<OemClient> {
  return Promise.resolve(createOemClient({ baseUrl: server.url, token: secret, ca: server.ca }));
}

/** Like `refused`, for refusals whose code the device chooses. */
async function refusedAny(call: () => Promise<unknown>): Promise<AppError> {
  let caught: unknown;
  await call().catch((error: unknown) => (caught = error));
  assert.ok(caught instanceof AppError, `expected a refusal, got ${String(caught)}`);
  refusalsMade += 1;
  assert.ok(
    [
      'FORBIDDEN',
      'NOT_FOUND',
      'TOKEN_INVALID',
      'TOKEN_EXPIRED',
      'CONFLICT',
      'INVALID_INPUT',
    ].includes(caught.code),
    caught.code,
  );
  assert.ok((await refusalRows(caught.code)).length > 0, 'the first refusal of its kind is a row');
  return caught;
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AppError,
  authEndpoints,
  serverStatusEndpoints,
  trustedNetworkEndpoints,
} from '@tether/protocol';
import { createTetherClient } from '../src/index.js';

interface Call {
  url: string;
  method: string;
  body: string | undefined;
  headers: Record<string, string>;
}

function headerRecord(init: HeadersInit | undefined): Record<string, string> {
  const record: Record<string, string> = {};
  new Headers(init).forEach((value, key) => (record[key] = value));
  return record;
}

/** A fetch that records calls and answers from a script. */
function fakeFetch(reply: (call: Call) => Response | Promise<Response>) {
  const calls: Call[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const call: Call = {
      url: typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
      method: init?.method ?? 'GET',
      body: typeof init?.body === 'string' ? init.body : undefined,
      headers: headerRecord(init?.headers),
    };
    calls.push(call);
    return reply(call);
  };
  return { fetch, calls };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const user = {
  id: '7d3c1c7e-4f7a-4b55-9a0b-1a2b3c4d5e6f',
  username: 'admin',
  displayName: '',
  role: 'administrator',
  createdAt: '2025-01-01T00:00:00.000Z',
  disabled: false,
  mustChangePassword: false,
  source: 'local',
};

const device = {
  id: '0b6f4d2e-8f1a-4c3b-9d2e-5f6a7b8c9d0e',
  name: 'web-01',
  group: 'Servers',
  hostname: 'web-01.example',
  os: { platform: 'linux', release: '6.1', name: 'Debian GNU/Linux 12', arch: 'x64' },
  agentVersion: '0.1.0',
  online: true,
  enrolledAt: '2025-01-01T00:00:00.000Z',
  lastSeenAt: null,
  stats: { cpuPercent: 3 },
  statsAt: null,
  userPresence: null,
};

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof AppError, `expected AppError, got ${String(error)}`);
    assert.equal(error.code, code);
    return error;
  }
  assert.fail(`expected rejection with ${code}`);
}

describe('createTetherClient', () => {
  it('posts the login as JSON and returns the validated user', async () => {
    const signedIn = { user, permissions: ['console.use', 'users.manage'], roleName: 'Boss' };
    const { fetch, calls } = fakeFetch(() => json(200, signedIn));
    const api = createTetherClient({ baseUrl: 'https://tether.test/', fetch });
    const reply = await api.login({ username: 'admin', password: 'secret' });
    assert.ok('user' in reply);
    assert.equal(reply.user.username, 'admin');
    assert.deepEqual(reply.permissions, ['console.use', 'users.manage']);
    const [call] = calls;
    assert.ok(call);
    assert.equal(call.url, 'https://tether.test/api/v1/auth/login');
    assert.equal(call.method, 'POST');
    assert.deepEqual(JSON.parse(call.body ?? ''), { username: 'admin', password: 'secret' });
    assert.equal(call.headers['content-type'], 'application/json');
  });

  it('turns an ErrorBody reply into an AppError with the server code and details', async () => {
    const { fetch } = fakeFetch(() =>
      json(429, {
        code: 'RATE_LIMITED',
        message: 'Too many attempts.',
        details: { retryAfterSec: 30 },
      }),
    );
    const api = createTetherClient({ fetch });
    const error = await rejectsWith(api.login({ username: 'a', password: 'b' }), 'RATE_LIMITED');
    assert.equal(error.message, 'Too many attempts.');
    assert.deepEqual(error.details, { retryAfterSec: 30 });
  });

  it('maps a non-JSON error reply to a code from its status', async () => {
    const { fetch } = fakeFetch(() => new Response('<html>Bad gateway</html>', { status: 502 }));
    const api = createTetherClient({ fetch });
    const error = await rejectsWith(api.listDevices(), 'UNAVAILABLE');
    assert.match(error.message, /GET \/api\/v1\/devices\?limit=1000&offset=0 failed with HTTP 502/);
  });

  it('reports a network failure as UNAVAILABLE with a hint', async () => {
    const fetch: typeof globalThis.fetch = () => Promise.reject(new TypeError('fetch failed'));
    const api = createTetherClient({ baseUrl: 'https://tether.test', fetch });
    const error = await rejectsWith(api.me(), 'UNAVAILABLE');
    assert.match(error.message, /Cannot reach https:\/\/tether\.test \(fetch failed\)/);
    assert.match(error.message, /running/);
  });

  it('refuses a reply that does not match the schema', async () => {
    const { fetch } = fakeFetch(() =>
      json(200, { devices: [{ ...device, online: 'yes' }], total: 1, offset: 0, limit: 1000 }),
    );
    const api = createTetherClient({ fetch });
    const error = await rejectsWith(api.listDevices(), 'INTERNAL');
    assert.match(error.message, /does not match the API schema/);
  });

  it('unwraps lists and single objects', async () => {
    const { fetch, calls } = fakeFetch((call) =>
      call.url.startsWith('/api/v1/devices?')
        ? json(200, { devices: [device], total: 1, offset: 0, limit: 1000 })
        : json(200, { device }),
    );
    const api = createTetherClient({ fetch });
    assert.equal((await api.listDevices())[0]?.hostname, 'web-01.example');
    assert.equal((await api.getDevice(device.id)).name, 'web-01');
    assert.equal(calls[1]?.url, `/api/v1/devices/${device.id}`);
  });

  it('builds query strings only from the parameters given', async () => {
    const { fetch, calls } = fakeFetch((call) =>
      call.url.includes('audit')
        ? json(200, { entries: [], hasMore: false })
        : json(200, { sessions: [] }),
    );
    const api = createTetherClient({ fetch });
    await api.listAudit({ limit: 50, before: 120 });
    await api.listAudit();
    await api.listAuditPage({
      device: device.id,
      actions: ['session.started', 'session.ended'],
      from: new Date('2026-01-02T03:04:05.000Z'),
      text: '',
    });
    await api.listSessions({ deviceId: device.id });
    assert.deepEqual(
      calls.map((call) => call.url),
      [
        '/api/v1/audit?limit=50&before=120',
        '/api/v1/audit',
        `/api/v1/audit?device=${device.id}&action=session.started%2Csession.ended&from=2026-01-02T03%3A04%3A05.000Z`,
        `/api/v1/sessions?deviceId=${device.id}`,
      ],
    );
  });

  it('accepts 204 replies for logout, session end and installer revocation', async () => {
    const { fetch, calls } = fakeFetch(() => new Response(null, { status: 204 }));
    const api = createTetherClient({ fetch, headers: { cookie: 'tether_session=x' } });
    await api.logout();
    await api.endSession(device.id);
    await api.revokeInstaller(device.id);
    assert.deepEqual(
      calls.map((call) => `${call.method} ${call.url}`),
      [
        'POST /api/v1/auth/logout',
        `DELETE /api/v1/sessions/${device.id}`,
        `DELETE /api/v1/installers/${device.id}`,
      ],
    );
    assert.equal(calls[0]?.headers.cookie, 'tether_session=x');
  });

  it('calls the unattended and device endpoints at the paths the server serves', async () => {
    const { fetch, calls } = fakeFetch((call) =>
      call.method === 'DELETE' && call.url.includes('/api/v1/devices/')
        ? json(200, { revoked: ['123456789'] })
        : call.method === 'DELETE'
          ? new Response(null, { status: 204 })
          : json(200, { accesses: [] }),
    );
    const api = createTetherClient({ fetch, baseUrl: 'https://tether.test/' });
    await api.listUnattended({ deviceId: device.id });
    await api.listUnattended();
    await api.revokeUnattended('123 456 789');
    assert.deepEqual(await api.turnOffUnattended(device.id), ['123456789']);
    assert.deepEqual(
      calls.map((call) => `${call.method} ${call.url}`),
      [
        `GET https://tether.test/api/v1/unattended?deviceId=${device.id}`,
        'GET https://tether.test/api/v1/unattended',
        'DELETE https://tether.test/api/v1/unattended/123%20456%20789',
        `DELETE https://tether.test/api/v1/devices/${device.id}/unattended`,
      ],
    );
    assert.equal(
      api.accessFileUrl('123456789'),
      'https://tether.test/api/v1/unattended/123456789/access-file',
    );
    assert.equal(api.deviceEventsUrl(), 'https://tether.test/api/v1/devices/events');
  });

  it('returns recording content and the audit export as text', async () => {
    const { fetch } = fakeFetch(() => new Response('{"version":2}\n'));
    const api = createTetherClient({ fetch });
    assert.equal(await api.getRecordingContent(device.id), '{"version":2}\n');
    assert.equal(await api.exportAudit(), '{"version":2}\n');
    assert.equal(api.auditExportUrl(), '/api/v1/audit/export');
    assert.equal(
      api.auditExportUrl({ user: device.id, until: '2026-01-02T00:00:00Z' }, 'csv'),
      `/api/v1/audit/export?user=${device.id}&until=2026-01-02T00%3A00%3A00Z&format=csv`,
    );
  });

  it('puts statistics settings and validates the echo', async () => {
    const settings = { intervalSec: 30, enabled: ['cpu', 'memory'] as const };
    const inForce = { intervalSec: 45, connectedAgents: 7500, samplesPerSec: 200 };
    const { fetch, calls } = fakeFetch(() => json(200, { ...settings, inForce }));
    const api = createTetherClient({ fetch });
    const saved = await api.updateStatisticsSettings({
      ...settings,
      enabled: [...settings.enabled],
    });
    assert.equal(saved.intervalSec, 30);
    assert.deepEqual(saved.inForce, inForce, 'the interval in force on the server (A-5)');
    assert.equal(calls[0]?.method, 'PUT');
  });
});

describe('call', () => {
  it("sends an admin contract to the admin listener, and any other to the console's URL", async () => {
    const { fetch, calls } = fakeFetch((call) =>
      call.url.endsWith('/trusted-networks')
        ? json(200, { networks: ['10.0.0.0/8'] })
        : new Response(null, { status: 204 }),
    );
    const api = createTetherClient({
      baseUrl: 'https://support.example',
      adminBaseUrl: 'https://support.example:7615/',
      fetch,
    });
    const saved = await api.call(trustedNetworkEndpoints.set, {
      body: { networks: ['10.0.0.0/8'] },
    });
    assert.deepEqual(saved, { networks: ['10.0.0.0/8'] });
    await api.call(authEndpoints.logout, {});
    assert.deepEqual(
      calls.map((call) => `${call.method} ${call.url}`),
      [
        'PUT https://support.example:7615/conf/api/trusted-networks',
        'POST https://support.example/api/v1/auth/logout',
      ],
    );
  });

  it('sends admin contracts to the same origin when no admin URL is given (the admin console)', async () => {
    const { fetch, calls } = fakeFetch(() => json(500, { code: 'INTERNAL', message: 'boom' }));
    const api = createTetherClient({ fetch });
    await assert.rejects(api.call(serverStatusEndpoints.get, {}), AppError);
    assert.equal(calls[0]?.url, '/conf/api/status');
  });
});

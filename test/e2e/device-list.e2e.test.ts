import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { DeviceList, ErrorBody, TeamResponse, UserResponse, type Device } from '@tether/protocol';
import {
  startPostgres,
  type PostgresInstance,
} from '../../packages/server/test/support/postgres.js';
import type { HttpsClient } from '../support/https-client.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

// The device list's query (issue 15) through the real API on both engines: a seeded fleet of
// 240 devices in three groups plus one real agent (online), and a technician whose team sees
// one group only.
const GROUPS = ['Paris', 'Lyon', 'Test devices'] as const;
const PER_GROUP = 80;
const OSES = ['Debian GNU/Linux 12 (bookworm)', 'Windows 11 Pro', 'macOS 14.5'];

interface Seeded {
  id: string;
  name: string;
  group: string;
  tags: string[];
  os: string;
  version: string;
}

async function seedFleet(server: TestServer): Promise<Seeded[]> {
  const { store } = server.server.context;
  const seeded: Seeded[] = [];
  for (const group of GROUPS) {
    const { installer } = await server.createInstaller({ group });
    for (let index = 0; index < PER_GROUP; index += 1) {
      const n = seeded.length;
      // Mixed letter case: the list's name order ignores it.
      const name = `${n % 2 === 0 ? 'node' : 'Node'}-${String(n).padStart(3, '0')}`;
      const device: Seeded = {
        id: randomUUID(),
        name,
        group,
        tags: n % 3 === 0 ? ['kiosk', `floor-${n % 4}`] : [`floor-${n % 4}`],
        os: OSES[n % OSES.length] ?? '',
        version: n % 5 === 0 ? '0.9.0' : '1.0.0',
      };
      const result = await store.devices.enroll({
        installerId: installer.id,
        now: new Date(),
        device: {
          id: device.id,
          name,
          publicKey: 'A'.repeat(43),
          inventory: {
            hostname: `host-${n}.lan`,
            os: { platform: 'linux', release: '6.1', name: device.os, arch: 'x64' },
            agentVersion: device.version,
          },
          enrolledAt: new Date(),
          tags: device.tags,
          comments: n === 7 ? 'Behind the reception desk' : '',
        },
      });
      assert.ok(result.ok);
      seeded.push(device);
    }
  }
  return seeded;
}

const byName = (a: { name: string; id: string }, b: { name: string; id: string }) =>
  a.name.toLowerCase() < b.name.toLowerCase()
    ? -1
    : a.name.toLowerCase() > b.name.toLowerCase()
      ? 1
      : a.id < b.id
        ? -1
        : 1;

async function list(client: HttpsClient, query = ''): Promise<DeviceList> {
  const response = await client.request('GET', `/api/v1/devices${query}`);
  assert.equal(response.status, 200, response.text);
  return response.json(DeviceList);
}

/** Every page of a query, `limit` at a time. */
async function allPages(client: HttpsClient, query: string, limit: number): Promise<Device[]> {
  const devices: Device[] = [];
  for (let offset = 0; ; offset += limit) {
    const page = await list(client, `?${query}&limit=${limit}&offset=${offset}`);
    devices.push(...page.devices);
    if (offset + limit >= page.total) return devices;
  }
}

function defineListTests(engine: 'sqlite' | 'postgres'): void {
  describe(`device list (${engine})`, () => {
    let postgres: PostgresInstance | undefined;
    let server: TestServer;
    let seeded: Seeded[];
    let agent: Device;
    let tina: HttpsClient;

    before(async () => {
      postgres = engine === 'postgres' ? await startPostgres() : undefined;
      server = await createTestServer(postgres ? { config: { database: postgres.url } } : {});
      seeded = await seedFleet(server);
      agent = (await server.startAgent({ group: 'Lyon' })).device;
      tina = await technicianSeeing(server, 'Paris');
    });
    after(async () => {
      await server.close();
      await postgres?.stop();
    });

    test('without a query: the first 100 by name, and the total (old clients see a whole small fleet)', async () => {
      const page = await list(server.admin);
      assert.equal(page.total, seeded.length + 1);
      assert.deepEqual([page.offset, page.limit], [0, 100]);
      const expected = [...seeded, agent].sort(byName).slice(0, 100);
      assert.deepEqual(
        page.devices.map((device) => device.name),
        expected.map((device) => device.name),
      );
    });

    test('pages by group cover every device exactly once, in group then name order', async () => {
      const walked = await allPages(server.admin, 'sort=group&order=desc', 70);
      const expected = [...seeded, agent].sort((a, b) =>
        a.group === b.group ? byName(a, b) : a.group < b.group ? 1 : -1,
      );
      assert.deepEqual(
        walked.map((device) => device.id),
        expected.map((device) => device.id),
      );
    });

    test('filters combine: search, group, tag, OS and version, with the total of all pages', async () => {
      const paris = seeded.filter((device) => device.group === 'Paris');
      const kiosks = paris.filter(
        (device) =>
          device.tags.includes('kiosk') && device.os === OSES[1] && device.version === '1.0.0',
      );
      const query = `group=Paris&tag=KIOSK&os=${encodeURIComponent(OSES[1] ?? '')}&version=1.0.0`;
      const walked = await allPages(server.admin, query, 5);
      assert.deepEqual(
        walked.map((device) => device.id),
        kiosks.sort(byName).map((device) => device.id),
      );
      assert.equal((await list(server.admin, `?${query}&limit=5`)).total, kiosks.length);
      const searched = await list(server.admin, '?search=RECEPTION');
      assert.deepEqual(
        searched.devices.map((device) => device.name),
        ['Node-007'],
      );
      assert.equal((await list(server.admin, '?search=host-12.lan')).total, 1);
    });

    test('online and last seen come from memory: the connected agent first, and alone when asked', async () => {
      const online = await list(server.admin, '?online=true');
      assert.deepEqual(
        online.devices.map((device) => device.id),
        [agent.id],
      );
      assert.equal(online.total, 1);
      assert.equal((await list(server.admin, '?online=false&limit=1')).total, seeded.length);
      for (const sort of ['online', 'lastSeen']) {
        const [first] = (await list(server.admin, `?sort=${sort}&order=desc&limit=3`)).devices;
        assert.equal(first?.id, agent.id, `sort=${sort}`);
      }
      const last = await list(server.admin, `?sort=lastSeen&offset=${seeded.length}`);
      assert.deepEqual(
        last.devices.map((device) => device.id),
        [agent.id],
      );
    });

    test("a technician's pages and total hold only the groups their team may see", async () => {
      const paris = seeded.filter((device) => device.group === 'Paris');
      const page = await list(tina, '?limit=30&sort=name&order=desc');
      assert.equal(page.total, paris.length);
      assert.deepEqual(
        page.devices.map((device) => device.id),
        [...paris]
          .sort(byName)
          .reverse()
          .slice(0, 30)
          .map((device) => device.id),
      );
      assert.equal((await list(tina, '?group=Lyon')).total, 0);
      assert.equal((await list(tina, '?online=true')).total, 0, 'the online agent is in Lyon');
    });

    test('a bad query is refused with what is wrong', async () => {
      for (const query of ['?limit=5000', '?sort=size', '?online=yes', '?offset=-1']) {
        const response = await server.admin.request('GET', `/api/v1/devices${query}`);
        assert.equal(response.status, 422, query);
        assert.equal(response.json(ErrorBody).code, 'INVALID_INPUT');
      }
    });
  });
}

/** A technician whose only team has `device.view` on `group`; their signed-in client. */
async function technicianSeeing(server: TestServer, group: string): Promise<HttpsClient> {
  const created = await server.admin.request('POST', '/api/v1/users', {
    username: 'tina',
    role: 'technician',
    password: 'tina-first-password',
    mustChangePassword: false,
  });
  assert.equal(created.status, 201, created.text);
  const team = await server.admin.request('POST', '/api/v1/teams', { name: 'Team Paris' });
  const teamId = team.json(TeamResponse).team.id;
  const userId = created.json(UserResponse).user.id;
  const member = await server.admin.request('PUT', `/api/v1/teams/${teamId}/members/${userId}`);
  assert.equal(member.status, 200, member.text);
  const granted = await server.admin.request('PUT', '/api/v1/grants', {
    subject: { kind: 'team', id: teamId },
    group,
    rights: ['device.view'],
  });
  assert.equal(granted.status, 204, granted.text);
  const client = server.client();
  const login = await client.request('POST', '/api/v1/auth/login', {
    username: 'tina',
    password: 'tina-first-password',
  });
  assert.equal(login.status, 200, login.text);
  return client;
}

defineListTests('sqlite');
defineListTests('postgres');

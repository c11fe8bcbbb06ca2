import { randomUUID } from 'node:crypto';
import { DeviceList, type UserPresenceReport } from '@tether/protocol';
import type { TestServer } from '../../test/support/test-server.js';
import { summarize, type Summary } from '../lib/summary.js';

/** One kind of list request and its latency over the rounds. */
export interface DeviceListQueryResult {
  name: string;
  query: string;
  /** How many devices matched (the answer's `total`). */
  total: number;
  latencyMs: Summary;
  /**
   * CPU time of this process (server and client) per request: what the request costs whatever
   * the machine's load; with SQLite it includes the database, with PostgreSQL not.
   */
  processCpuMs: Summary;
}

export interface DeviceListResult {
  engine: 'sqlite' | 'postgres';
  devices: number;
  online: number;
  groups: number;
  seedSec: number;
  rounds: number;
  queries: DeviceListQueryResult[];
  /** Every request of every query together. */
  allMs: Summary;
  targetP99Ms: number;
}

const OSES = [
  'Debian GNU/Linux 12 (bookworm)',
  'Ubuntu 24.04.1 LTS',
  'Windows 11 Pro',
  'Windows Server 2022',
  'macOS 14.5',
];
const VERSIONS = ['1.4.0', '1.4.1', '1.5.0', '1.5.2'];
const SITES = ['paris', 'lyon', 'berlin', 'madrid', 'rome', 'oslo', 'dublin', 'vienna'];

/** The console's requests: its first page, search, each filter, each sort, a deep page. */
function queries(devices: number): { name: string; query: string }[] {
  return [
    { name: 'first page (no query)', query: '' },
    { name: 'console first page (online first, 50)', query: '?sort=online&order=desc&limit=50' },
    { name: 'search a hostname', query: '?search=host-1234&limit=50' },
    { name: 'search a word in comments', query: '?search=reception&limit=50' },
    { name: 'group, by last seen', query: '?group=group-07&sort=lastSeen&order=desc&limit=50' },
    { name: 'tag', query: '?tag=kiosk&limit=50' },
    { name: 'online, by name', query: '?online=true&limit=50' },
    { name: 'offline, by OS', query: '?online=false&sort=os&limit=50' },
    {
      name: 'OS and version',
      query: `?os=${encodeURIComponent(OSES[2] ?? '')}&version=1.5.0&limit=50`,
    },
    { name: 'user present', query: '?presence=present&limit=50' },
    { name: 'lost', query: '?lost=true&limit=50' },
    { name: 'by version, descending', query: '?sort=version&order=desc&limit=50' },
    { name: 'last page by name', query: `?sort=name&limit=50&offset=${devices - 50}` },
    {
      name: 'search + group + online, by last seen',
      query: '?search=host-1&group=group-03&online=true&sort=lastSeen&order=desc&limit=50',
    },
  ];
}

/**
 * Enrols `devices` devices straight into the server's store (installers per group, as the
 * enrolment does, without agents), flags 1 % lost, and marks `online` of them connected with a
 * link that does nothing (what the list reads from memory: online and user presence).
 */
async function seedFleet(
  server: TestServer,
  options: { devices: number; online: number; groups: number },
): Promise<void> {
  const { store, presence } = server.server.context;
  const installers: string[] = [];
  for (let group = 0; group < options.groups; group += 1) {
    const name = `group-${String(group).padStart(2, '0')}`;
    installers.push((await server.createInstaller({ group: name })).installer.id);
  }
  const ids: string[] = [];
  const enrolOne = async (n: number): Promise<void> => {
    const id = randomUUID();
    const result = await store.devices.enroll({
      installerId: installers[n % installers.length] ?? '',
      now: new Date(),
      device: {
        id,
        name: `${SITES[n % SITES.length] ?? ''}-pc-${n}`,
        publicKey: 'A'.repeat(43),
        inventory: {
          hostname: `host-${n}.corp.example`,
          os: { platform: 'linux', release: '6.1', name: OSES[n % OSES.length] ?? '', arch: 'x64' },
          agentVersion: VERSIONS[n % VERSIONS.length] ?? '',
        },
        enrolledAt: new Date(),
        tags:
          n % 10 === 0 ? ['kiosk', SITES[n % SITES.length] ?? ''] : [SITES[n % SITES.length] ?? ''],
        comments: n % 500 === 0 ? 'Behind the reception desk' : '',
      },
    });
    if (!result.ok) throw new Error(`seeding device ${n} was refused: ${result.reason}`);
    ids[n] = id;
    if (n % 7 === 0) await store.devices.setLastSeen(id, new Date(Date.now() - n * 60_000));
  };
  // A few at once: PostgreSQL overlaps round trips; SQLite runs them one after the other anyway.
  for (let start = 0; start < options.devices; start += 16) {
    const batch = [];
    for (let n = start; n < Math.min(options.devices, start + 16); n += 1) batch.push(enrolOne(n));
    await Promise.all(batch);
  }
  const lost = ids.filter((_id, n) => n % 100 === 99);
  if (lost.length > 0) await markLost(server, lost);
  for (const [n, deviceId] of ids.slice(0, options.online).entries()) {
    const userPresence: UserPresenceReport = {
      loggedIn: n % 3 !== 0,
      screenLocked: n % 3 === 2,
      user: n % 3 === 0 ? null : 'someone',
    };
    presence.connect({
      deviceId,
      capabilities: [],
      userPresence,
      send: () => undefined,
      close: () => undefined,
    });
  }
}

/** Sets `lost_at` on the devices (the maintenance job's mark) through the store's own database. */
async function markLost(server: TestServer, ids: readonly string[]): Promise<void> {
  const { store } = server.server.context;
  const url = server.server.context.config.database;
  const statement = `UPDATE devices SET lost_at = ${Date.now()} WHERE id IN (${ids.map((id) => `'${id}'`).join(',')})`;
  if (store.engine === 'postgres' && url) {
    const pg = await import('pg');
    const client = new pg.default.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
    return;
  }
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(`${server.dataDir}/tether.db`);
  try {
    db.pragma('busy_timeout = 5000');
    db.exec(statement);
  } finally {
    db.close();
  }
}

/**
 * The device list over a seeded fleet: every query of the console's, `rounds` times each in
 * turn (so the machine's load falls on all alike), by the administrator over HTTPS.
 */
export async function measureDeviceList(
  server: TestServer,
  options: { devices: number; online: number; groups: number; rounds: number },
): Promise<DeviceListResult> {
  const seedStarted = performance.now();
  await seedFleet(server, options);
  const seedSec = Math.round((performance.now() - seedStarted) / 100) / 10;
  const list = queries(options.devices);
  const samples = list.map(() => [] as number[]);
  const cpu = list.map(() => [] as number[]);
  const totals = list.map(() => 0);
  const request = async (index: number): Promise<number> => {
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const response = await server.admin.request(
      'GET',
      `/api/v1/devices${list[index]?.query ?? ''}`,
    );
    const elapsed = performance.now() - started;
    const cpuUsed = process.cpuUsage(cpuBefore);
    cpu[index]?.push((cpuUsed.user + cpuUsed.system) / 1000);
    if (response.status !== 200) throw new Error(`${list[index]?.query}: ${response.text}`);
    totals[index] = response.json(DeviceList).total;
    return elapsed;
  };
  // Warm-up: the first request of each kind prepares statements and fills caches.
  for (let index = 0; index < list.length; index += 1) await request(index);
  for (const samplesOfQuery of cpu) samplesOfQuery.length = 0;
  for (let round = 0; round < options.rounds; round += 1)
    for (let index = 0; index < list.length; index += 1) samples[index]?.push(await request(index));
  const engine = server.server.context.store.engine;
  return {
    engine,
    devices: options.devices,
    online: options.online,
    groups: options.groups,
    seedSec,
    rounds: options.rounds,
    queries: list.map((entry, index) => ({
      ...entry,
      total: totals[index] ?? 0,
      latencyMs: summarize(samples[index] ?? []),
      processCpuMs: summarize(cpu[index] ?? []),
    })),
    allMs: summarize(samples.flat()),
    targetP99Ms: 50,
  };
}

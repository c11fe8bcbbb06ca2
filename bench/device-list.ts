/**
 * `node --import tsx bench/device-list.ts [--devices N] [--online N] [--groups N] [--rounds N]
 * [--engines sqlite,postgres]`: the device list's query (issue 15) over a seeded fleet on an
 * in-process test server, on SQLite and on a private PostgreSQL, and writes
 * bench/results/device-list.json (p50/p99 of each query; target p99 ≤ 50 ms).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startPostgres } from '../packages/server/test/support/postgres.js';
import { createTestServer } from '../test/support/test-server.js';
import { measureDeviceList, type DeviceListResult } from './scenarios/device-list-query.js';

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '20000' },
    online: { type: 'string', default: '10000' },
    groups: { type: 'string', default: '40' },
    rounds: { type: 'string', default: '30' },
    engines: { type: 'string', default: 'sqlite,postgres' },
  },
});
const options = {
  devices: Number(values.devices),
  online: Number(values.online),
  groups: Number(values.groups),
  rounds: Number(values.rounds),
};
const results: DeviceListResult[] = [];
for (const engine of values.engines.split(',')) {
  const postgres = engine === 'postgres' ? await startPostgres() : undefined;
  const server = await createTestServer(postgres ? { config: { database: postgres.url } } : {});
  try {
    const result = await measureDeviceList(server, options);
    results.push(result);
    console.log(
      `${engine}: ${result.devices} devices (${result.online} online), seeded in ${result.seedSec} s`,
    );
    for (const query of result.queries)
      console.log(
        `  ${query.name.padEnd(42)} ${String(query.total).padStart(6)} match  p50 ${query.latencyMs.p50} ms  p99 ${query.latencyMs.p99} ms  cpu p50 ${query.processCpuMs.p50} ms`,
      );
    console.log(`  all: p50 ${result.allMs.p50} ms, p99 ${result.allMs.p99} ms (target ≤ 50 ms)`);
  } finally {
    await server.close();
    await postgres?.stop();
  }
}
const dir = fileURLToPath(new URL('./results', import.meta.url));
await mkdir(dir, { recursive: true });
const report = { measuredAt: new Date().toISOString(), options, results };
await writeFile(`${dir}/device-list.json`, `${JSON.stringify(report, null, 2)}\n`);

/**
 * `node --import tsx bench/upgrade-fleet.ts [--agents N] [--mib-per-sec N] [--concurrent N]
 * [--build-kib N]`: upgrades a simulated fleet (S-12) on an in-process test server and writes
 * bench/results/upgrade-fleet.json: the limits, finish time against the ideal, and the measured
 * series (upgrades running, MiB sent, each second).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createTestServer } from '../test/support/test-server.js';
import { measureUpgradeFleet } from '../test/support/upgrade-fleet.js';

const { values } = parseArgs({
  options: {
    agents: { type: 'string', default: '1000' },
    'mib-per-sec': { type: 'string', default: '20' },
    concurrent: { type: 'string', default: '100' },
    'build-kib': { type: 'string', default: '256' },
  },
});
const results = fileURLToPath(new URL('./results', import.meta.url));
const server = await createTestServer();
try {
  const result = await measureUpgradeFleet(server, {
    agents: Number(values.agents),
    buildBytes: Number(values['build-kib']) * 1024,
    bandwidthBytesPerSec: Number(values['mib-per-sec']) * 2 ** 20,
    maxConcurrent: Number(values.concurrent),
  });
  await mkdir(results, { recursive: true });
  await writeFile(`${results}/upgrade-fleet.json`, `${JSON.stringify(result, null, 2)}\n`);
  const { series, ...summary } = result;
  console.log(JSON.stringify(summary, null, 2));
  console.log(series.map((s) => `${s.second}s: ${s.running} running, ${s.mib} MiB`).join('\n'));
} finally {
  await server.close();
}

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  UPGRADE_DOWNLOAD_PATH,
  type DeviceInventory,
  type MessageOf,
  type ServerMessage,
  type UpgradeSettings,
} from '@tether/protocol';
import type { AgentLink } from '../../packages/server/src/devices/device-presence.js';
import { downloadBuild } from '../../packages/agent/src/upgrade/download-build.js';
import {
  verifyUnpackedFiles,
  verifyUpgradeManifest,
} from '../../packages/agent/src/upgrade/verify-manifest.js';
import type { TestServer } from './test-server.js';

// S-12 target: upgrading 1,000 agents respects the total bandwidth and the concurrency limit,
// and finishes within 1.2× the time the limits allow. The agents are simulated (no process
// each) but upgrade with the agent's real code: the signed manifest checked against the pinned
// key, the ticketed download over TLS through the server's throttle, tar, every file's hash.

export interface UpgradeFleetOptions {
  agents: number;
  /** Size of the synthetic build's one file (random: gzip keeps it as large). */
  buildBytes: number;
  bandwidthBytesPerSec: number;
  maxConcurrent: number;
}

export interface UpgradeFleetResult extends UpgradeFleetOptions {
  bodyBytes: number;
  finishedMs: number;
  /** All bodies at the bandwidth limit. */
  idealMs: number;
  ratio: number;
  maxRunning: number;
  /** Highest bytes per second over any whole second. */
  maxBytesPerSec: number;
  failed: number;
  /** One sample a second: upgrades running, MiB sent in that second. */
  series: { second: number; running: number; mib: number }[];
}

const OLD = '0.1.0-fleet.1';
const NEW = '0.1.0-fleet.2';

/** Ustar entries of one file without the end-of-archive (the AgentBuilds body format). */
function ustarEntry(path: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512);
  header.write(path, 0, 'ascii');
  header.write('0000644\0', 100, 'ascii');
  header.write('0000000\0', 108, 'ascii');
  header.write('0000000\0', 116, 'ascii');
  header.write(`${content.length.toString(8).padStart(11, '0')}\0`, 124, 'ascii');
  header.write(
    `${Math.floor(Date.now() / 1000)
      .toString(8)
      .padStart(11, '0')}\0`,
    136,
    'ascii',
  );
  header.write('        ', 148, 'ascii');
  header.write('0', 156, 'ascii');
  header.write('ustar\x0000', 257, 'ascii');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([header, content, padding]);
}

async function storeSyntheticBuild(dataDir: string, bytes: number): Promise<number> {
  const path = `versions/${NEW}/app/tether-agent.mjs`;
  const content = randomBytes(bytes);
  const folder = join(dataDir, 'agent-builds', `${NEW}-linux-${process.arch}`);
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'body.tar.gz'), gzipSync(ustarEntry(path, content)));
  const bodyBytes = (await stat(join(folder, 'body.tar.gz'))).size;
  const build = {
    ...{ version: NEW, platform: 'linux', arch: process.arch, source: 'upload' },
    files: { [path]: createHash('sha256').update(content).digest('hex') },
    bodyBytes,
    addedAt: new Date().toISOString(),
  };
  await writeFile(join(folder, 'build.json'), JSON.stringify(build));
  return bodyBytes;
}

/** Runs the fleet's upgrade on a test server; every simulated agent is gone at the end. */
export async function measureUpgradeFleet(
  server: TestServer,
  options: UpgradeFleetOptions,
): Promise<UpgradeFleetResult> {
  const { context } = server.server;
  const bodyBytes = await storeSyntheticBuild(server.dataDir, options.buildBytes);
  const { installer } = await server.createInstaller({ maxInstalls: options.agents + 1 });
  const inventory: DeviceInventory = {
    hostname: 'fleet',
    os: { platform: 'linux', release: '6', name: 'Debian', arch: process.arch },
    agentVersion: OLD,
  };
  const work = await mkdtemp(join(tmpdir(), 'tether-upgrade-fleet-'));
  let finished = 0;
  let failed = 0;
  let allDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (allDone = resolve));
  const settle = (isOk: boolean): void => {
    finished += 1;
    if (!isOk) failed += 1;
    if (finished === options.agents) allDone();
  };

  const upgrade = async (deviceId: string, offer: MessageOf<ServerMessage, 'upgrade.offer'>) => {
    const report = (state: 'downloading' | 'restarting' | 'failed', reason?: string): void =>
      context.upgrades.onStatus(deviceId, {
        type: 'upgrade.status',
        version: offer.version,
        state,
        ...(reason !== undefined && { reason }),
      });
    const dir = await mkdtemp(join(work, 'agent-'));
    try {
      const manifest = verifyUpgradeManifest({
        text: offer.manifest,
        signature: offer.signature,
        pinnedKey: context.identity.publicKey,
        version: offer.version,
      });
      report('downloading');
      const url = new URL(`${UPGRADE_DOWNLOAD_PATH}/${offer.ticket}`, server.url);
      await downloadBuild({ url, bytes: offer.bytes, dir });
      await verifyUnpackedFiles(dir, manifest);
      report('restarting');
      // The new version connects: the server reads its version and counts it installed.
      await context.store.devices.updateInventory(
        deviceId,
        { ...inventory, agentVersion: NEW },
        new Date(),
      );
      context.upgrades.onDeviceReady(deviceId);
      settle(true);
    } catch (error) {
      report('failed', (error as Error).message);
      settle(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };

  const links: AgentLink[] = [];
  for (let index = 0; index < options.agents; index += 1) {
    const deviceId = randomUUID();
    const enrolled = await context.store.devices.enroll({
      installerId: installer.id,
      now: new Date(),
      device: {
        id: deviceId,
        name: `fleet-${index}`,
        publicKey: randomBytes(32).toString('base64url'),
        inventory,
        enrolledAt: new Date(),
      },
    });
    if (!enrolled.ok) throw new Error(`enrolment refused: ${enrolled.reason}`);
    const link: AgentLink = {
      deviceId,
      capabilities: ['upgrade'],
      userPresence: undefined,
      send: (message) => {
        if (message.type === 'upgrade.offer') void upgrade(deviceId, message);
      },
      close: () => undefined,
    };
    links.push(link);
    context.presence.connect(link);
    context.upgrades.onDeviceReady(deviceId);
  }
  // Every device is known to the scheduler before the upgrade starts.
  await new Promise((resolve) => setTimeout(resolve, 500));

  const series: UpgradeFleetResult['series'] = [];
  let maxRunning = 0;
  const startedAt = performance.now();
  let lastSent = context.upgrades.load().sentBytes;
  const sampler = setInterval(() => {
    const { running, sentBytes } = context.upgrades.load();
    series.push({
      second: series.length + 1,
      running,
      mib: Number(((sentBytes - lastSent) / 2 ** 20).toFixed(2)),
    });
    lastSent = sentBytes;
  }, 1000);
  const peak = setInterval(() => {
    maxRunning = Math.max(maxRunning, context.upgrades.load().running);
  }, 20);
  const settings: UpgradeSettings = {
    mode: 'always',
    targetVersion: NEW,
    bandwidthBytesPerSec: options.bandwidthBytesPerSec,
    maxConcurrent: options.maxConcurrent,
  };
  await context.upgrades.saveSettings(settings, 'bench');
  await done;
  const finishedMs = performance.now() - startedAt;
  clearInterval(sampler);
  clearInterval(peak);
  for (const link of links) context.presence.disconnect(link);
  await rm(work, { recursive: true, force: true });
  const idealMs = ((options.agents * bodyBytes) / options.bandwidthBytesPerSec) * 1000;
  return {
    ...options,
    bodyBytes,
    finishedMs: Math.round(finishedMs),
    idealMs: Math.round(idealMs),
    ratio: Number((finishedMs / idealMs).toFixed(3)),
    maxRunning,
    maxBytesPerSec: Math.max(...series.map((sample) => sample.mib)) * 2 ** 20,
    failed,
    series,
  };
}

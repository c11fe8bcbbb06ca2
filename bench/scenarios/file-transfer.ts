import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { FILE_CHUNK_BYTES, FILE_WINDOW_BYTES } from '@tether/protocol';
import { filesOnSocket, openFiles } from '../../test/support/files-client.js';
import { HttpsClient } from '../../test/support/https-client.js';
import type { Cleanup } from '../lib/cleanup.js';
import { certificateFingerprint } from '../lib/fingerprint.js';
import { startServerProcess } from '../lib/server-process.js';
import { median } from '../lib/summary.js';
import { startBareDevice, startBarePipe } from './bare-pipe.js';
import { startRealAgent } from './real-agent.js';

/** One direction at one size: Tether and the bare pipe, medians of the rounds. */
export interface FileTransferDirection {
  MBps: number;
  barePipeMBps: number;
  /** Median over the rounds of Tether ÷ bare pipe in the same round. */
  ratio: number;
  runs: { MBps: number[]; barePipeMBps: number[] };
}

/** One file size of scenario (f). */
export interface FileTransferSize {
  bytes: number;
  upload: FileTransferDirection;
  download: FileTransferDirection;
  /** Every Tether transfer reported the SHA-256 of the source, and every copy has it. */
  isIntact: boolean;
}

/** Result of scenario (f). MB = 10^6 bytes. */
export interface FileTransferResult {
  chunkBytes: number;
  windowBytes: number;
  rounds: number;
  sizes: FileTransferSize[];
  target: {
    /** Files of 1 GiB and more, each way. */
    minMBps: number;
    /** Files of 100 MiB, each way, against the bare pipe of the same run. */
    minRatio: number;
  };
}

const TARGET = { minMBps: 200, minRatio: 0.5 };
const GiB = 2 ** 30;
const MiB = 2 ** 20;
const DEVICE = fileURLToPath(new URL('./bare-files-device.ts', import.meta.url));

async function writeRandomFile(file: string, size: number): Promise<string> {
  const handle = await open(file, 'w');
  const hash = createHash('sha256');
  const block = Buffer.alloc(4 * MiB);
  for (let written = 0; written < size; written += block.length) {
    randomFillSync(block);
    const part = block.subarray(0, Math.min(block.length, size - written));
    hash.update(part);
    await handle.write(part);
  }
  await handle.close();
  return hash.digest('hex');
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 4 * MiB }))
    hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const round1 = (value: number): number => Math.round(value * 10) / 10;

type Final = Awaited<ReturnType<Awaited<ReturnType<typeof filesOnSocket>>['upload']>>;

/** Times one transfer from request to `done`; its rate in MB/s and its final reply. */
async function timed(
  bytes: number,
  transfer: () => Promise<Final>,
): Promise<{ MBps: number; sha256: string }> {
  const startedAt = performance.now();
  const final = await transfer();
  const ms = performance.now() - startedAt;
  if (final.type !== 'done') throw new Error(`transfer failed: ${final.message}`);
  return { MBps: bytes / 1e6 / (ms / 1000), sha256: final.sha256 };
}

/**
 * Medians of each path, and the median of the rounds' own ratios: a round's Tether and bare
 * transfers run seconds apart, so their ratio is the figure least moved by the machine's load.
 */
function direction(MBps: number[], barePipeMBps: number[]): FileTransferDirection {
  const ratios = MBps.map((value, round) => value / (barePipeMBps[round] ?? Number.NaN));
  return {
    MBps: round1(median(MBps)),
    barePipeMBps: round1(median(barePipeMBps)),
    ratio: Math.round(median(ratios) * 100) / 100,
    runs: { MBps: MBps.map(round1), barePipeMBps: barePipeMBps.map(round1) },
  };
}

/**
 * The baseline: the technician's same client code through the bare `ws` pipe of scenario (a) to
 * a stand-in device process (bare-files-device.ts) that keeps nothing and hashes nothing.
 */
async function startBareFiles(options: {
  serverDataDir: string;
  ca: string;
  cleanup: Cleanup;
}): Promise<Awaited<ReturnType<typeof filesOnSocket>>> {
  const keys = join(options.serverDataDir, 'keys');
  const pipe = await startBarePipe({
    certFile: join(keys, 'tls-self-signed.crt'),
    keyFile: join(keys, 'tls-self-signed.key'),
    cleanup: options.cleanup,
  });
  const path = '/files';
  await startBareDevice({
    script: DEVICE,
    url: `${pipe.url}${path}`,
    fingerprint: certificateFingerprint(options.ca),
    cleanup: options.cleanup,
  });
  const socket = new HttpsClient(pipe.url, options.ca).websocket(path, { zeroMask: true });
  const files = await filesOnSocket(socket);
  options.cleanup.defer('bare files socket', async () => {
    await files.close();
  });
  return files;
}

/**
 * Scenario (f): a real server process and a real agent process on loopback; for each size
 * (ascending), `rounds` times: the technician's side uploads a random file into the agent's
 * file root and downloads it back through one files session, each timed from request to `done`
 * and checked against the source's SHA-256; then the same bytes both ways through the bare pipe.
 * Medians per size and direction.
 *
 * @example
 * const result = await measureFileTransfer(cleanup, { sizes: [10 * 2 ** 20, 2 ** 30], rounds: 3 });
 */
export async function measureFileTransfer(
  cleanup: Cleanup,
  options: { sizes: number[]; rounds: number },
): Promise<FileTransferResult> {
  const dir = await cleanup.tempDir('files');
  const root = join(dir, 'root');
  await mkdir(root);
  const server = await startServerProcess({ dataDir: join(dir, 'server'), cleanup });
  const deviceId = await startRealAgent(server, { dir, cleanup, args: ['--file-root', root] });
  // The technician's browser masks what it sends on its own machine, not on this one.
  const files = await openFiles(server.admin, deviceId, { zeroMask: true });
  cleanup.defer('files session', async () => {
    await files.close();
  });
  const bare = await startBareFiles({ serverDataDir: server.dataDir, ca: server.ca, cleanup });

  const sizes: FileTransferSize[] = [];
  for (const bytes of [...new Set(options.sizes)].sort((a, b) => a - b)) {
    const source = join(dir, 'source.bin');
    const copy = join(dir, 'copy.bin');
    const sha256 = await writeRandomFile(source, bytes);
    const runs = { up: [] as number[], down: [] as number[] };
    const bareRuns = { up: [] as number[], down: [] as number[] };
    let isIntact = true;
    for (let round = 0; round < options.rounds; round++) {
      const target = join(root, 'file.bin');
      const up = await timed(bytes, () => files.upload({ from: source, to: target }));
      const down = await timed(bytes, () => files.download({ from: target, to: copy }));
      runs.up.push(up.MBps);
      runs.down.push(down.MBps);
      isIntact &&=
        up.sha256 === sha256 && down.sha256 === sha256 && (await sha256Of(copy)) === sha256;
      await rm(copy);
      bareRuns.up.push((await timed(bytes, () => bare.upload({ from: source, to: '-' }))).MBps);
      bareRuns.down.push(
        (await timed(bytes, () => bare.download({ from: source, to: copy }))).MBps,
      );
      await rm(copy);
    }
    sizes.push({
      bytes,
      upload: direction(runs.up, bareRuns.up),
      download: direction(runs.down, bareRuns.down),
      isIntact,
    });
    await rm(source);
  }
  return {
    chunkBytes: FILE_CHUNK_BYTES,
    windowBytes: FILE_WINDOW_BYTES,
    rounds: options.rounds,
    sizes,
    target: TARGET,
  };
}

const sizeText = (bytes: number): string =>
  bytes >= GiB ? `${round1(bytes / GiB)} GiB` : `${round1(bytes / MiB)} MiB`;

/**
 * The scenario's rows of the results table: 1 GiB and more against the absolute target,
 * 100 MiB against the bare pipe, smaller sizes for information.
 *
 * @example
 * rows.push(...fileTransferRows(result));
 */
export function fileTransferRows(
  result: FileTransferResult,
): [string, string, string, string, string][] {
  const { minMBps, minRatio } = result.target;
  return result.sizes.flatMap((size) =>
    (['upload', 'download'] as const).map((way): [string, string, string, string, string] => {
      const figures = size[way];
      const measured = `${figures.MBps} MB/s, bare ${figures.barePipeMBps}: ${figures.ratio}×`;
      const intact = size.isIntact ? '' : ', SHA-256 MISMATCH';
      const name = `file ${way}, ${sizeText(size.bytes)} (median of ${result.rounds})${intact}`;
      if (size.bytes >= GiB) {
        const passed = figures.MBps >= minMBps && size.isIntact;
        return ['f', name, measured, `≥ ${minMBps} MB/s`, passed ? 'PASS' : 'FAIL'];
      }
      if (size.bytes === 100 * MiB) {
        const passed = figures.ratio >= minRatio && size.isIntact;
        return ['f', name, measured, `≥ ${minRatio}× bare`, passed ? 'PASS' : 'FAIL'];
      }
      return ['f', name, measured, '', size.isIntact ? '' : 'FAIL'];
    }),
  );
}

import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openFiles } from '../../test/support/files-client.js';
import type { Cleanup } from '../lib/cleanup.js';
import { startServerProcess } from '../lib/server-process.js';
import { startRealAgent } from './real-agent.js';

/** Result of scenario (f): one file uploaded then downloaded through server, relay and agent. */
export interface FileTransferResult {
  bytes: number;
  uploadMBps: number;
  downloadMBps: number;
  /** Both directions reported the SHA-256 of the source file. */
  isIntact: boolean;
  target: { minMBps: number };
}

/** The target for a 1 GiB file, both directions. */
const TARGET_MBPS = 200;

async function writeRandomFile(file: string, size: number): Promise<string> {
  const handle = await open(file, 'w');
  const hash = createHash('sha256');
  const block = Buffer.alloc(4 * 2 ** 20);
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
  for await (const chunk of createReadStream(file, { highWaterMark: 4 * 2 ** 20 }))
    hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const mbps = (bytes: number, ms: number): number => Math.round(bytes / 1e6 / (ms / 1000));

/**
 * Scenario (f): a real server process and a real agent process on loopback; the technician's
 * side uploads a file of `bytes` into the agent's file root, then downloads it back, each timed
 * from request to `done`, and both checked against the source's SHA-256.
 *
 * @example
 * const result = await measureFileTransfer(cleanup, { bytes: 2 ** 30 });
 */
export async function measureFileTransfer(
  cleanup: Cleanup,
  options: { bytes: number },
): Promise<FileTransferResult> {
  const dir = await mkdtemp(join(tmpdir(), 'tether-bench-files-'));
  cleanup.defer('file transfer temp dir', () => rm(dir, { recursive: true, force: true }));
  const root = join(dir, 'root');
  await mkdir(root);
  const server = await startServerProcess({ dataDir: join(dir, 'server'), cleanup });
  const deviceId = await startRealAgent(server, { dir, cleanup, args: ['--file-root', root] });
  const source = join(dir, 'source.bin');
  const sha256 = await writeRandomFile(source, options.bytes);
  // The technician's browser masks what it sends on its own machine, not on this one.
  const files = await openFiles(server.admin, deviceId, { zeroMask: true });
  cleanup.defer('files session', async () => {
    await files.close();
  });

  let startedAt = performance.now();
  const uploaded = await files.upload({ from: source, to: join(root, 'file.bin') });
  const uploadMs = performance.now() - startedAt;
  if (uploaded.type !== 'done') throw new Error(`upload failed: ${uploaded.message}`);
  await rm(source);
  const copy = join(dir, 'copy.bin');
  startedAt = performance.now();
  const downloaded = await files.download({ from: join(root, 'file.bin'), to: copy });
  const downloadMs = performance.now() - startedAt;
  if (downloaded.type !== 'done') throw new Error(`download failed: ${downloaded.message}`);
  const isIntact =
    uploaded.sha256 === sha256 && downloaded.sha256 === sha256 && (await sha256Of(copy)) === sha256;
  return {
    bytes: options.bytes,
    uploadMBps: mbps(options.bytes, uploadMs),
    downloadMBps: mbps(options.bytes, downloadMs),
    isIntact,
    target: { minMBps: TARGET_MBPS },
  };
}

/**
 * The scenario's rows of the results table.
 *
 * @example
 * rows.push(...fileTransferRows(result));
 */
export function fileTransferRows(
  result: FileTransferResult,
): [string, string, string, string, string][] {
  const size = `${(result.bytes / 2 ** 30).toFixed(2)} GiB`;
  const target = `≥ ${result.target.minMBps} MB/s`;
  const verdict = (value: number): string =>
    value >= result.target.minMBps && result.isIntact ? 'PASS' : 'FAIL';
  return [
    [
      'f',
      `file upload through the relay, ${size}`,
      `${result.uploadMBps} MB/s`,
      target,
      verdict(result.uploadMBps),
    ],
    [
      'f',
      `file download through the relay, ${size}`,
      `${result.downloadMBps} MB/s`,
      target,
      verdict(result.downloadMBps),
    ],
    [
      'f',
      'SHA-256 of both transfers matches the source',
      String(result.isIntact),
      'true',
      result.isIntact ? 'PASS' : 'FAIL',
    ],
  ];
}

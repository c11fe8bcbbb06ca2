import { spawn } from 'node:child_process';
import { request } from 'node:https';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { AppError } from '@tether/protocol/agent';
import { proxyFor, tunnelAgent } from '../transport/http-proxy.js';

/** No byte for this long: the download is given up (the server throttles, it never stops). */
const IDLE_TIMEOUT_MS = 120_000;
/** Two zero blocks: the end of a tar archive, which a build body leaves out (AgentBuilds port). */
const END_OF_ARCHIVE = Buffer.alloc(1024);

/**
 * Downloads an offered build body and unpacks it into `dir` with the system `tar`, streaming
 * (the body can be 100 MB; it is never held in memory). Trust does not come from TLS: the files
 * are checked against the signed manifest afterwards, so the certificate is not validated.
 *
 * @example
 * await downloadBuild({ url, bytes: offer.bytes, dir: staging });
 */
export async function downloadBuild(options: {
  url: URL;
  bytes: number;
  dir: string;
}): Promise<void> {
  const { url } = options;
  const response = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
    const proxy = proxyFor(url, process.env);
    const outgoing = request(url, {
      rejectUnauthorized: false,
      agent: proxy ? tunnelAgent(proxy) : false,
      timeout: IDLE_TIMEOUT_MS,
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error('the server stopped sending')));
    outgoing.on('error', reject);
    outgoing.on('response', resolve);
    outgoing.end();
  }).catch((error: unknown) => {
    throw new AppError(
      'UNAVAILABLE',
      `Cannot download the build from ${url.origin}: ${(error as Error).message}.`,
    );
  });
  if (response.statusCode !== 200) {
    response.resume();
    throw new AppError(
      'UNAVAILABLE',
      `The server refused the build download (HTTP ${response.statusCode ?? 0}).`,
    );
  }
  let received = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      if (received > options.bytes)
        callback(new AppError('INVALID_INPUT', 'The server sent more than the offered build.'));
      else callback(null, chunk);
    },
    flush(callback) {
      callback(
        received === options.bytes
          ? null
          : new AppError(
              'UNAVAILABLE',
              `The download ended after ${received} of ${options.bytes} bytes.`,
            ),
      );
    },
  });
  const tar = spawn('tar', ['-x', '-f', '-', '-C', options.dir, '--no-same-owner'], {
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let tarErrors = '';
  tar.stderr.on('data', (chunk: Buffer) => (tarErrors += chunk.toString('utf8')).slice(0, 2000));
  const exited = new Promise<number>((resolve, reject) => {
    tar.on('error', reject);
    tar.on('close', (code) => resolve(code ?? 1));
  });
  const withEnd = new Transform({
    transform: (chunk: Buffer, _encoding, callback) => callback(null, chunk),
    flush: (callback) => callback(null, END_OF_ARCHIVE),
  });
  // Settled into a value at once: tar's exit is awaited first, and a rejection must not float.
  const failure = pipeline(response, limit, createGunzip(), withEnd, tar.stdin).then(
    () => undefined,
    (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
  );
  const code = await exited;
  const error = await failure;
  if (error instanceof AppError) throw error;
  if (error) {
    // tar stops reading at an end-of-archive: anything after it is not part of the build.
    const detail = code === 0 ? 'data after the end of the archive' : error.message;
    throw new AppError('INVALID_INPUT', `The build download failed: ${detail}.`);
  }
  if (code !== 0)
    throw new AppError('INVALID_INPUT', `tar could not unpack the build: ${tarErrors.trim()}`);
}

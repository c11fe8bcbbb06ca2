import { request } from 'node:https';
import { AppError } from '@tether/protocol/agent';
import { proxyFor, tunnelAgent } from './http-proxy.js';
import { tlsFingerprint } from './tls-fingerprint.js';

/** What {@link postJson} got back. */
export interface JsonReply {
  status: number;
  /** The parsed body, or `undefined` when it was not JSON. */
  body: unknown;
  /** Fingerprint of the certificate the server presented on this connection. */
  tlsFingerprint: string;
}

const MAX_REPLY_BYTES = 1024 * 1024;

/**
 * POSTs JSON over https without certificate-authority validation and reports the fingerprint
 * of the certificate seen, which the caller must check against a signed proof.
 *
 * @example
 * const reply = await postJson(new URL('/api/v1/agent/enroll', serverUrl), body, { timeoutMs: 15_000 });
 */
export function postJson(
  url: URL,
  body: unknown,
  options: { timeoutMs: number },
): Promise<JsonReply> {
  const payload = Buffer.from(JSON.stringify(body), 'utf8');
  return new Promise((resolve, reject) => {
    const proxy = proxyFor(url, process.env);
    const outgoing = request(url, {
      method: 'POST',
      // Trust comes from the pinned server key, not from a CA (DESIGN.md, Identity and trust).
      rejectUnauthorized: false,
      agent: proxy ? tunnelAgent(proxy) : false,
      timeout: options.timeoutMs,
      headers: { 'content-type': 'application/json', 'content-length': payload.length },
    });
    outgoing.on('timeout', () => {
      outgoing.destroy(
        new AppError(
          'UNAVAILABLE',
          `The server at ${url.origin} did not answer within ${options.timeoutMs} ms. Check the address and your network, then try again.`,
        ),
      );
    });
    outgoing.on('error', (error) => reject(toUnreachable(url, error)));
    outgoing.on('response', (response) => {
      let fingerprint: string;
      try {
        fingerprint = tlsFingerprint(response.socket);
      } catch (error) {
        response.destroy();
        reject(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_REPLY_BYTES)
          response.destroy(
            new AppError('UNAVAILABLE', `The server at ${url.origin} sent an oversized reply.`),
          );
        else chunks.push(chunk);
      });
      response.on('error', (error) => reject(toUnreachable(url, error)));
      response.on('end', () => {
        resolve({
          status: response.statusCode ?? 0,
          body: parseJson(Buffer.concat(chunks)),
          tlsFingerprint: fingerprint,
        });
      });
    });
    outgoing.end(payload);
  });
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined; // the caller reports "not a Tether server" with the HTTP status
  }
}

function toUnreachable(url: URL, error: Error): AppError {
  if (error instanceof AppError) return error;
  return new AppError(
    'UNAVAILABLE',
    `Cannot reach the Tether server at ${url.origin} (${error.message}). Check the address and that the server is running.`,
  );
}

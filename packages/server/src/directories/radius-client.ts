import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { AppError } from '@tether/protocol';
import { errorText, type DirectoryTrace } from './directory-trace.js';

/** RADIUS attribute numbers read from replies (RFC 2865, RFC 3579). */
export const RADIUS_ATTRIBUTE = {
  'Filter-Id': 11,
  'Reply-Message': 18,
  State: 24,
  Class: 25,
  'Message-Authenticator': 80,
} as const;

const AUTHENTICATOR = { start: 4, end: 20 } as const;

/** A server's answer: its code and attributes (raw, in order; repeated attributes kept). */
export interface RadiusReply {
  server: string;
  code: string;
  attributes: [number, Buffer][];
  /** Attributes by name as the `radius` dictionary decodes them, for the test's display. */
  named: Record<string, unknown>;
}

export interface RadiusRequestOptions {
  servers: readonly { host: string; port: number }[];
  secret: string;
  timeoutMs: number;
  /** Transmissions per server (the same packet again) before the next server is asked. */
  retries: number;
  /** Request attributes, as `radius.encode` takes them (User-Password is hidden by it). */
  attributes: [string, string | Buffer][];
  trace: DirectoryTrace;
}

/**
 * Sends an Access-Request and returns the first verified reply: each server in order, each
 * transmission waiting `timeoutMs`; the next server only when one stays silent. A reply whose
 * Response Authenticator or Message-Authenticator does not match the shared secret is ignored
 * (forged, or a wrong secret). `radius` (dictionaries, encoding) is loaded at the first request.
 */
export async function sendAccessRequest(options: RadiusRequestOptions): Promise<RadiusReply> {
  // CommonJS whose exports Node cannot list: everything is on the default export.
  const radius = (await import('radius')).default;
  const silent: string[] = [];
  for (const server of options.servers) {
    const name = `${server.host}:${server.port}`;
    const request = radius.encode({
      code: 'Access-Request',
      secret: options.secret,
      identifier: Math.floor(Math.random() * 256),
      // A copy: `encode` appends the Message-Authenticator to the array it is given.
      attributes: [...options.attributes],
      add_message_authenticator: true,
    });
    const response = await exchange(request, server, options);
    if (!response) {
      options.trace({
        stage: 'server',
        ok: false,
        detail: `${name} did not answer ${options.retries} time(s) within ${options.timeoutMs} ms.`,
      });
      silent.push(name);
      continue;
    }
    const packet = radius.decode({ packet: response, secret: options.secret });
    options.trace({ stage: 'server', ok: true, detail: `${name} answered ${packet.code}.` });
    return {
      server: name,
      code: packet.code,
      attributes: rawAttributes(response),
      named: packet.attributes as Record<string, unknown>,
    };
  }
  throw new AppError(
    'UNAVAILABLE',
    `No RADIUS server answered (${silent.join(', ')}). Try again later.`,
  );
}

/** Sends `request` up to `retries` times; the verified response, or undefined after silence. */
async function exchange(
  request: Buffer,
  server: { host: string; port: number },
  options: RadiusRequestOptions,
): Promise<Buffer | undefined> {
  const socket = createSocket(isIPv6(server.host) ? 'udp6' : 'udp4');
  try {
    for (let attempt = 0; attempt < options.retries; attempt += 1) {
      const answer = waitForResponse(socket, request, options);
      socket.send(request, server.port, server.host, (error) => {
        if (error) options.trace({ stage: 'send', ok: false, detail: errorText(error) });
      });
      const response = await answer;
      if (response) return response;
    }
    return undefined;
  } finally {
    socket.close();
  }
}

function waitForResponse(
  socket: Socket,
  request: Buffer,
  options: RadiusRequestOptions,
): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish(undefined), options.timeoutMs);
    const finish = (response: Buffer | undefined): void => {
      clearTimeout(timer);
      socket.off('message', onMessage);
      socket.off('error', onError);
      resolve(response);
    };
    const onMessage = (message: Buffer): void => {
      if (message.length < AUTHENTICATOR.end || message[1] !== request[1]) return;
      if (!isAuthentic(message, request, options.secret)) {
        options.trace({
          stage: 'reply',
          ok: false,
          detail: 'A reply failed the authenticator check (wrong shared secret?); ignored.',
        });
        return;
      }
      finish(message);
    };
    // ICMP port unreachable surfaces as an error on some systems: wait out the timeout anyway.
    const onError = (error: Error): void => {
      options.trace({ stage: 'send', ok: false, detail: errorText(error) });
    };
    socket.on('message', onMessage);
    socket.on('error', onError);
  });
}

/**
 * The Response Authenticator (RFC 2865 §3: MD5 of the reply with the request's authenticator,
 * then the secret) and, when present, the Message-Authenticator (RFC 3579 §3.2: HMAC-MD5 of the
 * same with that attribute zeroed). Compared in constant time.
 */
export function isAuthentic(response: Buffer, request: Buffer, secret: string): boolean {
  const length = response.readUInt16BE(2);
  if (length > response.length || length < AUTHENTICATOR.end) return false;
  const reply = Buffer.from(response.subarray(0, length));
  const received = Buffer.from(reply.subarray(AUTHENTICATOR.start, AUTHENTICATOR.end));
  request.copy(reply, AUTHENTICATOR.start, AUTHENTICATOR.start, AUTHENTICATOR.end);
  const expected = createHash('md5').update(reply).update(secret).digest();
  if (!timingSafeEqual(received, expected)) return false;
  const offset = attributeOffset(reply, RADIUS_ATTRIBUTE['Message-Authenticator']);
  if (offset === undefined) return true;
  const got = Buffer.from(reply.subarray(offset + 2, offset + 18));
  reply.fill(0, offset + 2, offset + 18);
  const hmac = createHmac('md5', secret).update(reply).digest();
  return timingSafeEqual(got, hmac);
}

function attributeOffset(packet: Buffer, type: number): number | undefined {
  for (let offset = AUTHENTICATOR.end; offset + 2 <= packet.length;) {
    const length = packet[offset + 1] ?? 0;
    if (length < 2) return undefined;
    if (packet[offset] === type) return offset;
    offset += length;
  }
  return undefined;
}

function rawAttributes(packet: Buffer): [number, Buffer][] {
  const attributes: [number, Buffer][] = [];
  const end = packet.readUInt16BE(2);
  for (let offset = AUTHENTICATOR.end; offset + 2 <= end;) {
    const length = packet[offset + 1] ?? 0;
    if (length < 2) break;
    attributes.push([packet[offset] ?? 0, packet.subarray(offset + 2, offset + length)]);
    offset += length;
  }
  return attributes;
}

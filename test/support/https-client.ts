import { request as httpsRequest } from 'node:https';
import WebSocket from 'ws';
import type { z } from 'zod';
import { SESSION_COOKIE } from '@tether/protocol';

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON and checked against a protocol schema (replies are never cast). */
  json<T>(schema: z.ZodType<T>): T;
}

/**
 * A tiny HTTPS client that trusts exactly the test server's certificate (no global TLS
 * switches), keeps the session cookie, and sends our Origin like the console does.
 */
export class HttpsClient {
  cookie: string | undefined;

  constructor(
    readonly baseUrl: string,
    private readonly ca: string,
    private readonly localAddress?: string,
  ) {}

  request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<HttpResponse> {
    const url = new URL(path, this.baseUrl);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        url,
        {
          method,
          ca: this.ca,
          ...(this.localAddress ? { localAddress: this.localAddress } : {}),
          headers: {
            origin: url.origin,
            ...(payload ? { 'content-type': 'application/json' } : {}),
            ...(this.cookie ? { cookie: this.cookie } : {}),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            // The session cookie only, as the console's own requests carry it: another cookie
            // (a single sign-on binding) must not take its place.
            const session = res.headers['set-cookie']
              ?.map((cookie) => cookie.split(';')[0] ?? '')
              .find((cookie) => cookie.startsWith(`${SESSION_COOKIE}=`));
            if (session !== undefined) this.cookie = session;
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text,
              json: (schema) => schema.parse(JSON.parse(text)),
            });
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  /**
   * Opens a WebSocket to the server as the browser would (cookie + Origin unless overridden).
   * `zeroMask` masks frames with a zero key (still masked frames the server unmasks): the
   * benchmark uses it so that the copy a browser makes on the technician's own machine does not
   * take CPU from the server and agent it measures on this one.
   */
  websocket(path: string, options: { origin?: string | null; zeroMask?: boolean } = {}): WebSocket {
    const url = new URL(path, this.baseUrl);
    url.protocol = 'wss:';
    const origin = options.origin === undefined ? new URL(this.baseUrl).origin : options.origin;
    return new WebSocket(url, {
      ca: this.ca,
      ...(options.zeroMask ? { generateMask: (mask: Buffer) => void mask.fill(0) } : {}),
      headers: { ...(this.cookie ? { cookie: this.cookie } : {}), ...(origin ? { origin } : {}) },
    });
  }
}

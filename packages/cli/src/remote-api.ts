import { readFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { AppError } from '@tether/protocol/app-error';
import type { TetherClient } from '@tether/sdk';
import { stringOption, type CommandInput } from './command.js';

/** The options of commands that act through a running server's API (what needs its agents). */
export const remoteOptions = {
  server: { type: 'string' },
  username: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  ca: { type: 'string' },
} as const;

/** Their help text, for the commands' usage. */
export const REMOTE_USAGE = `  --server URL        the running server (default: TETHER_SERVER)
  --username NAME     who signs in (default: TETHER_USERNAME); their role and device rights apply
  --password-stdin    read the password from standard input (default: TETHER_PASSWORD)
  --ca FILE           a PEM certificate to trust, for a server with a self-signed certificate`;

/**
 * A `fetch` over `node:https` that trusts `ca` when given and keeps the session cookie between
 * calls, as the console's browser would (Node's own fetch takes no CA).
 */
function httpsFetch(ca: string | undefined): typeof fetch {
  let cookie: string | undefined;
  const fetchOnce = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : input);
    const headers = new Headers(init.headers);
    headers.set('origin', url.origin);
    if (cookie) headers.set('cookie', cookie);
    const body = typeof init.body === 'string' ? init.body : undefined;
    return new Promise((resolve, reject) => {
      const request = httpsRequest(
        url,
        {
          method: init.method ?? 'GET',
          headers: Object.fromEntries(headers),
          ...(ca === undefined ? {} : { ca }),
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const session = response.headers['set-cookie']?.[0]?.split(';')[0];
            if (session) cookie = session;
            const status = response.statusCode ?? 500;
            const text = Buffer.concat(chunks);
            resolve(
              new Response(status === 204 ? null : text, {
                status,
                headers: { 'content-type': response.headers['content-type'] ?? '' },
              }),
            );
          });
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  };
  return fetchOnce;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/**
 * Signs in to the running server named by the command's options and gives its API client.
 * Throws an `AppError` saying what is missing, or why the sign-in failed.
 *
 * @example
 * const api = await signedInClient(input, 'devices wake');
 * await api.call(wakeEndpoints.wake, { params: { id }, body: {} });
 */
export async function signedInClient(input: CommandInput, command: string): Promise<TetherClient> {
  const server = stringOption(input, 'server') ?? input.env.TETHER_SERVER;
  const username = stringOption(input, 'username') ?? input.env.TETHER_USERNAME;
  const password =
    input.values['password-stdin'] === true ? await readStdin() : input.env.TETHER_PASSWORD;
  if (!server || !username || !password)
    throw new AppError(
      'INVALID_INPUT',
      `Give the server, a username and a password (--server, --username, --password-stdin or TETHER_SERVER, TETHER_USERNAME, TETHER_PASSWORD). Run \`tether ${command} --help\` for usage.`,
    );
  const caFile = stringOption(input, 'ca');
  const ca = caFile === undefined ? undefined : await readFile(caFile, 'utf8');
  const { createTetherClient } = await import('@tether/sdk');
  const api = createTetherClient({ baseUrl: new URL(server).origin, fetch: httpsFetch(ca) });
  const signedIn = await api.login({ username, password });
  if ('step' in signedIn)
    throw new AppError(
      'AUTH_FAILED',
      `${username} must pass a second sign-in step, which this command cannot: use the console, or a user without a second factor.`,
    );
  return api;
}

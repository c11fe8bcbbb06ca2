import assert from 'node:assert/strict';
import { Agent, request as httpsRequest } from 'node:https';
import { performance } from 'node:perf_hooks';
import { after, before, test } from 'node:test';
import { ADMIN_PASSWORD, createTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
const TECH_PASSWORD = 'technician-password-456';

before(async () => {
  server = await createTestServer();
});
after(async () => server.close());

/**
 * One sign-in from `address`; resolves with its status and how long it took. With `agent`, over
 * that agent's open connection (a browser with the console loaded), else over a new one.
 */
function signIn(
  address: string,
  username: string,
  password: string,
  agent?: Agent,
): Promise<{ status: number; ms: number }> {
  const url = new URL('/api/v1/auth/login', server.url);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      url,
      {
        method: 'POST',
        ca: server.ca,
        localAddress: address,
        agent: agent ?? false,
        headers: { origin: url.origin, 'content-type': 'application/json' },
      },
      (response) => {
        response.resume();
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, ms: performance.now() - started }),
        );
      },
    );
    request.on('error', reject);
    request.end(JSON.stringify({ username, password }));
  });
}

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

test('a real sign-in completes promptly while 150 bogus sign-ins from other addresses flood the server', async (t) => {
  // The administrator has signed in from 127.0.0.1 before (createTestServer does) and the
  // technician from 127.0.0.2, as on any working day; the flood comes from addresses that never
  // signed in. Each real user's connection is already open, as a browser's is once the console
  // page has loaded: the 150 TLS handshakes of the flood (done here in the same process as the
  // server) are the transport's share, not the password check's.
  const adminBrowser = new Agent({ keepAlive: true, maxSockets: 1 });
  const technicianBrowser = new Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => {
    adminBrowser.destroy();
    technicianBrowser.destroy();
  });
  await server.server.context.auth.createUser({
    username: 'tech',
    password: TECH_PASSWORD,
    role: 'technician',
  });
  assert.equal((await signIn('127.0.0.2', 'tech', TECH_PASSWORD, technicianBrowser)).status, 200);
  const quiet: number[] = [];
  for (let i = 0; i < 3; i++) {
    const result = await signIn('127.0.0.1', 'admin', ADMIN_PASSWORD, adminBrowser);
    assert.equal(result.status, 200);
    quiet.push(result.ms);
  }
  let answered = 0;
  let onAnswer = (): void => undefined;
  const flood = Array.from({ length: 150 }, (_, i) =>
    (i < 50
      ? signIn(`127.0.1.${i + 10}`, 'admin', `wrong-${i}`)
      : signIn(`127.0.2.${i}`, `ghost-${i}`, `wrong-${i}`)
    ).finally(() => {
      answered += 1;
      onAnswer();
    }),
  );
  // The real sign-in is sent once the flood is being answered, i.e. once it has reached the server.
  await new Promise<void>((resolve) => {
    onAnswer = () => {
      if (answered >= 10) resolve();
    };
  });
  // The administrator, whose account is under attack, and a technician whose account is not.
  const [real, technician] = await Promise.all([
    signIn('127.0.0.1', 'admin', ADMIN_PASSWORD, adminBrowser),
    signIn('127.0.0.2', 'tech', TECH_PASSWORD, technicianBrowser),
  ]);
  const bogus = await Promise.all(flood);
  const statuses = new Map<number, number>();
  for (const { status } of bogus) statuses.set(status, (statuses.get(status) ?? 0) + 1);
  t.diagnostic(
    `quiet sign-in p50 ${(median(quiet) / 1000).toFixed(2)} s; under 150 concurrent bogus sign-ins admin ${real.status} in ${(real.ms / 1000).toFixed(2)} s, technician ${technician.status} in ${(technician.ms / 1000).toFixed(2)} s; ` +
      `flood answered ${[...statuses].map(([status, count]) => `${count}×${status}`).join(', ')} ` +
      `in ${(Math.max(...bogus.map((result) => result.ms)) / 1000).toFixed(1)} s`,
  );
  assert.equal(real.status, 200, 'the administrator under attack still signs in');
  assert.equal(technician.status, 200, 'another user signs in');
  for (const status of statuses.keys())
    assert.ok(status === 401 || status === 429, `bogus sign-ins are refused (got ${status})`);
  for (const [who, result] of [
    ['administrator', real],
    ['technician', technician],
  ] as const) {
    assert.ok(
      result.ms < Math.max(3000, 10 * median(quiet)),
      `the ${who}'s sign-in took ${Math.round(result.ms)} ms (quiet: ${Math.round(median(quiet))} ms)`,
    );
  }
});

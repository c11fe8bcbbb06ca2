import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { createServer, type Server } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { AuditPage, ErrorBody, PortsStatus } from '@tether/protocol';
import { createLogger, loadServerConfig, startServer } from '@tether/server';
import { runCli } from '../support/cli.js';
import { HttpsClient } from '../support/https-client.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

/** A socket holding a loopback port, as another program would. */
async function occupyPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  return { port: address.port, server };
}

const release = (server: Server): Promise<void> =>
  new Promise((resolve) => server.close(() => resolve()));

/** A log that keeps its lines, to check what an administrator reads. */
function capturedLog(): { log: ReturnType<typeof createLogger>; text: () => string } {
  let text = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { log: createLogger({ level: 'info', destination }), text: () => text };
}

function adminClient(server: TestServer): HttpsClient {
  const client = new HttpsClient(new URL(server.adminUrl).origin, server.ca);
  client.cookie = server.admin.cookie;
  return client;
}

/** A plain-HTTP request (the redirect listener), with the Host header a browser would send. */
function plainRequest(
  port: number,
  options: { method?: string; path: string; host?: string },
): Promise<{ status: number; location: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: { host: options.host ?? `localhost:${port}` },
      },
      (response) => {
        response.resume();
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, location: response.headers.location }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('a port another program holds', () => {
  let blocker: { port: number; server: Server };
  let server: TestServer;
  const captured = capturedLog();

  before(async () => {
    blocker = await occupyPort();
    server = await createTestServer({
      config: { http: { host: '127.0.0.1', port: blocker.port } },
      log: captured.log,
    });
  });
  after(async () => {
    await server.close();
    await release(blocker.server);
  });

  test('is reported by name, port and reason while the other listeners serve', async () => {
    assert.match(
      captured.text(),
      new RegExp(
        `Cannot listen on 127\\.0\\.0\\.1:${blocker.port} for the HTTP redirect listener: the port is already in use`,
      ),
    );
    assert.equal((await server.admin.request('GET', '/api/v1/health')).status, 200);
    const response = await adminClient(server).request('GET', '/conf/api/ports');
    assert.equal(response.status, 200, response.text);
    const status = response.json(PortsStatus);
    const byName = new Map(status.listeners.map((state) => [state.name, state]));
    assert.equal(byName.get('https')?.status, 'bound');
    assert.equal(byName.get('https')?.port, Number(new URL(server.url).port));
    assert.equal(byName.get('admin')?.status, 'bound');
    const http = byName.get('http');
    assert.equal(http?.status, 'failed');
    assert.equal(http.requested, blocker.port);
    assert.equal(http.code, 'EADDRINUSE');
    assert.match(http.reason ?? '', /already in use/);
  });
});

describe('the HTTP listener', () => {
  let server: TestServer;
  let httpPort: number;
  let httpsPort: number;

  before(async () => {
    server = await createTestServer({ config: { http: { host: '127.0.0.1', port: 0 } } });
    const status = (await adminClient(server).request('GET', '/conf/api/ports')).json(PortsStatus);
    httpPort = status.listeners.find((state) => state.name === 'http')?.port ?? 0;
    httpsPort = Number(new URL(server.url).port);
    assert.ok(httpPort > 0, 'the HTTP listener is bound');
  });
  after(() => server.close());

  test('redirects every request to HTTPS on the same host, keeping path and query', async () => {
    const get = await plainRequest(httpPort, { path: '/devices/abc?tab=files' });
    assert.equal(get.status, 301);
    assert.equal(get.location, `https://localhost:${httpsPort}/devices/abc?tab=files`);
    const acme = await plainRequest(httpPort, { path: '/.well-known/acme-challenge/token' });
    assert.equal(acme.location, `https://localhost:${httpsPort}/.well-known/acme-challenge/token`);
    const post = await plainRequest(httpPort, { method: 'POST', path: '/api/v1/auth/login' });
    assert.equal(post.status, 308, 'other methods keep their method and body');
    const followed = await new HttpsClient(get.location, server.ca).request(
      'GET',
      '/api/v1/health',
    );
    assert.equal(followed.status, 200, 'the location is the HTTPS listener');
  });

  test('refuses a Host header that is not a host name instead of redirecting to it', async () => {
    const forged = await plainRequest(httpPort, { path: '/', host: 'evil.example/x@y' });
    assert.equal(forged.status, 400);
    assert.equal(forged.location, undefined);
  });
});

describe('saving ports in the admin console', () => {
  let server: TestServer;

  before(async () => {
    server = await createTestServer();
  });
  after(() => server.close());

  test('refuses a clash or a port out of range, and saves nothing', async () => {
    const admin = adminClient(server);
    const clash = await admin.request('PUT', '/conf/api/ports', {
      https: 9443,
      http: 9443,
      admin: 7615,
    });
    assert.equal(clash.status, 422, clash.text);
    assert.match(clash.json(ErrorBody).message, /already the https port/);
    const range = await admin.request('PUT', '/conf/api/ports', {
      https: 70000,
      http: null,
      admin: 7615,
    });
    assert.equal(range.status, 422, range.text);
    assert.match(range.json(ErrorBody).message, /https must be at most 65535/);
    const status = (await admin.request('GET', '/conf/api/ports')).json(PortsStatus);
    assert.equal(status.saved, null, 'nothing saved');
  });

  test('saves valid ports, audits the change, and says they apply at the next start', async () => {
    const admin = adminClient(server);
    const saved = await admin.request('PUT', '/conf/api/ports', {
      https: 9443,
      http: 9080,
      admin: 9615,
    });
    assert.equal(saved.status, 200, saved.text);
    const status = saved.json(PortsStatus);
    assert.deepEqual(status.saved, { https: 9443, http: 9080, admin: 9615 });
    assert.equal(status.restartRequired, true);
    const audit = await server.admin.request('GET', '/api/v1/audit');
    const entry = audit.json(AuditPage).entries.find((row) => row.target === 'server.ports');
    assert.ok(entry, 'the change is audited');
    assert.equal(entry.actor, 'admin');
  });

  test('a caller who is not signed in is refused', async () => {
    const anonymous = new HttpsClient(new URL(server.adminUrl).origin, server.ca);
    assert.equal((await anonymous.request('GET', '/conf/api/ports')).status, 401);
  });
});

describe('starting with saved ports', () => {
  test('they replace the config file ports; a port given at start still wins', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tether-ports-'));
    const log = createLogger({ level: 'silent' });
    const [https, admin] = [await occupyPort(), await occupyPort()];
    await Promise.all([release(https.server), release(admin.server)]);
    const config = loadServerConfig({
      flags: {
        dataDir,
        listen: { host: '127.0.0.1', port: 0 },
        admin: { host: '127.0.0.1', port: 0 },
      },
    });
    try {
      const first = await startServer({ config, log, adminPassword: 'a-long-admin-password' });
      const { writeSavedPorts } = await import('@tether/server');
      await writeSavedPorts(first.context.store, { https: https.port, http: null, admin: 9 });
      await first.close();
      const second = await startServer({
        config,
        log,
        adminPassword: 'a-long-admin-password',
        pinnedListeners: ['admin'],
      });
      const states = second.context.listeners.states();
      await second.close();
      const byName = new Map(states.map((state) => [state.name, state]));
      assert.equal(byName.get('https')?.port, https.port, 'the saved HTTPS port is bound');
      assert.equal(byName.get('https')?.source, 'console');
      assert.equal(byName.get('admin')?.source, 'startup', 'the flag wins over the saved 9');
      assert.notEqual(byName.get('admin')?.port, 9);
      assert.equal(byName.get('http')?.status, 'off');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  test('the server stops, naming the port, when HTTPS cannot be bound', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tether-ports-'));
    const blocker = await occupyPort();
    try {
      const config = loadServerConfig({
        flags: {
          dataDir,
          listen: { host: '127.0.0.1', port: blocker.port },
          admin: { host: '127.0.0.1', port: 0 },
        },
      });
      await assert.rejects(
        startServer({ config, log: createLogger({ level: 'silent' }) }),
        new RegExp(`could not bind its HTTPS port ${blocker.port} \\(the port is already in use`),
      );
    } finally {
      await release(blocker.server);
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('tether admin ports (headless)', () => {
  let server: TestServer;

  before(async () => {
    server = await createTestServer();
  });
  after(() => server.close());

  test('set saves and audits; show prints saved ports and the last start', async () => {
    const set = await runCli([
      'admin',
      'ports',
      'set',
      '--https',
      '9443',
      '--http',
      '9080',
      '--admin',
      '9615',
      '--data-dir',
      server.dataDir,
    ]);
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /apply when the server restarts/);
    const status = (await adminClient(server).request('GET', '/conf/api/ports')).json(PortsStatus);
    assert.deepEqual(status.saved, { https: 9443, http: 9080, admin: 9615 });

    const off = await runCli([
      'admin',
      'ports',
      'set',
      '--http',
      'off',
      '--data-dir',
      server.dataDir,
    ]);
    assert.equal(off.code, 0, off.stderr);
    const show = await runCli(['admin', 'ports', 'show', '--data-dir', server.dataDir]);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /Saved for the next start: https 9443, http off, admin 9615/);
    assert.match(show.stdout, /https +127\.0\.0\.1:0 +bound on \d+/);
    const audit = await server.admin.request('GET', '/api/v1/audit');
    const changes = audit.json(AuditPage).entries.filter((row) => row.target === 'server.ports');
    assert.equal(changes.length, 2, 'each headless change is audited');
  });

  test('a clash is refused with the listener named, and nothing changes', async () => {
    const clash = await runCli([
      'admin',
      'ports',
      'set',
      '--admin',
      '9443',
      '--data-dir',
      server.dataDir,
    ]);
    assert.equal(clash.code, 1);
    assert.match(clash.stderr, /admin: Port 9443 is already the https port/);
    const show = await runCli(['admin', 'ports', 'show', '--data-dir', server.dataDir]);
    assert.match(show.stdout, /admin 9615/);
  });
});

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { connect } from 'node:tls';
import { after, before, test } from 'node:test';
import { ErrorBody, TlsChangeResult, TlsPreview, TlsStatus } from '@tether/protocol';
import {
  makeCertificate,
  makePkcs12,
  type TestCertificate,
} from '@tether/server/test-certificates';
import { waitFor } from '../support/cli.js';
import { HttpsClient } from '../support/https-client.js';
import { openTerminal, type TerminalClient } from '../support/terminal-client.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let conf: HttpsClient;
let deviceId: string;
let terminal: TerminalClient;
const authority = makeCertificate({ commonName: 'Test issuing CA', isCa: true });
const replacement = makeCertificate({ issuer: authority });

/** The certificate a brand-new TLS connection to `port` is served, and the protocol it got. */
function presented(
  port: number,
  options: { maxVersion?: 'TLSv1.2' } = {},
): Promise<{ fingerprint: string; protocol: string | null }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...options });
    socket.once('secureConnect', () => {
      const raw = socket.getPeerX509Certificate()?.raw ?? Buffer.alloc(0);
      resolve({
        fingerprint: createHash('sha256').update(raw).digest('base64url'),
        protocol: socket.getProtocol(),
      });
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

const portOf = (url: string): number => Number(new URL(url).port);

async function currentFingerprint(): Promise<string> {
  return (await conf.request('GET', '/conf/api/tls')).json(TlsStatus).certificate.fingerprint;
}

before(async () => {
  server = await createTestServer({ trust: authority.cert });
  conf = new HttpsClient(new URL(server.adminUrl).origin, server.ca);
  conf.cookie = server.admin.cookie;
  const agent = await server.startAgent();
  deviceId = agent.device.id;
  terminal = await openTerminal(server.admin, deviceId);
  terminal.type('echo "before-$((20 + 1))"\r');
  await terminal.waitForOutput(/before-21/);
});
after(async () => {
  await terminal.close();
  await server.close();
});

test('a refused certificate changes nothing, and each refusal says why', async () => {
  const before = await currentFingerprint();
  const other = makeCertificate();
  const expired = makeCertificate({
    notBefore: new Date(Date.now() - 60 * 86_400_000),
    notAfter: new Date(Date.now() - 86_400_000),
  });
  const refusals: [object, RegExp][] = [
    [{ source: 'pem', certificate: replacement.cert, key: other.key }, /does not belong/],
    [{ source: 'pem', certificate: expired.cert, key: expired.key }, /expired on/],
    [
      { source: 'pem', certificate: authority.cert + replacement.cert, key: replacement.key },
      /does not belong|out of order/,
    ],
    [{ source: 'pkcs12', pkcs12: Buffer.from('not a p12').toString('base64') }, /PKCS#12/],
    [
      { source: 'pkcs12', pkcs12: makePkcs12(replacement, [authority], 'right'), passphrase: 'x' },
      /Wrong passphrase/,
    ],
  ];
  for (const [certificate, reason] of refusals) {
    for (const path of ['/conf/api/tls/preview', '/conf/api/tls']) {
      const method = path.endsWith('preview') ? 'POST' : 'PUT';
      const response = await conf.request(method, path, { certificate });
      assert.equal(response.status, 422, `${path}: ${response.text}`);
      const { message } = response.json(ErrorBody);
      assert.match(message, reason);
      assert.doesNotMatch(message, /PRIVATE KEY/, 'no key material in the message');
    }
  }
  const cipher = await conf.request('PUT', '/conf/api/tls', {
    certificate: { source: 'unchanged' },
    protocol: { minVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256:NOT-A-CIPHER' },
  });
  assert.equal(cipher.status, 422, cipher.text);
  assert.match(cipher.json(ErrorBody).message, /Unknown cipher suite: NOT-A-CIPHER/);
  assert.equal(await currentFingerprint(), before);
  assert.equal((await presented(portOf(server.url))).fingerprint, before);
});

test('a new certificate applies to new connections while the agent and the terminal stay', async () => {
  const link = server.server.context.presence.get(deviceId);
  assert.ok(link, 'the agent is connected');
  const pkcs12 = makePkcs12(replacement, [authority], 'correct horse');
  const certificate = { source: 'pkcs12', pkcs12, passphrase: 'correct horse' };

  const preview = await conf.request('POST', '/conf/api/tls/preview', { certificate });
  assert.equal(preview.status, 200, preview.text);
  const previewed = preview.json(TlsPreview);
  assert.equal(previewed.certificate.fingerprint, replacement.fingerprint);
  assert.equal(previewed.certificate.chainLength, 2, 'the PKCS#12 chain, leaf first');
  assert.equal(previewed.agents.agentsKeepConnecting, true, previewed.agents.reasons.join(' '));
  assert.match(previewed.agents.reasons.join(' '), /pin the server's signing key/);
  assert.equal(previewed.agents.connectedAgents, 1);
  assert.notEqual(await currentFingerprint(), replacement.fingerprint, 'a preview changes nothing');

  const saved = await conf.request('PUT', '/conf/api/tls', { certificate });
  assert.equal(saved.status, 200, saved.text);
  assert.equal(saved.json(TlsChangeResult).certificate.source, 'uploaded');

  // New connections on both listeners get the new certificate at once.
  assert.equal((await presented(portOf(server.url))).fingerprint, replacement.fingerprint);
  assert.equal((await presented(portOf(server.adminUrl))).fingerprint, replacement.fingerprint);
  // The established ones stay: the same control channel, and the terminal still echoes.
  assert.equal(server.server.context.presence.get(deviceId), link, 'the agent did not reconnect');
  terminal.type('echo "after-$((40 + 2))"\r');
  await terminal.waitForOutput(/after-42/);
  // A new session to that agent: its relay presents the new certificate, which the server
  // signed on the agent's open control channel.
  const next = await openTerminal(server.admin, deviceId);
  next.type('echo "next-$((30 + 3))"\r');
  await next.waitForOutput(/next-33/);
  await next.close();

  // A new agent enrols and connects through the new certificate: both proofs sign it.
  const second = await server.startAgent();
  assert.equal(second.device.online, true);

  const audit = await waitFor('the change in the audit log', async () => {
    const text = (await server.admin.request('GET', '/api/v1/audit?action=settings.changed')).text;
    return text.includes(replacement.fingerprint) ? text : undefined;
  });
  assert.doesNotMatch(audit, /PRIVATE KEY|correct horse/);
});

test('a minimum version of TLS 1.3 refuses a TLS 1.2 client and keeps TLS 1.3 ones', async () => {
  const port = portOf(server.url);
  assert.equal((await presented(port, { maxVersion: 'TLSv1.2' })).protocol, 'TLSv1.2');
  const status = (await conf.request('GET', '/conf/api/tls')).json(TlsStatus);
  const saved = await conf.request('PUT', '/conf/api/tls', {
    certificate: { source: 'unchanged' },
    protocol: { minVersion: 'TLSv1.3', ciphers: status.protocol.ciphers },
  });
  assert.equal(saved.status, 200, saved.text);
  await assert.rejects(presented(port, { maxVersion: 'TLSv1.2' }), /protocol version|alert/i);
  assert.equal((await presented(port)).protocol, 'TLSv1.3');
  terminal.type('echo "still-$((50 + 5))"\r');
  await terminal.waitForOutput(/still-55/);
});

test('going back to the generated certificate serves it again', async () => {
  const saved = await conf.request('PUT', '/conf/api/tls', {
    certificate: { source: 'generated' },
  });
  assert.equal(saved.status, 200, saved.text);
  const result = saved.json(TlsChangeResult);
  assert.equal(result.certificate.source, 'generated');
  assert.equal((await presented(portOf(server.url))).fingerprint, result.certificate.fingerprint);
  assert.notEqual(
    result.certificate.fingerprint,
    (replacement satisfies TestCertificate).fingerprint,
  );
});

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { after, before, test } from 'node:test';
import { makeCertificate } from '@tether/server/test-certificates';
import { runCli, waitFor } from '../support/cli.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let files: string;

/** The fingerprint a brand-new TLS connection to the user listener is served. */
function presentedFingerprint(): Promise<string> {
  return new Promise((resolve, reject) => {
    const port = Number(new URL(server.url).port);
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      const raw = socket.getPeerX509Certificate()?.raw ?? Buffer.alloc(0);
      socket.destroy();
      resolve(createHash('sha256').update(raw).digest('base64url'));
    });
    socket.once('error', reject);
  });
}

before(async () => {
  server = await createTestServer();
  files = await mkdtemp(join(tmpdir(), 'tether-tls-cli-'));
});
after(async () => {
  await server.close();
  await rm(files, { recursive: true, force: true });
});

test('tether admin tls set uploads headless and the running server applies it', async () => {
  const help = await runCli(['admin', 'tls', 'set', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--pkcs12 FILE\.p12/);

  const replacement = makeCertificate();
  const other = makeCertificate();
  await writeFile(join(files, 'chain.pem'), replacement.cert);
  await writeFile(join(files, 'key.pem'), replacement.key);
  await writeFile(join(files, 'other-key.pem'), other.key);
  const data = ['--data-dir', server.dataDir];

  const refused = await runCli([
    'admin',
    'tls',
    'set',
    '--cert',
    join(files, 'chain.pem'),
    '--key',
    join(files, 'other-key.pem'),
    ...data,
  ]);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /does not belong/);
  const unknownCipher = await runCli(['admin', 'tls', 'set', '--ciphers', 'NOPE-CIPHER', ...data]);
  assert.notEqual(unknownCipher.code, 0);
  assert.match(unknownCipher.stderr, /Unknown cipher suite: NOPE-CIPHER/);
  assert.notEqual(await presentedFingerprint(), replacement.fingerprint);

  const saved = await runCli([
    'admin',
    'tls',
    'set',
    '--cert',
    join(files, 'chain.pem'),
    '--key',
    join(files, 'key.pem'),
    ...data,
  ]);
  assert.equal(saved.code, 0, saved.stderr);
  assert.match(saved.stdout, /Agents: they keep connecting/);
  assert.doesNotMatch(saved.stdout + saved.stderr, /PRIVATE KEY/);
  await waitFor(
    'the running server to serve the uploaded certificate',
    async () => ((await presentedFingerprint()) === replacement.fingerprint ? true : undefined),
    60_000,
  );

  const shown = await runCli(['admin', 'tls', 'show', ...data]);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /\(uploaded\)/);
  assert.match(shown.stdout, /Minimum version: {2}TLSv1\.2/);

  const generated = await runCli(['admin', 'tls', 'generate', '--min-version', 'TLSv1.3', ...data]);
  assert.equal(generated.code, 0, generated.stderr);
  await waitFor(
    'the running server to serve the generated certificate again',
    async () =>
      (await presentedFingerprint()) === server.server.context.tls.fingerprint &&
      server.server.context.tls.source === 'generated'
        ? true
        : undefined,
    60_000,
  );
  assert.equal(server.server.context.tls.protocol.minVersion, 'TLSv1.3');
});

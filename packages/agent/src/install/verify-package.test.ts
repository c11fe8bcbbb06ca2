import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { AppError, enrollmentSigningInput, formatEnrollmentToken } from '@tether/protocol/agent';
import { packageSigningInput, type InstallerConfig } from '@tether/protocol/agent-package';
import { generateIdentityKey, serverKeyHash, signText } from '../identity/ed25519.js';
import { verifyPackage } from './verify-package.js';

const server = generateIdentityKey();
const stranger = generateIdentityKey();

/** A small package whose token pins `server`, signed by `signer`, with the given files. */
async function writePackage(options: {
  signer?: typeof server;
  /** Files on disk that the manifest does not list. */
  unlisted?: Record<string, string>;
}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tether-verify-'));
  const nowSec = Math.floor(Date.now() / 1000);
  const token = formatEnrollmentToken(
    enrollmentSigningInput({
      installerId: randomUUID(),
      group: 'Servers',
      serverKeyHash: serverKeyHash(server.publicKey) ?? '',
      exp: nowSec + 3600,
      iat: nowSec,
    }),
    new Uint8Array(64),
  );
  const config = {
    format: 1,
    installerId: randomUUID(),
    serverUrl: 'https://tether.example.com',
    token,
    attributes: {
      group: 'Servers',
      name: null,
      comments: '',
      tag: null,
      jumpPolicy: null,
      sessionPolicyPresent: null,
      sessionPolicyNotPresent: null,
      publicSiteAddress: null,
      connectionType: 'active',
      maxOfflineMinutes: null,
      mode: 'service',
      minimizeOnStart: false,
    },
    overridable: [],
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
  } satisfies InstallerConfig;
  const files: Record<string, string> = {
    'tether-agent': '#!/bin/sh\n',
    'installer.json': JSON.stringify(config),
    'versions/1.0.0/app/tether-agent.mjs': 'console.log(1);\n',
  };
  for (const [path, text] of Object.entries({ ...files, ...options.unlisted })) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  const signer = options.signer ?? server;
  const manifest = `${JSON.stringify({
    format: 1,
    version: '1.0.0',
    platform: 'linux',
    arch: process.arch,
    files: Object.fromEntries(
      Object.entries(files).map(([path, text]) => [
        path,
        createHash('sha256').update(text).digest('hex'),
      ]),
    ),
    signer: signer.publicKey,
    createdAt: new Date().toISOString(),
  })}\n`;
  await writeFile(join(dir, 'manifest.json'), manifest);
  await writeFile(
    join(dir, 'manifest.sig'),
    signText(signer.privateKey, packageSigningInput(manifest)),
  );
  return dir;
}

const notIntact = (why: RegExp) => (error: unknown) =>
  error instanceof AppError &&
  error.code === 'AUTH_FAILED' &&
  /^The package is not intact: /.test(error.message) &&
  why.test(error.message);

test('a package signed by the key its token pins, with every listed file, verifies', async () => {
  const dir = await writePackage({});
  try {
    const verified = await verifyPackage(dir);
    assert.equal(verified.versionDir, 'versions/1.0.0');
    assert.equal(verified.config.serverUrl, 'https://tether.example.com');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a package signed by another key (a forged build) is refused', async () => {
  const dir = await writePackage({ signer: stranger });
  try {
    await assert.rejects(
      verifyPackage(dir),
      notIntact(/not the server key its installer token names/),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a manifest changed after signing, an added file and a link are refused', async () => {
  const dir = await writePackage({ unlisted: { 'versions/1.0.0/app/extra.mjs': 'evil();\n' } });
  try {
    await assert.rejects(verifyPackage(dir), notIntact(/extra\.mjs is not in its manifest/));
    await rm(join(dir, 'versions/1.0.0/app/extra.mjs'));
    await symlink('/etc/passwd', join(dir, 'versions/1.0.0/app/link'));
    await assert.rejects(verifyPackage(dir), notIntact(/link is not a regular file/));
    await rm(join(dir, 'versions/1.0.0/app/link'));
    const manifest = await readFile(join(dir, 'manifest.json'), 'utf8');
    await writeFile(
      join(dir, 'manifest.json'),
      manifest.replace('"platform":"linux"', '"platform": "linux"'),
    );
    await assert.rejects(
      verifyPackage(dir),
      notIntact(/the signature of its manifest does not hold/),
    );
    await writeFile(join(dir, 'manifest.json'), '{"format":1}\n');
    await assert.rejects(verifyPackage(dir), notIntact(/manifest/));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

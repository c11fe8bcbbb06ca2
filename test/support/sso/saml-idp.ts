import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stopProcess, waitFor } from '../cli.js';
import { freePort } from '../server-process.js';

const run = promisify(execFile);
const SIMPLESAMLPHP = '/usr/share/simplesamlphp';

/** A user of the IdP's login form and the attributes it asserts (each a list of values). */
export interface SamlTestUser {
  username: string;
  password: string;
  attributes: Record<string, string[]>;
}

export interface SamlTestIdp {
  /** The IdP's entity ID (its metadata URL). */
  readonly entityId: string;
  /** Single sign-on service (HTTP-Redirect binding). */
  readonly ssoUrl: string;
  /** The IdP's signing certificate, PEM. */
  readonly certificate: string;
  /** The IdP's log so far (for failure messages). */
  log(): string;
  close(): Promise<void>;
}

const php = (value: unknown): string => JSON.stringify(value).replace(/\$/g, '\\$');

/** A PHP array literal from JSON-like data (strings, lists, string-keyed maps). */
function phpArray(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(phpArray).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([key, item]) => `${php(key)} => ${phpArray(item)}`);
    return `[${entries.join(', ')}]`;
  }
  return php(value);
}

/**
 * A real SAML 2.0 IdP for tests: Debian's SimpleSAMLphp served by `php -S` on a loopback port,
 * with a private config directory (SIMPLESAMLPHP_CONFIG_DIR) in a temp folder: its own signing
 * key, an `exampleauth:UserPass` login form with the given users, and the SP it trusts.
 */
export async function startSamlIdp(setup: {
  users: SamlTestUser[];
  /** The SPs it trusts; `assertionLifetimeSec`: how long its assertions are valid (default 300). */
  serviceProviders: { entityId: string; acsUrl: string; assertionLifetimeSec?: number }[];
}): Promise<SamlTestIdp> {
  const dir = await mkdtemp(join(tmpdir(), 'tether-saml-idp-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}/`;
  const entityId = `${base}saml2/idp/metadata.php`;
  await Promise.all(['cert', 'metadata', 'tmp', 'log'].map((name) => mkdir(join(dir, name))));
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=tether-test-idp',
    '-keyout',
    join(dir, 'cert', 'idp.pem'),
    '-out',
    join(dir, 'cert', 'idp.crt'),
  ]);
  const config = {
    baseurlpath: base,
    certdir: join(dir, 'cert'),
    loggingdir: join(dir, 'log'),
    datadir: join(dir, 'tmp'),
    tempdir: join(dir, 'tmp'),
    metadatadir: join(dir, 'metadata'),
    secretsalt: randomBytes(16).toString('hex'),
    'auth.adminpassword': randomBytes(16).toString('hex'),
    technicalcontact_email: 'idp@example.test',
    timezone: 'UTC',
    'logging.handler': 'errorlog',
    'logging.level': 6,
    'enable.saml20-idp': true,
    'module.enable': { exampleauth: true, core: true, saml: true },
    'session.cookie.secure': false,
    'store.type': 'phpsession',
    'language.default': 'en',
  };
  const users = Object.fromEntries(
    setup.users.map((user) => [`${user.username}:${user.password}`, user.attributes]),
  );
  const files: Record<string, string> = {
    'config.php': `<?php\n$config = ${phpArray(config)};\n`,
    'authsources.php': `<?php\n$config = ${phpArray({
      admin: ['core:AdminPassword'],
      'test-users': { 0: 'exampleauth:UserPass', ...users },
    })};\n`,
    'metadata/saml20-idp-hosted.php': `<?php\n$metadata['__DYNAMIC:1__'] = ${phpArray({
      host: '__DEFAULT__',
      privatekey: 'idp.pem',
      certificate: 'idp.crt',
      auth: 'test-users',
    })};\n`,
    'metadata/saml20-sp-remote.php': `<?php\n${setup.serviceProviders
      .map(
        (sp) =>
          `$metadata[${php(sp.entityId)}] = ${phpArray({
            AssertionConsumerService: sp.acsUrl,
            NameIDFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
            ...(sp.assertionLifetimeSec !== undefined && {
              'assertion.lifetime': sp.assertionLifetimeSec,
            }),
          })};`,
      )
      .join('\n')}\n`,
  };
  await Promise.all(Object.entries(files).map(([name, text]) => writeFile(join(dir, name), text)));
  const child = spawn('php', ['-S', `127.0.0.1:${port}`, '-t', join(SIMPLESAMLPHP, 'www')], {
    env: { ...process.env, SIMPLESAMLPHP_CONFIG_DIR: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitFor('SimpleSAMLphp to listen', async () => {
    if (child.exitCode !== null) throw new Error(`php -S exited: ${output}`);
    try {
      const response = await fetch(entityId);
      return response.ok ? true : undefined;
    } catch {
      return undefined; // not listening yet
    }
  });
  return {
    entityId,
    ssoUrl: `${base}saml2/idp/SSOService.php`,
    certificate: await readFile(join(dir, 'cert', 'idp.crt'), 'utf8'),
    log: () => output,
    async close() {
      await stopProcess(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

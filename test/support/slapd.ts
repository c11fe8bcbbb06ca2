import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { freePort } from './server-process.js';

const execFileAsync = promisify(execFile);
const SLAPD = '/usr/sbin/slapd';
const READY_TIMEOUT_MS = 30_000;
const LOG_TAIL_CHARS = 8_000;

/** A private OpenLDAP server started for a test. */
export interface SlapdInstance {
  /** `ldap://127.0.0.1:PORT` (plain, StartTLS offered). */
  url: string;
  /** `ldaps://127.0.0.1:PORT`. */
  ldapsUrl: string;
  /** The server's self-signed certificate (PEM), to trust it. */
  ca: string;
  suffix: string;
  rootDn: string;
  rootPassword: string;
  /** Adds entries (LDIF) as the root DN, online, so overlays (memberOf) see them. */
  add(ldif: string): Promise<void>;
  /** Applies changes (LDIF with `changetype`) as the root DN. */
  modify(ldif: string): Promise<void>;
  log(): string;
  stop(): Promise<void>;
}

/**
 * Starts Debian's `slapd` as a throw-away server: a temp folder with a generated `slapd.conf`
 * (core, cosine, inetorgperson schemas; the memberOf overlay; the ppolicy module for its
 * `pwdAccountLockedTime` attribute), a self-signed certificate for StartTLS and LDAPS, and
 * listeners on two free loopback ports. Fails, never skips, when slapd is not installed.
 *
 * @example
 * const ldap = await startSlapd({ suffix: 'dc=example,dc=com' });
 * try { await ldap.add(ldif); } finally { await ldap.stop(); }
 */
export async function startSlapd(options: { suffix: string }): Promise<SlapdInstance> {
  const root = await mkdtemp(join(tmpdir(), 'tether-slapd-'));
  try {
    await mkdir(join(root, 'data'));
    const ca = await selfSignedCertificate(root);
    const rootDn = `cn=admin,${options.suffix}`;
    const rootPassword = 'slapd-root-password';
    await writeFile(
      join(root, 'slapd.conf'),
      slapdConf({ root, suffix: options.suffix, rootDn, rootPassword }),
    );
    const [port, tlsPort] = [await freePort(), await freePort()];
    const url = `ldap://127.0.0.1:${port}`;
    const ldapsUrl = `ldaps://127.0.0.1:${tlsPort}`;
    const child = spawn(
      SLAPD,
      ['-h', `${url}/ ${ldapsUrl}/`, '-f', join(root, 'slapd.conf'), '-d', '0'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const log = captureLog(child);
    const stop = async (): Promise<void> => {
      await stopChild(child);
      await rm(root, { recursive: true, force: true });
    };
    try {
      await waitUntilReady(child, url, log);
    } catch (error) {
      await stop();
      throw error;
    }
    const apply = (tool: string) => async (ldif: string) => {
      const file = join(root, `${tool}-${Date.now()}.ldif`);
      await writeFile(file, ldif);
      const args = ['-x', '-H', url, '-D', rootDn, '-w', rootPassword, '-f', file];
      await execFileAsync(tool, args);
    };
    const [add, modify] = [apply('ldapadd'), apply('ldapmodify')];
    return {
      url,
      ldapsUrl,
      ca,
      suffix: options.suffix,
      rootDn,
      rootPassword,
      add,
      modify,
      log,
      stop,
    };
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}

async function selfSignedCertificate(root: string): Promise<string> {
  await execFileAsync('openssl', [
    ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2'],
    ...['-keyout', join(root, 'key.pem'), '-out', join(root, 'cert.pem')],
    ...['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
  ]);
  return readFile(join(root, 'cert.pem'), 'utf8');
}

function slapdConf(options: {
  root: string;
  suffix: string;
  rootDn: string;
  rootPassword: string;
}): string {
  const { root, suffix, rootDn, rootPassword } = options;
  return `include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload memberof
# Loaded for its schema (pwdAccountLockedTime); no password policy is enforced.
moduleload ppolicy
pidfile ${root}/slapd.pid
TLSCertificateFile ${root}/cert.pem
TLSCertificateKeyFile ${root}/key.pem
database mdb
suffix "${suffix}"
rootdn "${rootDn}"
rootpw ${rootPassword}
directory ${root}/data
maxsize 10485760
overlay memberof
access to attrs=userPassword by self write by anonymous auth by * none
access to * by users read by * none
`;
}

function captureLog(child: ChildProcess): () => string {
  let text = '';
  const keep = (chunk: Buffer): void => {
    text = (text + chunk.toString('utf8')).slice(-LOG_TAIL_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => text;
}

async function waitUntilReady(child: ChildProcess, url: string, log: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`slapd exited (${child.exitCode}): ${log()}`);
    try {
      // Anonymous bind answers once slapd accepts connections.
      await execFileAsync('ldapwhoami', ['-x', '-H', url]);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`slapd did not start: ${String(error)}\n${log()}`);
    }
    await delay(100);
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

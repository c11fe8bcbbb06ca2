import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from './cli.js';
import { acceptsConnections, freePort } from './server-process.js';

const run = promisify(execFile);

/** The account tests log in with. Created on first use (only if absent); never modified after. */
export const SFTP_USER = 'tether-sftp-test';
export const SFTP_PASSWORD = 'sftp-test-password-7Qw!';
const SSHD = '/usr/sbin/sshd';

/** A private OpenSSH server for tests (DESIGN.md: openssh-server on a loopback high port). */
export interface SftpTestServer {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  /** The user's private key, PKCS#8 PEM (its public half is authorised). */
  readonly privateKeyPem: string;
  /** The server's host key fingerprint (`SHA256:…`), to pin in storage settings. */
  readonly hostKey: string;
  /** `sftp://user@127.0.0.1:port<path>`; `port` overrides the port (e.g. a proxy in front). */
  url(path: string, port?: number): string;
  /**
   * A fresh folder for uploads, writable by the user unless `writable: false`; with
   * `tmpfsBytes` it is a tmpfs of that size, so the disk can fill up.
   */
  folder(name: string, options?: { writable?: boolean; tmpfsBytes?: number }): Promise<string>;
  /** Changes the size of a tmpfs folder (`mount -o remount,size=`). */
  resizeTmpfs(path: string, bytes: number): Promise<void>;
  /** Stops sshd and every session it serves (the server goes down). */
  stop(): Promise<void>;
  /** Starts sshd again on the same port. */
  start(): Promise<void>;
  /** sshd's log so far (for failure messages). */
  log(): string;
  close(): Promise<void>;
}

/** How the test server restricts the account, like a least-privilege upload account. */
export interface SftpServerOptions {
  /**
   * SFTP requests the server refuses with "permission denied" (sftp-server's `-P`), e.g.
   * `['read', 'mkdir', 'remove']` for an account that may only write and rename.
   */
  deniedRequests?: string[];
}

/** Creates the test account when absent (under a lock: test files run in parallel); returns its uid. */
async function ensureUser(): Promise<number> {
  const script = [
    `id -u ${SFTP_USER} >/dev/null 2>&1 || {`,
    `  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin ${SFTP_USER} &&`,
    `  printf '%s:%s\\n' ${SFTP_USER} "$SFTP_TEST_PASSWORD" | chpasswd;`,
    '}',
    `id -u ${SFTP_USER}`,
  ].join('\n');
  const { stdout } = await run('flock', ['/tmp/tether-sftp-test-user.lock', 'sh', '-c', script], {
    env: { ...process.env, SFTP_TEST_PASSWORD: SFTP_PASSWORD },
  });
  return Number(stdout.trim());
}

/**
 * Starts Debian's sshd as a private instance: own host key and config in a temp folder,
 * loopback port, `internal-sftp` only (refusing `options.deniedRequests`), password and
 * public-key login for {@link SFTP_USER}.
 * Needs root (sshd authenticates system users). Fails, never skips, when sshd is missing.
 *
 * @example
 * const sftp = await startSftpServer();
 * try { const inbox = await sftp.folder('inbox'); … } finally { await sftp.close(); }
 */
export async function startSftpServer(options: SftpServerOptions = {}): Promise<SftpTestServer> {
  const denied = options.deniedRequests ?? [];
  const sftpCommand = `internal-sftp${denied.length > 0 ? ` -P ${denied.join(',')}` : ''}`;
  const uid = await ensureUser();
  const root = await mkdtemp(join(tmpdir(), 'tether-sftp-'));
  await chmod(root, 0o755);
  const mounts: string[] = [];
  const port = await freePort();
  const hostKey = join(root, 'host_ed25519');
  const keysDir = join(root, 'authorized_keys');
  const userKey = join(root, 'user.key');
  await mkdir(keysDir, { mode: 0o755 });
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
  await run('openssl', [
    'genpkey',
    '-algorithm',
    'RSA',
    '-pkeyopt',
    'rsa_keygen_bits:2048',
    '-out',
    userKey,
  ]);
  const publicKey = (await run('ssh-keygen', ['-y', '-f', userKey])).stdout.trim();
  await writeFile(join(keysDir, SFTP_USER), `${publicKey}\n`, { mode: 0o644 });
  const privateKeyPem = (await import('node:fs/promises')).readFile(userKey, 'utf8');
  const config = join(root, 'sshd_config');
  await writeFile(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      'PidFile none',
      'UsePAM no',
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      `AuthorizedKeysFile ${keysDir}/%u`,
      // The temp folder lives under world-writable /tmp, which StrictModes would refuse.
      'StrictModes no',
      'PermitRootLogin no',
      `AllowUsers ${SFTP_USER}`,
      `Subsystem sftp ${sftpCommand}`,
      `ForceCommand ${sftpCommand}`,
      'AllowTcpForwarding no',
      'X11Forwarding no',
      'MaxStartups 100',
      'LogLevel VERBOSE',
      '',
    ].join('\n'),
  );
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  let sshd: ChildProcess | undefined;
  let output = '';

  const start = async (): Promise<void> => {
    // Its own process group, so stopping it also ends the per-connection children.
    const child = spawn(SSHD, ['-D', '-e', '-f', config], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    sshd = child;
    // A detached group outlives its parent: end it if the test process exits without close().
    const killGroup = (): void => {
      if (child.pid && child.exitCode === null && child.signalCode === null)
        process.kill(-child.pid, 'SIGTERM');
    };
    process.once('exit', killGroup);
    child.once('exit', () => process.off('exit', killGroup));
    await waitFor(
      'sshd to listen',
      async () => {
        if (child.exitCode !== null) throw new Error(`sshd exited: ${output}`);
        return (await acceptsConnections(port)) ? true : undefined;
      },
      10_000,
    );
  };
  const stop = async (): Promise<void> => {
    const child = sshd;
    sshd = undefined;
    if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    process.kill(-child.pid, 'SIGTERM');
    await gone;
    // Session children outlive the listener for a moment; the group kill reaches them too.
    await waitFor(
      'sshd sessions to end',
      async () =>
        (await run('pgrep', ['-g', String(child.pid)]).catch(() => undefined)) ? undefined : true,
      5_000,
    ).catch(() => {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    });
  };
  await start();
  const key = await privateKeyPem;
  const fingerprint =
    (await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${hostKey}.pub`])).stdout.split(
      ' ',
    )[1] ?? '';

  return {
    host: '127.0.0.1',
    port,
    username: SFTP_USER,
    password: SFTP_PASSWORD,
    privateKeyPem: key,
    hostKey: fingerprint,
    url: (path, overridePort) => `sftp://${SFTP_USER}@127.0.0.1:${overridePort ?? port}${path}`,
    async folder(name, options = {}) {
      const path = join(root, name);
      await mkdir(path, { recursive: true });
      if (options.tmpfsBytes) {
        await run('mount', [
          '-t',
          'tmpfs',
          '-o',
          `size=${options.tmpfsBytes},mode=0755`,
          'tmpfs',
          path,
        ]);
        mounts.push(path);
      }
      if (options.writable === false) {
        await chmod(path, 0o755);
      } else {
        await chown(path, uid, 0);
        await chmod(path, 0o755);
      }
      return path;
    },
    async resizeTmpfs(path, bytes) {
      await run('mount', ['-o', `remount,size=${bytes}`, path]);
    },
    stop,
    start,
    log: () => output,
    async close() {
      await stop();
      for (const mount of mounts.reverse()) await run('umount', [mount]).catch(() => undefined);
      await rm(root, { recursive: true, force: true });
    },
  };
}

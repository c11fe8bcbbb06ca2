import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const FREERADIUS = '/usr/sbin/freeradius';
const READY_TIMEOUT_MS = 30_000;
const LOG_TAIL_CHARS = 16_000;

/** A private FreeRADIUS server started for a test. */
export interface FreeRadiusInstance {
  host: string;
  port: number;
  secret: string;
  log(): string;
  stop(): Promise<void>;
}

/** A PAP user of the `users` file, with the Class values the server replies with. */
export interface RadiusUser {
  username: string;
  password: string;
  classes?: string[];
}

/**
 * Starts Debian's FreeRADIUS (`freeradius -X`) with a config of its own in a temp folder: one
 * client (127.0.0.1, `secret`), PAP users from a `users` file, and one user (`challenge.username`)
 * who first gets an Access-Challenge ("Enter the code from your token", with a State) and is
 * accepted when the answer carries that State and `challenge.code`. Listens on a free loopback
 * UDP port. Fails, never skips, when FreeRADIUS is not installed.
 *
 * @example
 * const radius = await startFreeRadius({ secret, users, challenge });
 * try { … } finally { await radius.stop(); }
 */
export async function startFreeRadius(options: {
  secret: string;
  users: RadiusUser[];
  challenge: { username: string; code: string; classes?: string[] };
}): Promise<FreeRadiusInstance> {
  const root = await mkdtemp(join(tmpdir(), 'tether-radius-'));
  try {
    const port = await freeUdpPort();
    await writeFile(join(root, 'users'), usersFile(options.users));
    await writeFile(join(root, 'radiusd.conf'), radiusdConf({ root, port, ...options }));
    const child = spawn(FREERADIUS, ['-X', '-d', root], { stdio: ['ignore', 'pipe', 'pipe'] });
    const log = captureLog(child);
    const stop = async (): Promise<void> => {
      await stopChild(child);
      await rm(root, { recursive: true, force: true });
    };
    try {
      await waitForLine(child, 'Ready to process requests', log);
    } catch (error) {
      await stop();
      throw error;
    }
    return { host: '127.0.0.1', port, secret: options.secret, log, stop };
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}

/** A UDP port free on loopback now (FreeRADIUS binds it a moment later). */
export async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(resolve));
  return port;
}

/** FreeRADIUS string syntax: quotes and backslashes escaped. */
function quoted(value: string): string {
  return `"${value.replace(/[\\"]/g, (char) => `\\${char}`)}"`;
}

/** An `update reply` block adding Class values (none: nothing, FreeRADIUS refuses an empty block). */
function replyClasses(classes: readonly string[] | undefined): string {
  if (!classes || classes.length === 0) return '';
  const lines = classes.map((value) => `          &Class += ${quoted(value)}`);
  return `        update reply {\n${lines.join('\n')}\n        }`;
}

function usersFile(users: readonly RadiusUser[]): string {
  return users
    .map((user) => {
      const reply = (user.classes ?? []).map((value) => `Class += ${quoted(value)}`);
      const lines = [`${user.username} Cleartext-Password := ${quoted(user.password)}`];
      if (reply.length > 0) lines.push(`     ${reply.join(', ')}`);
      return lines.join('\n');
    })
    .join('\n\n')
    .concat('\n');
}

function radiusdConf(options: {
  root: string;
  port: number;
  secret: string;
  challenge: { username: string; code: string; classes?: string[] };
}): string {
  const { root, port, secret, challenge } = options;
  return `prefix = /usr
exec_prefix = /usr
sysconfdir = ${root}
localstatedir = ${root}
sbindir = /usr/sbin
logdir = ${root}
raddbdir = ${root}
radacctdir = ${root}
name = freeradius
confdir = ${root}
modconfdir = ${root}
run_dir = ${root}
db_dir = ${root}
libdir = /usr/lib/freeradius
pidfile = ${root}/radiusd.pid
max_request_time = 30
cleanup_delay = 5
max_requests = 1024
hostname_lookups = no
log {
  destination = stdout
}
security {
  allow_core_dumps = no
  max_attributes = 200
  reject_delay = 0
  status_server = no
}
client tether {
  ipaddr = 127.0.0.1
  secret = ${quoted(secret)}
}
modules {
  pap {
  }
  always reject {
    rcode = reject
  }
  always handled {
    rcode = handled
  }
  files {
    filename = ${root}/users
  }
}
server default {
  listen {
    type = auth
    ipaddr = 127.0.0.1
    port = ${port}
  }
  authorize {
    if (&User-Name == ${quoted(challenge.username)}) {
      if (!&State) {
        update reply {
          &Reply-Message := "Enter the code from your token"
          &State := 0x746574686572
        }
        update control {
          &Response-Packet-Type := Access-Challenge
        }
        handled
      }
      elsif (&State == 0x746574686572 && &User-Password == ${quoted(challenge.code)}) {
        update control {
          &Auth-Type := Accept
        }
${replyClasses(challenge.classes)}
      }
      else {
        reject
      }
    }
    files
    pap
  }
  authenticate {
    Auth-Type PAP {
      pap
    }
  }
}
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

function waitForLine(child: ChildProcess, line: string, log: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`FreeRADIUS did not start within ${READY_TIMEOUT_MS} ms:\n${log()}`));
    }, READY_TIMEOUT_MS);
    const onData = (): void => {
      if (log().includes(line)) {
        cleanup();
        resolve();
      }
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new Error(`FreeRADIUS exited (${code}):\n${log()}`));
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

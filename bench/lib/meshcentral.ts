import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket, type RawData } from 'ws';
import { opened } from './open-socket.js';
import { rawBytes } from './raw-bytes.js';

/**
 * The MeshCentral release measured beside Tether (npm package; it carries its own native agents
 * in `agents/`). Installed on demand into a cache under the repository's node_modules.
 */
export const MESHCENTRAL_VERSION = '1.1.55';
export const MESHCENTRAL_CACHE = fileURLToPath(
  new URL('../../node_modules/.cache/meshcentral-reference/', import.meta.url),
);

/** Runs a command to its end; rejects with its output if it fails. */
export function run(
  command: string,
  args: string[],
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${output.slice(-2000)}`));
    });
  });
}

/**
 * The installed package's folder (`…/node_modules/meshcentral`), after `npm install` of the
 * pinned release into the cache if it is missing or another version.
 */
export async function ensureMeshCentral(log: (line: string) => void): Promise<string> {
  const dir = join(MESHCENTRAL_CACHE, 'node_modules', 'meshcentral');
  const installed = await readFile(join(dir, 'package.json'), 'utf8')
    .then((text) => (JSON.parse(text) as { version?: string }).version)
    .catch(() => undefined);
  if (installed === MESHCENTRAL_VERSION) return dir;
  log(`installing meshcentral@${MESHCENTRAL_VERSION} (npm, ~140 MB) into ${MESHCENTRAL_CACHE}`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  await run(npm, [
    'install',
    '--prefix',
    MESHCENTRAL_CACHE,
    `meshcentral@${MESHCENTRAL_VERSION}`,
    '--no-audit',
    '--no-fund',
  ]);
  await access(join(dir, 'agents', 'meshagent_x86-64'));
  log('meshcentral installed');
  return dir;
}

/** MeshCentral's own base64 (`+` → `@`, `/` → `$`) to upper-case hex, as its .msh files write ids. */
export function meshBase64ToHex(value: string): string {
  return Buffer.from(value.replace(/@/g, '+').replace(/\$/g, '/'), 'base64')
    .toString('hex')
    .toUpperCase();
}

type Message = Record<string, unknown> & { action?: string; responseid?: string };

/** TLS options for the server's own certificate chain (its root; the name is not checked). */
export interface MeshTls {
  ca: string;
}

const socketOptions = (tls: MeshTls, headers?: Record<string, string>) => ({
  ca: tls.ca,
  checkServerIdentity: () => undefined,
  ...(headers ? { headers } : {}),
});

/**
 * The user's control WebSocket (`control.ashx`), signed in with a password the way
 * `meshctrl.js` does (`x-meshauth` header), with request/response by `action`.
 */
export class MeshControl {
  private readonly waiting: { action: string; resolve: (message: Message) => void }[] = [];

  private constructor(
    readonly socket: WebSocket,
    readonly serverInfo: Message,
  ) {
    socket.on('message', (data: RawData) => {
      const message = parse(data);
      const index = this.waiting.findIndex((entry) => entry.action === message?.action);
      if (message && index !== -1) this.waiting.splice(index, 1)[0]?.resolve(message);
    });
  }

  static async open(
    url: string,
    tls: MeshTls,
    user: string,
    password: string,
  ): Promise<MeshControl> {
    const auth = `${Buffer.from(user).toString('base64')},${Buffer.from(password).toString('base64')}`;
    const socket = new WebSocket(`${url}/control.ashx`, socketOptions(tls, { 'x-meshauth': auth }));
    const serverInfo = new Promise<Message>((resolve, reject) => {
      socket.on('message', (data: RawData) => {
        const message = parse(data);
        if (message?.action === 'serverinfo') resolve(message);
      });
      socket.once('close', () => reject(new Error('MeshCentral refused the sign-in')));
    });
    await opened(socket);
    return new MeshControl(socket, await withTimeout(serverInfo, 15_000, 'serverinfo'));
  }

  /** Sends `command` and resolves with the next message of `action` (default: the command's). */
  request(command: Message, action = command.action ?? '', timeoutMs = 30_000): Promise<Message> {
    const reply = new Promise<Message>((resolve) => this.waiting.push({ action, resolve }));
    this.socket.send(JSON.stringify(command));
    return withTimeout(reply, timeoutMs, `MeshCentral's ${action} reply`);
  }

  /** The ids of the devices the server has an agent connection for (`conn` bit 1). */
  async connectedNodes(): Promise<string[]> {
    const reply = await this.request({ action: 'nodes', responseid: 'bench' });
    const groups = (reply.nodes ?? {}) as Record<string, { _id: string; conn?: number }[]>;
    return Object.values(groups)
      .flat()
      .filter((node) => ((node.conn ?? 0) & 1) === 1)
      .map((node) => node._id);
  }

  close(): void {
    this.socket.terminate();
  }
}

/** A terminal (relay protocol 1) opened on a device through the server's relay. */
export interface MeshTerminal {
  socket: WebSocket;
  /** Output other than the relay's own control messages (JSON with `ctrlChannel` 102938). */
  onOutput(listener: (bytes: Uint8Array) => void): () => void;
}

const CONTROL_PREFIX = '{"ctrlChannel":"102938"';

/**
 * Opens a shell on `nodeId` the way `meshctrl.js shell` does: an auth cookie from the control
 * channel, a `tunnel` message that makes the agent dial the relay, the browser side of the same
 * relay id; once the relay answers `c` (or `cr`: recorded), terminal size and protocol `1`.
 */
export async function openMeshTerminal(
  url: string,
  tls: MeshTls,
  control: MeshControl,
  nodeId: string,
): Promise<MeshTerminal> {
  const cookies = await control.request({ action: 'authcookie' });
  const id = randomBytes(6).toString('hex');
  const agentPath = `*/meshrelay.ashx?p=1&nodeid=${nodeId}&id=${id}&rauth=${String(cookies.rcookie)}`;
  const socket = new WebSocket(
    `${url}/meshrelay.ashx?browser=1&p=1&nodeid=${encodeURIComponent(nodeId)}&id=${id}&auth=${String(cookies.cookie)}`,
    socketOptions(tls),
  );
  const joined = new Promise<void>((resolve, reject) => {
    const onMessage = (data: RawData): void => {
      const text = Buffer.from(rawBytes(data)).toString();
      if (text !== 'c' && text !== 'cr') return;
      socket.off('message', onMessage);
      resolve();
    };
    socket.on('message', onMessage);
    socket.once('close', () => reject(new Error('the relay closed before the agent joined')));
  });
  control.socket.send(
    JSON.stringify({ action: 'msg', nodeid: nodeId, type: 'tunnel', usage: 1, value: agentPath }),
  );
  await opened(socket);
  await withTimeout(joined, 30_000, 'the agent to join the relay');
  socket.send(JSON.stringify({ ctrlChannel: '102938', type: 'options', cols: 100, rows: 30 }));
  socket.send('1');
  return {
    socket,
    onOutput(listener) {
      const onMessage = (data: RawData, isBinary: boolean): void => {
        const bytes = rawBytes(data);
        if (!isBinary && Buffer.from(bytes).toString().startsWith(CONTROL_PREFIX)) return;
        listener(bytes);
      };
      socket.on('message', onMessage);
      return () => socket.off('message', onMessage);
    },
  };
}

function parse(data: RawData): Message | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(rawBytes(data)).toString());
    return typeof value === 'object' && value !== null ? (value as Message) : undefined;
  } catch {
    return undefined;
  }
}

/** Rejects if `promise` does not settle within `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

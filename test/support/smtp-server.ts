import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { stopProcess, waitFor } from './cli.js';

const SCRIPT = fileURLToPath(new URL('./smtp-server-process.mjs', import.meta.url));
const run = promisify(execFile);

/** One message the test SMTP server accepted. */
export interface ReceivedMail {
  secure: boolean;
  user: string;
  from: string;
  to: string[];
  subject: string;
  /** The `X-Tether-Event` header: the notification kind, or `test`. */
  kind: string;
  body: string;
}

export interface SmtpTestServer {
  readonly port: number;
  readonly username: string;
  readonly password: string;
  /** Every message accepted so far, in order. */
  mails(): ReceivedMail[];
  /** Sign-in attempts so far (`ok` false: refused). */
  logins(): { ok: boolean; username: string; secure: boolean }[];
  close(): Promise<void>;
}

/**
 * Starts a real SMTP server (the `smtp-server` package) as its own process on an ephemeral
 * loopback port: STARTTLS with a throwaway self-signed certificate, AUTH PLAIN / LOGIN required.
 */
export async function startSmtpServer(): Promise<SmtpTestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'tether-smtp-'));
  const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=localhost',
    '-keyout',
    key,
    '-out',
    cert,
  ]);
  const username = 'tether-notify';
  const password = 'smtp-test-password-9Zx!';
  const setup = {
    key: await readFile(key, 'utf8'),
    cert: await readFile(cert, 'utf8'),
    username,
    password,
  };
  await rm(dir, { recursive: true, force: true });
  const child = spawn(process.execPath, [SCRIPT], {
    env: { ...process.env, SMTP_TEST_SETUP: JSON.stringify(setup) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: Record<string, unknown>[] = [];
  let output = '';
  let pending = '';
  child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line) events.push(JSON.parse(line) as Record<string, unknown>);
  });
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const port = await waitFor('the SMTP server to listen', () => {
    if (child.exitCode !== null) throw new Error(`smtp-server exited: ${output}`);
    const listening = events.find((event) => event.event === 'listening');
    return Promise.resolve(typeof listening?.port === 'number' ? listening.port : undefined);
  });
  const of = <T>(name: string) => events.filter((event) => event.event === name) as T[];
  return {
    port,
    username,
    password,
    mails: () => of<ReceivedMail>('mail'),
    logins: () => of<{ ok: boolean; username: string; secure: boolean }>('auth'),
    close: () => stopProcess(child),
  };
}

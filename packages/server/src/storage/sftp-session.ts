import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Client, ConnectConfig, SFTPWrapper, Stats } from 'ssh2';
import { AppError } from '@tether/protocol';
import { describeTarget, type SftpCredential, type SftpTarget } from './sftp-target.js';

/** SFTP status codes (draft-ietf-secsh-filexfer-02) the uploader tells apart. */
export const SFTP_STATUS = {
  noSuchFile: 2,
  permissionDenied: 3,
  failure: 4,
  opUnsupported: 8,
} as const;

/** An SFTP error with its status code, when the server sent one. */
export function sftpStatusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** Timeouts of one connection. */
export interface SftpTimeouts {
  /** TCP connect + SSH handshake + login. */
  readyMs: number;
  /** Keepalive interval; three unanswered keepalives end the connection. */
  keepaliveMs: number;
}

export const DEFAULT_SFTP_TIMEOUTS: SftpTimeouts = { readyMs: 20_000, keepaliveMs: 5_000 };

/** An open SFTP session: small promise-returning operations over ssh2's callbacks. */
export interface SftpSession {
  stat(path: string): Promise<Stats | undefined>;
  mkdir(path: string): Promise<void>;
  unlink(path: string): Promise<void>;
  /** Renames, replacing `to` when the server supports it (OpenSSH's posix-rename). */
  rename(from: string, to: string): Promise<void>;
  /** Streams `source` into `path` (created or truncated). */
  write(path: string, source: Readable): Promise<void>;
  /** SHA-256 (hex) and size of a remote file, by reading it back. */
  hash(path: string): Promise<{ sha256: string; size: number }>;
  close(): void;
}

/**
 * Opens an SSH connection and its SFTP channel, logging in with the decrypted credential.
 * Failures become `AppError`s that say what to check (address, account, credential).
 */
export async function openSftpSession(
  target: SftpTarget,
  credential: SftpCredential,
  options: { hostKey: string | undefined; timeouts?: SftpTimeouts },
): Promise<SftpSession> {
  const timeouts = options.timeouts ?? DEFAULT_SFTP_TIMEOUTS;
  const where = describeTarget(target);
  // Loaded on the first upload: ssh2 costs the server ~14 MiB resident from the moment it is
  // imported, and most servers never configure external storage.
  const { default: ssh2 } = await import('ssh2');
  const client = new ssh2.Client();
  /** Why the host key was refused; the credential is not sent in that case. */
  let hostKeyRefusal: AppError | undefined;
  const config: ConnectConfig = {
    hostVerifier: (key: Buffer) => {
      hostKeyRefusal = checkHostKey(where, hostKeyFingerprint(key), options.hostKey);
      return hostKeyRefusal === undefined;
    },
    host: target.host,
    port: target.port,
    username: target.username,
    readyTimeout: timeouts.readyMs,
    keepaliveInterval: timeouts.keepaliveMs,
    keepaliveCountMax: 3,
    ...(credential.type === 'password'
      ? { password: credential.password }
      : { privateKey: credential.privateKey }),
  };
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: AppError): void => {
      if (settled) return;
      settled = true;
      client.end();
      reject(error);
    };
    client.on('error', (error: Error & { level?: string }) => {
      fail(hostKeyRefusal ?? connectError(where, error, credential.type));
    });
    client.on('close', () =>
      fail(new AppError('UNAVAILABLE', `The connection to ${where} closed during login.`)),
    );
    client.on('ready', () => {
      client.sftp((error, sftp) => {
        if (error) {
          fail(
            new AppError(
              'UNAVAILABLE',
              `${where} accepted the login but refused SFTP: ${error.message}. Enable the sftp subsystem for this account.`,
            ),
          );
          return;
        }
        settled = true;
        resolve(wrap(client, sftp));
      });
    });
    try {
      client.connect(config);
    } catch (error) {
      fail(
        new AppError(
          'INVALID_INPUT',
          `Cannot connect to ${where}: ${(error as Error).message}. Check the sealed ${credential.type === 'password' ? 'password' : 'private key'}.`,
        ),
      );
    }
  });
}

/** `SHA256:<base64>` of an SSH public key blob, as `ssh-keygen -lf` prints it. */
export function hostKeyFingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

function checkHostKey(
  where: string,
  presented: string,
  pinned: string | undefined,
): AppError | undefined {
  if (pinned === presented) return undefined;
  if (pinned === undefined) {
    return new AppError(
      'FORBIDDEN',
      `${where} presented the host key ${presented}, and the storage setting pins none, so the credential was not sent. Confirm the fingerprint with the server's administrator (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) and set it as the host key.`,
      { presentedHostKey: presented },
    );
  }
  return new AppError(
    'FORBIDDEN',
    `${where} presented the host key ${presented}, not the pinned ${pinned}, so the credential was not sent. Someone may be intercepting the connection; if the server's key really changed, update the pinned host key.`,
    { presentedHostKey: presented },
  );
}

function connectError(
  where: string,
  error: Error & { level?: string },
  type: SftpCredential['type'],
): AppError {
  if (error.level === 'client-authentication') {
    return new AppError(
      'FORBIDDEN',
      `${where} refused the login with the sealed ${type === 'password' ? 'password' : 'private key'}. Check the user name in the URL and the credential, and that the server allows ${type === 'password' ? 'password' : 'public-key'} authentication.`,
    );
  }
  if (error.level === 'client-timeout') {
    return new AppError(
      'UNAVAILABLE',
      `${where} did not answer in time. Check the host, the port and the firewall.`,
    );
  }
  return new AppError(
    'UNAVAILABLE',
    `Cannot connect to ${where}: ${error.message}. Check the host and port, and that the SFTP server is running.`,
  );
}

function wrap(client: Client, sftp: SFTPWrapper): SftpSession {
  // ssh2 leaves requests (and stream writes) pending forever when the connection drops, so
  // every operation races against the connection's end.
  let lostError: Error | undefined;
  const onLost = new Set<(error: Error) => void>();
  client.once('close', () => {
    lostError = new Error('the connection closed');
    for (const notify of onLost) notify(lostError);
  });
  const guarded = <T>(
    start: (resolve: (value: T) => void, reject: (error: Error) => void) => void,
  ): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (lostError) {
        reject(lostError);
        return;
      }
      const notify = (error: Error): void => reject(error);
      onLost.add(notify);
      start(
        (value) => {
          onLost.delete(notify);
          resolve(value);
        },
        (error) => {
          onLost.delete(notify);
          reject(error);
        },
      );
    });
  const call = <T>(
    run: (done: (error: Error | undefined | null, value?: T) => void) => void,
  ): Promise<T> =>
    guarded<T>((resolve, reject) => {
      run((error, value) => (error ? reject(error) : resolve(value as T)));
    });
  const streamed = <T>(stream: Readable | Writable, work: () => Promise<T>): Promise<T> =>
    guarded<T>((resolve, reject) => {
      const onClose = (error: Error): void => void stream.destroy(error);
      onLost.add(onClose);
      work()
        .then(resolve, (error: unknown) => {
          reject(error instanceof Error ? error : new Error(String(error)));
        })
        .finally(() => onLost.delete(onClose));
    });
  return {
    stat: (path) =>
      call<Stats>((done) => sftp.stat(path, done)).catch((error: unknown) => {
        if (sftpStatusOf(error) === SFTP_STATUS.noSuchFile) return undefined;
        throw error;
      }),
    mkdir: (path) => call((done) => sftp.mkdir(path, { mode: 0o750 }, done)),
    unlink: (path) => call((done) => sftp.unlink(path, done)),
    async rename(from, to) {
      try {
        // posix-rename replaces an existing `to` atomically; plain SFTP rename refuses to.
        await call((done) => sftp.ext_openssh_rename(from, to, done));
      } catch (error) {
        // Plain rename is enough for a new file: used when the server lacks the extension or
        // does not allow it to this account (a least-privilege account may rename only).
        const status = sftpStatusOf(error);
        const isRefused =
          status === SFTP_STATUS.permissionDenied || status === SFTP_STATUS.opUnsupported;
        if (lostError || (status !== undefined && !isRefused)) throw error;
        await call((done) => sftp.rename(from, to, done));
      }
    },
    write(path, source) {
      const target = sftp.createWriteStream(path, { flags: 'w', mode: 0o640 }) as Writable;
      return streamed(target, () => pipeline(source, target));
    },
    hash(path) {
      const reader = sftp.createReadStream(path) as Readable;
      return streamed(reader, async () => {
        const hash = createHash('sha256');
        let size = 0;
        // The remote handle closes after the last chunk; wait for it, or closing the session
        // right after would fail that request on a stream nobody listens to any more.
        const closed = once(reader, 'close').catch(() => undefined);
        for await (const chunk of reader as AsyncIterable<Buffer>) {
          hash.update(chunk);
          size += chunk.length;
        }
        await closed;
        return { sha256: hash.digest('hex'), size };
      });
    },
    close: () => client.end(),
  };
}

import { AppError, type CustomStorage } from '@tether/protocol';

/** Where recordings go: the parts of a `sftp://user@host:port/path` URL. */
export interface SftpTarget {
  username: string;
  host: string;
  port: number;
  /** The folder on the server; absolute unless the URL says `/~/…` (relative to the home folder). */
  path: string;
}

/**
 * Parses a custom storage URL. The URL holds no secret (the credential is separate and
 * sealed), so it may be shown and stored as is.
 *
 * @example
 * parseSftpUrl('sftp://rec@files.example:2222/srv/tether'); // { username: 'rec', host: 'files.example', port: 2222, path: '/srv/tether' }
 */
export function parseSftpUrl(url: string): SftpTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidUrl(url);
  }
  if (parsed.protocol !== 'sftp:' || !parsed.username || !parsed.hostname || parsed.password)
    throw invalidUrl(url);
  const port = parsed.port ? Number(parsed.port) : 22;
  const decodedPath = decodeURIComponent(parsed.pathname);
  const path = decodedPath.startsWith('/~/')
    ? decodedPath.slice(3) || '.'
    : decodedPath === '' || decodedPath === '/~'
      ? '.'
      : decodedPath;
  return {
    username: decodeURIComponent(parsed.username),
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    path: path.length > 1 ? path.replace(/\/+$/, '') : path,
  };
}

function invalidUrl(url: string): AppError {
  return new AppError(
    'INVALID_INPUT',
    `"${url.slice(0, 200)}" is not an SFTP URL. Write it as sftp://user@host:port/path (port optional, no password in the URL).`,
  );
}

/** The URL as shown to people: scheme, user, host, port and path. */
export function describeTarget(target: SftpTarget): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  const path = target.path.startsWith('/') ? target.path : `/~/${target.path}`;
  return `sftp://${target.username}@${host}:${target.port}${path}`;
}

/** The credential once decrypted, in the form ssh2 takes it. Lives only while uploading. */
export type SftpCredential =
  { type: 'password'; password: string } | { type: 'publicKey'; privateKey: Buffer };

/** The storage setting with its target parsed (the credential still sealed). */
export interface StorageSetting {
  target: SftpTarget;
  authentication: CustomStorage['authentication'];
  sealedCredential: string;
}

/** Parses the URL of a custom storage setting. */
export function storageSetting(storage: CustomStorage): StorageSetting {
  return {
    target: parseSftpUrl(storage.url),
    authentication: storage.authentication,
    sealedCredential: storage.credential,
  };
}

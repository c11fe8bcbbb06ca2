import { isIP } from 'node:net';
import { checkServerIdentity, type ConnectionOptions } from 'node:tls';
import { AppError, type LdapDirectoryInput } from '@tether/protocol';
import type { Client, Entry } from 'ldapts';
import type { DirectoryVerdict } from '../auth/sign-in-methods.js';
import { errorText, NO_TRACE, visibleAttributes, type DirectoryTrace } from './directory-trace.js';
import { fillFilter } from './ldap-filter.js';
import type { TraceablePasswordDirectory } from './traceable-directory.js';

/** Active Directory's userAccountControl flag ACCOUNTDISABLE. */
const AD_ACCOUNT_DISABLE = 0x2;
/** LDAP result codes (RFC 4511). */
const INVALID_CREDENTIALS = 49;
const SIZE_LIMIT_EXCEEDED = 4;

/** A failure that is not an LDAP answer (refused, timed out, TLS): the next server is tried. */
class Unreachable extends Error {}

/**
 * An LDAP / Active Directory server that checks passwords: service bind → search the user →
 * read their groups and disabled state → bind as the user with their password. `ldapts` is
 * loaded at the first check, not at start (memory).
 */
export function createLdapDirectory(settings: LdapDirectoryInput): TraceablePasswordDirectory {
  return {
    source: 'ldap',
    name: `LDAP ${settings.name}`,
    async check({ username, password }, trace = NO_TRACE) {
      // An empty password would be an anonymous bind, which servers accept (RFC 4513 §5.1.2).
      if (password === '') return { result: 'rejected', reason: 'wrong password' };
      const failures: string[] = [];
      for (const url of settings.urls) {
        const client = await connect(settings, url);
        try {
          return await checkOn(client, { settings, url, username, password, trace });
        } catch (error) {
          if (!(error instanceof Unreachable)) throw error;
          failures.push(`${url}: ${error.message}`);
        } finally {
          await client.unbind().catch(() => undefined); // closing a dead connection may fail; nothing to undo
        }
      }
      throw new AppError(
        'UNAVAILABLE',
        `Cannot reach the directory "${settings.name}" (${failures.join('; ')}). Try again later.`,
      );
    },
  };
}

async function connect(settings: LdapDirectoryInput, url: string): Promise<Client> {
  const { Client } = await import('ldapts');
  const timeout = settings.timeoutSec * 1000;
  // ldapts opens TLS at once whenever it gets TLS options, so only for ldaps:// (StartTLS later).
  const secure = url.startsWith('ldaps:') ? { tlsOptions: tlsOptions(settings, url) } : {};
  return new Client({ url, timeout, connectTimeout: timeout, ...secure });
}

/** A fresh object each time: ldapts keeps the socket in the options it is given. */
function tlsOptions(settings: LdapDirectoryInput, url: string): ConnectionOptions {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return {
    // StartTLS upgrades a bare socket, for which Node would check the name "localhost": the
    // certificate must name the host of the URL. SNI only for names (RFC 6066).
    checkServerIdentity: (_name, certificate) => checkServerIdentity(host, certificate),
    ...(isIP(host) === 0 && { servername: host }),
    rejectUnauthorized: settings.verifyCertificate,
    ...(settings.caCertificate && { ca: settings.caCertificate }),
  };
}

interface Attempt {
  settings: LdapDirectoryInput;
  url: string;
  username: string;
  password: string;
  trace: DirectoryTrace;
  /** Whether an operation got an answer yet (the connection stage is traced once). */
  connected?: boolean;
}

function resultCodeOf(error: unknown): number | undefined {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'number' ? code : undefined;
}

/**
 * A stage that failed: an LDAP answer (a result code) is the directory's refusal; anything else
 * (refused connection, timeout, TLS) means the server was not reached, and the next is tried.
 */
function failed(attempt: Attempt, name: string, error: unknown): never {
  attempt.trace({ stage: name, ok: false, detail: errorText(error) });
  if (resultCodeOf(error) === undefined) throw new Unreachable(errorText(error));
  throw new AppError(
    'UNAVAILABLE',
    `The directory "${attempt.settings.name}" refused the ${name}: ${errorText(error)}`,
  );
}

/** Runs one operation; traces the connection the first time an operation is answered. */
async function stage<T>(attempt: Attempt, name: string, step: () => Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await step();
  } catch (error) {
    if (!attempt.connected && resultCodeOf(error) !== undefined) traceConnected(attempt);
    return failed(attempt, name, error);
  }
  if (!attempt.connected) traceConnected(attempt);
  return result;
}

function traceConnected(attempt: Attempt): void {
  attempt.connected = true;
  const { url, settings, trace } = attempt;
  trace({ stage: 'connect', ok: true, detail: `Connected to ${url}.` });
  const tls = url.startsWith('ldaps:')
    ? 'LDAPS: the connection is encrypted.'
    : settings.startTls
      ? 'StartTLS: the connection is encrypted.'
      : 'None: the connection is not encrypted (use StartTLS or ldaps://).';
  trace({ stage: 'TLS', ok: url.startsWith('ldaps:') || settings.startTls, detail: tls });
}

async function checkOn(client: Client, attempt: Attempt): Promise<DirectoryVerdict> {
  const { settings, url, trace } = attempt;
  if (!url.startsWith('ldaps:') && settings.startTls)
    await stage(attempt, 'StartTLS', () => client.startTLS(tlsOptions(settings, url)));
  if (settings.bindDn) {
    const bindDn = settings.bindDn;
    await stage(attempt, 'service bind', () => client.bind(bindDn, settings.bindPassword ?? ''));
    trace({ stage: 'service bind', ok: true, detail: `Bound as ${bindDn}.` });
  }
  const entry = await findUser(client, attempt);
  if (!entry) return { result: 'unknown' };
  const groups = await groupsOf(client, entry, attempt);
  const isDisabled = await disabled(client, entry, attempt);
  const passwordRight = await userBind(client, entry.dn, attempt);
  if (!passwordRight) return { result: 'rejected', reason: 'wrong password' };
  if (isDisabled) return { result: 'rejected', reason: 'account disabled' };
  const displayName = first(entry, settings.displayNameAttribute);
  return {
    result: 'accepted',
    identity: {
      source: 'ldap',
      username: attempt.username,
      groups,
      ...(displayName !== undefined && { displayName }),
    },
    mapping: settings.mapping,
  };
}

async function findUser(client: Client, attempt: Attempt): Promise<Entry | undefined> {
  const { settings, username, trace } = attempt;
  const filter = fillFilter(settings.userFilter, { username });
  const wanted = ['*', settings.displayNameAttribute, 'userAccountControl', 'pwdAccountLockedTime'];
  if (settings.groupAttribute) wanted.push(settings.groupAttribute);
  const { searchEntries } = await stage(attempt, 'search', () =>
    client
      .search(settings.userBase, { scope: 'sub', filter, attributes: wanted, sizeLimit: 2 })
      .catch((error: unknown) => {
        // More entries than the limit: as ambiguous as two, so nobody is picked.
        if (resultCodeOf(error) !== SIZE_LIMIT_EXCEEDED) throw error;
        return { searchEntries: [{ dn: '' }, { dn: '' }], searchReferences: [] };
      }),
  );
  const [entry, another] = searchEntries;
  if (!entry || another) {
    const why = entry ? 'more than one entry matches' : 'no entry matches';
    trace({ stage: 'search', ok: false, detail: `${filter} under ${settings.userBase}: ${why}.` });
    return undefined;
  }
  trace({ stage: 'search', ok: true, detail: entry.dn, attributes: visibleAttributes(entry) });
  return entry;
}

async function groupsOf(client: Client, entry: Entry, attempt: Attempt): Promise<string[]> {
  const { settings, username, trace } = attempt;
  const groups = settings.groupAttribute ? all(entry, settings.groupAttribute) : [];
  if (settings.groupBase) {
    const base = settings.groupBase;
    const filter = fillFilter(settings.groupFilter, { dn: entry.dn, username });
    const { searchEntries } = await stage(attempt, 'group search', () =>
      client.search(base, { scope: 'sub', filter, attributes: ['dn'] }),
    );
    groups.push(...searchEntries.map((group) => group.dn));
  }
  const unique = [...new Set(groups)];
  trace({
    stage: 'groups',
    ok: true,
    detail: unique.length > 0 ? unique.join('\n') : 'Member of no group.',
  });
  return unique;
}

/** Disabled in the directory: AD's ACCOUNTDISABLE flag, or the configured filter matches. */
async function disabled(client: Client, entry: Entry, attempt: Attempt): Promise<boolean> {
  const { settings, trace } = attempt;
  const flags = Number(first(entry, 'userAccountControl') ?? 0);
  let isDisabled = (flags & AD_ACCOUNT_DISABLE) !== 0;
  if (!isDisabled && settings.disabledFilter) {
    const filter = settings.disabledFilter;
    const { searchEntries } = await stage(attempt, 'disabled check', () =>
      client.search(entry.dn, { scope: 'base', filter, attributes: ['dn'] }),
    );
    isDisabled = searchEntries.length > 0;
  }
  trace({
    stage: 'disabled check',
    ok: !isDisabled,
    detail: isDisabled ? 'The account is disabled in the directory.' : 'The account is enabled.',
  });
  return isDisabled;
}

async function userBind(client: Client, dn: string, attempt: Attempt): Promise<boolean> {
  try {
    await client.bind(dn, attempt.password);
  } catch (error) {
    if (resultCodeOf(error) !== INVALID_CREDENTIALS) return failed(attempt, 'user bind', error);
    attempt.trace({
      stage: 'user bind',
      ok: false,
      detail: 'Wrong password (invalid credentials).',
    });
    return false;
  }
  attempt.trace({ stage: 'user bind', ok: true, detail: `The password of ${dn} is right.` });
  return true;
}

/** An attribute's values, whatever the letter case the server spelled its name in. */
function all(entry: Entry, attribute: string): string[] {
  const key = Object.keys(entry).find((name) => name.toLowerCase() === attribute.toLowerCase());
  const value = key === undefined ? undefined : entry[key];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

function first(entry: Entry, attribute: string): string | undefined {
  return all(entry, attribute)[0];
}

import type { RadiusDirectoryInput } from '@tether/protocol';
import type { DirectoryVerdict } from '../auth/sign-in-methods.js';
import { NO_TRACE, visibleAttributes, type DirectoryTrace } from './directory-trace.js';
import { RADIUS_ATTRIBUTE, sendAccessRequest, type RadiusReply } from './radius-client.js';
import type { TraceablePasswordDirectory } from './traceable-directory.js';

const DEFAULT_CHALLENGE = 'Enter the code the RADIUS server asks for.';

/**
 * RADIUS servers that check passwords with PAP (RFC 2865): Access-Accept signs in with the
 * groups found in the `groupAttribute` reply attributes (Class or Filter-Id), Access-Reject
 * refuses, Access-Challenge asks for a code (one-time passwords), answered with a new
 * Access-Request carrying the server's State.
 */
export function createRadiusDirectory(settings: RadiusDirectoryInput): TraceablePasswordDirectory {
  return {
    source: 'radius',
    name: `RADIUS ${settings.name}`,
    check({ username, password }, trace = NO_TRACE) {
      if (password === '') return Promise.resolve({ result: 'rejected', reason: 'wrong password' });
      return ask(settings, { username, password, trace });
    },
  };
}

async function ask(
  settings: RadiusDirectoryInput,
  request: { username: string; password: string; state?: Buffer; trace: DirectoryTrace },
): Promise<DirectoryVerdict> {
  const { username, password, state, trace } = request;
  const reply = await sendAccessRequest({
    servers: settings.servers,
    secret: settings.secret ?? '',
    timeoutMs: settings.timeoutSec * 1000,
    retries: settings.retries,
    attributes: [
      ['User-Name', username],
      ['User-Password', password],
      ['NAS-Identifier', settings.nasIdentifier],
      ...(state ? [['State', state] as [string, Buffer]] : []),
    ],
    trace,
  });
  const message = strings(reply, RADIUS_ATTRIBUTE['Reply-Message']).join('\n');
  trace({
    stage: 'reply',
    ok: reply.code !== 'Access-Reject',
    detail: `${reply.code} from ${reply.server}${message ? `: ${message}` : ''}`,
    attributes: visibleAttributes(withoutAuthenticators(reply.named)),
  });
  switch (reply.code) {
    case 'Access-Accept': {
      const groups = strings(reply, RADIUS_ATTRIBUTE[settings.groupAttribute]);
      trace({
        stage: 'groups',
        ok: true,
        detail: groups.length > 0 ? groups.join('\n') : `No ${settings.groupAttribute} attribute.`,
      });
      return {
        result: 'accepted',
        identity: { source: 'radius', username, groups },
        mapping: settings.mapping,
      };
    }
    case 'Access-Challenge': {
      const [next] = raw(reply, RADIUS_ATTRIBUTE.State);
      return {
        result: 'challenge',
        message: message || DEFAULT_CHALLENGE,
        answer: (code) =>
          ask(settings, { username, password: code, trace, ...(next && { state: next }) }),
      };
    }
    default:
      return { result: 'rejected', reason: 'wrong password' };
  }
}

function raw(reply: RadiusReply, type: number): Buffer[] {
  return reply.attributes.filter(([candidate]) => candidate === type).map(([, value]) => value);
}

function strings(reply: RadiusReply, type: number): string[] {
  return raw(reply, type).map((value) => value.toString('utf8'));
}

/** Reply attributes as the test shows them: octets as text (Class), not the authenticator nor State. */
function withoutAuthenticators(named: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(named)
      .filter(([name]) => name !== 'Message-Authenticator' && name !== 'State')
      .map(([name, value]) => [name, Buffer.isBuffer(value) ? printable(value) : value]),
  );
}

function printable(value: Buffer): string {
  const text = value.toString('utf8');
  return /^[\x20-\x7e]*$/.test(text) ? text : `0x${value.toString('hex')}`;
}

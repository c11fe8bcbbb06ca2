import { AppError, AuditAction } from '@tether/protocol';
import type { AuditFilter, Store } from '../store/store.js';

/** What a person types to filter the audit log: names where they know names. */
export interface AuditNamedFilter {
  /** A username (of a user not deleted) or a user's id (also of a deleted user). */
  user?: string;
  /** A device's name or id. */
  device?: string;
  /** Actions, each possibly a comma-separated list. */
  actions?: readonly string[];
  from?: Date;
  until?: Date;
  text?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The store's filter from names (`tether audit`): a user or device that does not exist, a name
 * several devices share, or an unknown action is refused, saying what to give instead.
 *
 * @example
 * await auditFilterFromNames(store, { user: 'alice', device: 'web-01', actions: ['session.started'] });
 */
export async function auditFilterFromNames(
  store: Store,
  named: AuditNamedFilter,
): Promise<AuditFilter> {
  const filter: AuditFilter = {};
  if (named.user !== undefined) filter.userId = await userIdOf(store, named.user);
  if (named.device !== undefined) filter.deviceId = await deviceIdOf(store, named.device);
  if (named.actions !== undefined && named.actions.length > 0)
    filter.actions = named.actions.flatMap((text) => text.split(',')).map(actionOf);
  if (named.from !== undefined) filter.from = named.from;
  if (named.until !== undefined) filter.until = named.until;
  if (named.text !== undefined && named.text !== '') filter.text = named.text;
  return filter;
}

async function userIdOf(store: Store, user: string): Promise<string> {
  const found = UUID.test(user)
    ? await store.users.findById(user)
    : await store.users.findByUsername(user);
  // An id is taken as given: a deleted user's entries stay found by it.
  if (found) return found.id;
  if (UUID.test(user)) return user;
  throw new AppError(
    'NOT_FOUND',
    `No user "${user}". Give a username (see tether users list) or, for a deleted user, their id.`,
  );
}

async function deviceIdOf(store: Store, device: string): Promise<string> {
  if (UUID.test(device)) return device;
  const matches = (await store.devices.list()).filter((candidate) => candidate.name === device);
  const [only] = matches;
  if (only && matches.length === 1) return only.id;
  throw new AppError(
    matches.length === 0 ? 'NOT_FOUND' : 'INVALID_INPUT',
    matches.length === 0
      ? `No device named "${device}". Give a device's name or id.`
      : `${matches.length} devices are named "${device}": give the id of one (${matches.map((match) => match.id).join(', ')}).`,
  );
}

function actionOf(text: string): AuditAction {
  const parsed = AuditAction.safeParse(text.trim());
  if (parsed.success) return parsed.data;
  throw new AppError(
    'INVALID_INPUT',
    `Unknown audit action "${text}". Known actions: ${AuditAction.options.join(', ')}.`,
  );
}

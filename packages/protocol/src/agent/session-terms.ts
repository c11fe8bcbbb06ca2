import { z } from 'zod';

// The terms of a session offer that the agent enforces: what the session carries, how it was
// admitted, what the technician may do, and the unattended access it came through. Here, not in
// the API modules that build on them (sessions, assistance, unattended): the agent needs these
// and none of the API's schemas, and every schema a module defines is constructed when the agent
// loads it.

/** What a session carries. */
export const SessionKind = z.enum(['terminal', 'desktop', 'files']);
export type SessionKind = z.infer<typeof SessionKind>;

/**
 * How a technician reaches a device (M-1…M-3): `interactive` asks the user at the device first,
 * `unattended` needs a one-time password, `dynamic` picks one of the two by whether a user is
 * logged in.
 *
 * @example
 * await api.createSession({ deviceId, kind: 'terminal', mode: 'interactive' });
 */
export const AssistanceMode = z.enum(['interactive', 'unattended', 'dynamic']);
export type AssistanceMode = z.infer<typeof AssistanceMode>;

/**
 * What a technician may do in a session: `view` the screen, `control` it (keyboard, pointer,
 * clipboard), open a `terminal`, transfer `files`.
 *
 * @example
 * const canType = rights.includes('control');
 */
export const SessionRight = z.enum(['view', 'control', 'terminal', 'files']);
export type SessionRight = z.infer<typeof SessionRight>;

/** Every right, in display order. @example ALL_SESSION_RIGHTS.length // 4 */
export const ALL_SESSION_RIGHTS: readonly SessionRight[] = SessionRight.options;

/** A set of rights (duplicates refused so a policy has one form). @example SessionRights.parse(['view']) */
export const SessionRights = z
  .array(SessionRight)
  .max(4)
  .refine((rights) => new Set(rights).size === rights.length, 'must not repeat a right');
export type SessionRights = z.infer<typeof SessionRights>;

/**
 * The session ID of an unattended access (M-2): nine digits, shown in groups of three. Spaces
 * and dashes typed by a technician are accepted and removed.
 *
 * @example
 * UnattendedAccessId.parse('123 456 789') // '123456789'
 */
export const UnattendedAccessId = z.preprocess(
  (value) => (typeof value === 'string' ? value.replace(/[\s-]/g, '') : value),
  z.string().regex(/^\d{9}$/, 'must be the nine-digit session ID'),
);
export type UnattendedAccessId = z.infer<typeof UnattendedAccessId>;

/** How long an access lives after its last connection ends (or, unused, after it was made). */
export const UNATTENDED_IDLE_MINUTES = 15;

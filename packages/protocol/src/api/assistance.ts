import { z } from 'zod';
import {
  ALL_SESSION_RIGHTS,
  AssistanceMode,
  SessionRight,
  SessionRights,
} from '../agent/session-terms.js';

// The terms the agent enforces (mode, rights) are defined agent-side: the agent imports them
// without this module's policy schemas.
export {
  ALL_SESSION_RIGHTS,
  AssistanceMode,
  SessionRight,
  SessionRights,
} from '../agent/session-terms.js';

/**
 * The rights a mode gives under a policy's `modes` (all rights when no policy sets modes);
 * undefined when the policy does not allow the mode. Presence policies may narrow them further
 * when a session starts.
 *
 * @example
 * rightsOfMode({ unattended: ['view'] }, 'unattended') // ['view']
 */
export function rightsOfMode(
  modes: Partial<Record<AssistanceMode, readonly SessionRight[]>> | null | undefined,
  mode: AssistanceMode,
): SessionRight[] | undefined {
  if (!modes) return [...ALL_SESSION_RIGHTS];
  const rights = modes[mode];
  return rights ? [...rights] : undefined;
}

/**
 * The modes a device group allows and, per mode, the rights (M-4). A mode that is absent is not
 * allowed; a group that allows `dynamic` alone refuses the other two (M-3).
 *
 * @example
 * const modes: AssistanceModes = { dynamic: ['view', 'control'] };
 */
export const AssistanceModes = z
  .strictObject({
    interactive: SessionRights,
    unattended: SessionRights,
    dynamic: SessionRights,
  })
  .partial()
  .refine((modes) => Object.keys(modes).length > 0, 'must allow at least one mode');
export type AssistanceModes = z.infer<typeof AssistanceModes>;

/** A day of the week, as windows name it. @example Weekday.parse('mon') */
export const Weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
export type Weekday = z.infer<typeof Weekday>;

/** A wall-clock time `HH:MM` (24 h); `24:00` is the end of the day. @example ClockTime.parse('08:30') */
export const ClockTime = z
  .string()
  .regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'must be a time HH:MM between 00:00 and 24:00');

/**
 * One weekly window, in the wall-clock time of the policy's time zone. When `end` is not after
 * `start` the window runs past midnight into the next day.
 *
 * @example
 * const office: AccessWindow = { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '08:00', end: '18:00' };
 */
export const AccessWindow = z.strictObject({
  days: z
    .array(Weekday)
    .min(1, 'must name at least one day')
    .max(7)
    .refine((days) => new Set(days).size === days.length, 'must not repeat a day'),
  start: ClockTime,
  end: ClockTime,
});
export type AccessWindow = z.infer<typeof AccessWindow>;

/** An IANA time zone the runtime knows. @example TimeZone.parse('Europe/Paris') */
export const TimeZone = z
  .string()
  .min(1)
  .max(64)
  .refine(isKnownTimeZone, 'must be an IANA time zone such as Europe/Paris or UTC');

/**
 * Jump policy: when a device may be reached. Outside every window a new session is
 * refused; a running session is warned `warnBeforeSec` before its window closes and then ended
 * when `endAtClose` is true (else it may run on).
 *
 * @example
 * const rules: AccessWindows = { timeZone: 'Europe/Paris', windows: [office], warnBeforeSec: 300, endAtClose: true };
 */
export const AccessWindows = z.strictObject({
  timeZone: TimeZone,
  windows: z.array(AccessWindow).min(1, 'must hold at least one window').max(50),
  warnBeforeSec: z.int().min(0).max(3600).default(300),
  endAtClose: z.boolean().default(true),
});
export type AccessWindows = z.infer<typeof AccessWindows>;

/**
 * Session policies by user presence: the rights a session gets when a user is present at
 * the device and when nobody is. With `useScreenState`, a locked screen or a running
 * screensaver counts as absent. The policy in force is chosen when a session starts and kept
 * for the session; the rights are those of the mode narrowed by these.
 *
 * @example
 * const presence: PresencePolicies = { useScreenState: true, present: ['view', 'control'], absent: ['view', 'terminal', 'files'] };
 */
export const PresencePolicies = z.strictObject({
  useScreenState: z.boolean().default(false),
  present: SessionRights,
  absent: SessionRights,
});
export type PresencePolicies = z.infer<typeof PresencePolicies>;

/**
 * The assistance settings of a policy; absent keys leave the decision to other policies.
 *
 * @example
 * PolicyAssistance.parse({ modes: { dynamic: ['view'] } });
 */
export const PolicyAssistance = z
  .strictObject({
    modes: AssistanceModes,
    accessWindows: AccessWindows,
    presence: PresencePolicies,
  })
  .partial();
export type PolicyAssistance = z.infer<typeof PolicyAssistance>;

function isKnownTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    // RangeError is the runtime's way of saying the zone is unknown: a validation failure.
    return false;
  }
}

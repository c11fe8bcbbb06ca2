import {
  ALL_SESSION_RIGHTS,
  AppError,
  describeAccessWindows,
  type AssistanceMode,
  type AssistanceModes,
  type PresencePolicies,
  type SessionKind,
  type SessionRight,
  type UserPresenceReport,
} from '@tether/protocol';
import type { EffectivePolicy } from '../policies/effective-policy.js';
import { accessClosesAt, isWithinAccessWindows } from './access-window.js';

/** What applies without an assistance policy: every mode, every right. */
export const ALL_MODES_ALL_RIGHTS: AssistanceModes = Object.freeze({
  interactive: [...ALL_SESSION_RIGHTS],
  unattended: [...ALL_SESSION_RIGHTS],
  dynamic: [...ALL_SESSION_RIGHTS],
});

/** The right a session kind needs. */
const RIGHT_FOR_KIND: Record<SessionKind, SessionRight> = {
  terminal: 'terminal',
  desktop: 'view',
  files: 'files',
};

/** The outcome of admitting a session: what the offer to the agent carries. */
export interface Admission {
  /** Absent when no policy configures assistance modes and the request named none. */
  mode?: AssistanceMode;
  rights?: SessionRight[];
  /** Which presence policy chose the rights; absent when no presence policy applies. */
  presence?: 'present' | 'absent';
  /** The access window the session runs in; null when no window applies or it never closes. */
  accessWindow: AccessWindowClose | null;
}

/** When a running session's access window closes and what then happens. */
export interface AccessWindowClose {
  closesAt: Date;
  warnBeforeSec: number;
  endAtClose: boolean;
  /** The windows as a user reads them, for messages. */
  description: string;
}

/** What admission looks at. */
export interface AdmissionRequest {
  device: { name: string; group: string };
  kind: SessionKind;
  mode?: AssistanceMode | undefined;
  assistance: EffectivePolicy['assistance'];
  now: Date;
  /** As the device last reported it; unknown counts as absent. */
  userPresence?: UserPresenceReport | undefined;
}

/**
 * Decides whether a technician may open a session (M-3, M-4, A-15), before anything is sent to
 * the device. Throws the refusal: OUTSIDE_ACCESS_WINDOW with the window, FORBIDDEN for a mode
 * the group does not allow or a right the mode lacks, INVALID_INPUT when a mode must be chosen.
 *
 * @example
 * const { mode, rights } = admitSession({ device, kind: 'terminal', mode: 'interactive', assistance, now });
 */
export function admitSession(request: AdmissionRequest): Admission {
  const { device, kind, assistance } = request;
  const accessWindow = admitAccessWindow(request, `open a ${kind} session`);
  const configured = assistance.modes;
  const presence = assistance.presence;
  if (!configured && !request.mode && !presence) return { accessWindow };
  // Without modes configured and none asked for, only the presence policies narrow the rights.
  const modes = configured ?? ALL_MODES_ALL_RIGHTS;
  const mode = configured || request.mode ? (request.mode ?? onlyMode(modes, device)) : undefined;
  const modeRights = mode ? modes[mode] : ALL_SESSION_RIGHTS;
  if (!modeRights) throw modeNotAllowed(mode ?? 'interactive', modes, device);
  const needed = RIGHT_FOR_KIND[kind];
  if (mode && !modeRights.includes(needed)) {
    throw new AppError(
      'FORBIDDEN',
      `Cannot open a ${kind} session on "${device.name}": ${mode} assistance in group "${device.group}" does not include the "${needed}" right (it allows: ${modeRights.join(', ') || 'nothing'}). Ask an administrator to change the group's assistance policy.`,
    );
  }
  if (!presence) return { ...(mode ? { mode } : {}), rights: [...modeRights], accessWindow };
  const state = presenceState(request.userPresence, presence);
  const rights = modeRights.filter((right) => presence[state].includes(right));
  if (!rights.includes(needed)) {
    throw new AppError(
      'FORBIDDEN',
      `Cannot open a ${kind} session on "${device.name}": ${state === 'present' ? 'a user is at the device' : 'no user is at the device'}, and the session policy for that case in group "${device.group}" does not include the "${needed}" right (it allows: ${presence[state].join(', ') || 'nothing'}).`,
      { presence: state },
    );
  }
  return { ...(mode ? { mode } : {}), rights, presence: state, accessWindow };
}

/**
 * Checks the mode alone, for an unattended access made before any session (M-2, M-3, A-15):
 * the group must allow it and the device must be inside its access window.
 *
 * @example
 * admitMode({ device, mode: 'unattended', assistance, now });
 */
export function admitMode(
  request: Omit<AdmissionRequest, 'kind' | 'mode'> & { mode: AssistanceMode },
): void {
  const { device, mode } = request;
  admitAccessWindow(request, `start ${mode} assistance`);
  const modes = request.assistance.modes ?? ALL_MODES_ALL_RIGHTS;
  if (!modes[mode]) throw modeNotAllowed(mode, modes, device);
}

/** Present means logged in, and with `useScreenState` also an unlocked screen. */
function presenceState(
  report: UserPresenceReport | undefined,
  policies: PresencePolicies,
): 'present' | 'absent' {
  if (!report?.loggedIn) return 'absent';
  return policies.useScreenState && report.screenLocked ? 'absent' : 'present';
}

/** Refuses outside the access windows; returns when the current window closes. */
function admitAccessWindow(
  request: Pick<AdmissionRequest, 'device' | 'assistance' | 'now'>,
  action: string,
): AccessWindowClose | null {
  const { device, now } = request;
  const rules = request.assistance.accessWindows;
  if (!rules) return null;
  if (!isWithinAccessWindows(rules, now)) {
    throw new AppError(
      'OUTSIDE_ACCESS_WINDOW',
      `Cannot ${action} on "${device.name}": the device is outside its access window (${describeAccessWindows(rules)}). Try again within the window, or ask an administrator to change the jump policy of group "${device.group}".`,
    );
  }
  const closesAt = accessClosesAt(rules, now);
  return closesAt
    ? {
        closesAt,
        warnBeforeSec: rules.warnBeforeSec,
        endAtClose: rules.endAtClose,
        description: describeAccessWindows(rules),
      }
    : null;
}

function allowedModes(modes: AssistanceModes): AssistanceMode[] {
  return (['interactive', 'unattended', 'dynamic'] as const).filter((mode) => modes[mode]);
}

function onlyMode(modes: AssistanceModes, device: { name: string }): AssistanceMode {
  const allowed = allowedModes(modes);
  const [single] = allowed;
  if (single && allowed.length === 1) return single;
  throw new AppError(
    'INVALID_INPUT',
    `Choose how to reach "${device.name}": ${allowed.join(', ')} (set "mode" in the request).`,
  );
}

function modeNotAllowed(
  mode: AssistanceMode,
  modes: AssistanceModes,
  device: { name: string; group: string },
): AppError {
  const allowed = allowedModes(modes);
  if (allowed.length === 1 && allowed[0] === 'dynamic') {
    return new AppError(
      'FORBIDDEN',
      `Cannot start ${mode} assistance on "${device.name}": group "${device.group}" uses dynamic assistance. Start a dynamic session instead; the device chooses interactive or unattended by whether a user is logged in.`,
      { allowedModes: allowed },
    );
  }
  return new AppError(
    'FORBIDDEN',
    `Cannot start ${mode} assistance on "${device.name}": group "${device.group}" allows ${allowed.join(', ')} only.`,
    { allowedModes: allowed },
  );
}

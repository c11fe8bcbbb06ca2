import {
  ALL_SESSION_RIGHTS,
  AppError,
  describeAccessWindows,
  type AssistanceMode,
  type AssistanceModes,
  type SessionKind,
  type SessionRight,
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
  const { device, kind, assistance, now } = request;
  const rules = assistance.accessWindows;
  if (rules && !isWithinAccessWindows(rules, now)) {
    throw new AppError(
      'OUTSIDE_ACCESS_WINDOW',
      `Cannot open a ${kind} session on "${device.name}": the device is outside its access window (${describeAccessWindows(rules)}). Try again within the window, or ask an administrator to change the jump policy of group "${device.group}".`,
    );
  }
  const closesAt = rules && accessClosesAt(rules, now);
  const accessWindow: AccessWindowClose | null =
    rules && closesAt
      ? {
          closesAt,
          warnBeforeSec: rules.warnBeforeSec,
          endAtClose: rules.endAtClose,
          description: describeAccessWindows(rules),
        }
      : null;
  const configured = assistance.modes;
  if (!configured && !request.mode) return { accessWindow };
  const modes = configured ?? ALL_MODES_ALL_RIGHTS;
  const mode = request.mode ?? onlyMode(modes, device);
  const rights = modes[mode];
  if (!rights) throw modeNotAllowed(mode, modes, device);
  const needed = RIGHT_FOR_KIND[kind];
  if (!rights.includes(needed)) {
    throw new AppError(
      'FORBIDDEN',
      `Cannot open a ${kind} session on "${device.name}": ${mode} assistance in group "${device.group}" does not include the "${needed}" right (it allows: ${rights.join(', ') || 'nothing'}). Ask an administrator to change the group's assistance policy.`,
    );
  }
  return { mode, rights: [...rights], accessWindow };
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

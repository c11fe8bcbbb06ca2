import {
  AppError,
  wsCloseCode,
  type CreateSessionRequest,
  type AgentCapability,
  type AssistanceMode,
  type SessionKind,
  type UserPresenceReport,
} from '@tether/protocol';
import type { AgentLink } from '../devices/device-presence.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { DeviceRecord, UserRecord } from '../store/store.js';
import { watchAccessWindow, type AccessWindowWatch } from './access-window-watch.js';
import type { Admission } from './admit-session.js';
import { windowClosedReason, windowWarning, windowWarningFrame } from './window-notice.js';

/** Decides admission for a device (policies + clock bound in); throws the refusal. */
export type AdmitSession = (request: {
  device: DeviceRecord;
  kind: SessionKind;
  mode?: CreateSessionRequest['mode'];
  userPresence?: UserPresenceReport | undefined;
}) => Promise<Admission>;

/**
 * Runs the assistance checks for a session request, including whether the agent can serve the
 * mode; a refusal is audited (`session.refused`,
 * with the code and message) and then thrown to the caller.
 *
 * @example
 * const admission = await admitAndAudit({ admit, audit }, { user, device, request, sourceAddress });
 */
export async function admitAndAudit(
  deps: { admit: AdmitSession; audit: AuditLog },
  input: {
    user: UserRecord;
    device: DeviceRecord;
    request: CreateSessionRequest;
    sourceAddress: string;
    userPresence: UserPresenceReport | undefined;
    /** The device's agent, when connected: it must support the admitted mode (M-4). */
    link?: AgentLink | undefined;
    /** The unattended access the technician connects with, if any (M-2). */
    accessId?: string;
  },
): Promise<Admission> {
  const { user, device, request } = input;
  try {
    const admission = await deps.admit({
      device,
      kind: request.kind,
      ...(request.mode ? { mode: request.mode } : {}),
      userPresence: input.userPresence,
    });
    if (admission.mode && input.link) requireAgentCapability(input.link, device, admission.mode);
    if (admission.mode === 'unattended' && !input.accessId) {
      throw new AppError(
        'FORBIDDEN',
        `Unattended sessions on "${device.name}" need a one-time password: create an unattended access for the device, then connect with its session ID and password.`,
      );
    }
    return admission;
  } catch (error) {
    if (error instanceof AppError) {
      await deps.audit.record({
        action: 'session.refused',
        actor: user.username,
        target: device.id,
        sourceAddress: input.sourceAddress,
        details: {
          kind: request.kind,
          mode: request.mode ?? null,
          code: error.code,
          message: error.message,
        },
      });
    }
    throw error;
  }
}

/** The agent capability each mode needs (M-4). */
const CAPABILITY_FOR_MODE: Record<AssistanceMode, AgentCapability> = {
  interactive: 'consent',
  dynamic: 'consent',
  unattended: 'unattended',
};

/**
 * Refuses a mode the device's agent is too old for, before anything is sent to it (M-4).
 *
 * @example
 * requireAgentCapability(link, device, 'unattended');
 */
export function requireAgentCapability(
  link: AgentLink,
  device: DeviceRecord,
  mode: AssistanceMode,
  capability: AgentCapability = CAPABILITY_FOR_MODE[mode],
): void {
  if (link.capabilities.includes(capability)) return;
  throw new AppError(
    'UNSUPPORTED_VERSION',
    `The agent on "${device.name}" (version ${device.inventory.agentVersion}) is too old for ${mode} assistance. Update the agent on the device, or use another mode.`,
    { agentVersion: device.inventory.agentVersion },
  );
}

/**
 * Warns the technician before a running session's access window closes (a line in a terminal,
 * an audit event) and ends the session when it closes, if the policy says so.
 * Undefined when no window applies.
 *
 * @example
 * live.windowWatch = watchSessionWindow({ clock, audit, checkEveryMs: 1000 }, { … });
 */
export function watchSessionWindow(
  deps: { clock: Clock; audit: AuditLog; checkEveryMs: number },
  session: {
    id: string;
    deviceId: string;
    kind: SessionKind;
    admission: Admission;
    sendToConsole: (frame: Uint8Array) => void;
    end: (reason: string, code: number) => void;
  },
): AccessWindowWatch | undefined {
  const window = session.admission.accessWindow;
  if (!window) return undefined;
  return watchAccessWindow(window, {
    clock: deps.clock,
    checkEveryMs: deps.checkEveryMs,
    onWarn: (secondsLeft) => {
      const text = windowWarning(window, secondsLeft);
      const frame = windowWarningFrame(session.kind, text);
      if (frame) session.sendToConsole(frame);
      deps.audit
        .record({
          action: 'session.window_closing',
          actor: 'system',
          target: session.deviceId,
          details: { sessionId: session.id, message: text },
        })
        .catch(() => undefined); // the warning was shown; a lost audit row must not crash
    },
    onClose: () => session.end(windowClosedReason(window), wsCloseCode.OUTSIDE_ACCESS_WINDOW),
  });
}

import {
  AppError,
  wsCloseCode,
  type CreateSessionRequest,
  type SessionKind,
} from '@tether/protocol';
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
}) => Promise<Admission>;

/**
 * Runs the assistance checks for a session request; a refusal is audited (`session.refused`,
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
  },
): Promise<Admission> {
  const { user, device, request } = input;
  try {
    return await deps.admit({
      device,
      kind: request.kind,
      ...(request.mode ? { mode: request.mode } : {}),
    });
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
      void deps.audit.record({
        action: 'session.window_closing',
        actor: 'system',
        target: session.deviceId,
        details: { sessionId: session.id, message: text },
      });
    },
    onClose: () => session.end(windowClosedReason(window), wsCloseCode.OUTSIDE_ACCESS_WINDOW),
  });
}

import { AuditAction } from '@tether/protocol';

/** Area of an action (`session.started` → `session`) in words. */
const AREAS: Record<string, string> = {
  auth: 'Sign-in',
  user: 'User',
  settings: 'Settings',
  installer: 'Installer',
  device: 'Device',
  session: 'Session',
  unattended: 'Unattended access',
  adhoc: 'Ad-hoc session',
  relay: 'Relay',
  admin: 'Admin listener',
  refusals: 'Refusals',
  audit: 'Audit log',
  upload: 'Recording upload',
  recording: 'Recording',
  storage: 'Storage',
  policy: 'Policy',
  oem: 'OEM',
  file: 'File transfer',
  server: 'Server',
  notification: 'Notification',
};

/** Words where the action's own are not clear enough. */
const LABELS: Partial<Record<AuditAction, string>> = {
  'auth.login': 'Signed in',
  'auth.login_failed': 'Sign-in failed',
  'auth.logout': 'Signed out',
  'auth.unlocked': 'Sign-in unlocked',
  'refusals.summary': 'More refusals',
  'audit.pruned': 'Old entries deleted',
  'recording.local_removed': 'Local copy removed',
  'server.task_failed': 'Background task failed',
};

const sentence = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * An action in words, for people: `session.window_closing` → "Window closing". New actions get
 * words from their name, so a label is never missing.
 *
 * @example actionLabel('auth.login') // 'Signed in'
 */
export function actionLabel(action: AuditAction): string {
  const verb = action.slice(action.indexOf('.') + 1).replace(/_/g, ' ');
  return LABELS[action] ?? sentence(verb);
}

/** The area of an action in words (`session.started` → "Session"). */
export function actionArea(action: AuditAction): string {
  const area = action.slice(0, action.indexOf('.'));
  return AREAS[area] ?? sentence(area);
}

/** Every known action grouped by area, in the order the protocol lists them. */
export function actionGroups(): { area: string; actions: AuditAction[] }[] {
  const groups = new Map<string, AuditAction[]>();
  for (const action of AuditAction.options) {
    const area = actionArea(action);
    groups.set(area, [...(groups.get(area) ?? []), action]);
  }
  return [...groups].map(([area, actions]) => ({ area, actions }));
}

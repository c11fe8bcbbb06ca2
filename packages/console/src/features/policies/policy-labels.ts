import {
  describeAccessWindows,
  describeAssistanceModes,
  type Policy,
  type PolicyAssignment,
  type PolicyKey,
  type PolicySettingsView,
  type RecordingMode,
  type SessionKind,
} from '@tether/protocol';
import { visibleText } from '../../format/visible-text.js';

/** Session kinds in the order the editor shows them. */
export const SESSION_KINDS: readonly SessionKind[] = ['terminal', 'desktop', 'files'];

/** How the console names each session kind. */
export const kindLabels: Record<SessionKind, string> = {
  terminal: 'Terminal',
  desktop: 'Desktop',
  files: 'File transfer',
};

/** How the console names each recording mode. */
export const modeLabels: Record<RecordingMode, string> = {
  required: 'Recorded',
  off: 'Not recorded',
};

/** How the console names each policy key. */
export const keyLabels: Record<PolicyKey, string> = {
  'recording.terminal': 'Terminal recording',
  'recording.desktop': 'Desktop recording',
  'recording.files': 'File transfer recording',
  customStorage: 'Upload recordings to',
  'assistance.modes': 'Assistance modes and rights',
  'assistance.accessWindows': 'Access windows',
  'assistance.presence': 'Session policies by user presence',
  'sessions.concurrent': 'Concurrent sessions',
};

/**
 * One line per setting a policy holds, e.g. `Terminal: Not recorded`.
 *
 * @example
 * settingLines(policy.settings) // ['Terminal: Not recorded', 'Upload to sftp://rec@files/in']
 */
export function settingLines(settings: PolicySettingsView): string[] {
  const lines = SESSION_KINDS.flatMap((kind) => {
    const mode = settings.recording?.[kind];
    return mode ? [`${kindLabels[kind]}: ${modeLabels[mode]}`] : [];
  });
  if (settings.customStorage) lines.push(`Upload to ${settings.customStorage.url}`);
  const assistance = settings.assistance;
  if (assistance?.modes) lines.push(`Modes: ${describeAssistanceModes(assistance.modes)}`);
  if (assistance?.accessWindows)
    lines.push(`Access: ${describeAccessWindows(assistance.accessWindows)}`);
  return lines;
}

/**
 * An assignment in words: `Group "Servers"` or `Device "web-01"`.
 *
 * @example
 * assignmentLabel({ type: 'group', group: 'Servers' }) // 'Group "Servers"'
 */
export function assignmentLabel(assignment: PolicyAssignment): string {
  if (assignment.type === 'group') return `Group "${visibleText(assignment.group)}"`;
  return assignment.deviceName === null
    ? `Device ${assignment.deviceId} (removed)`
    : `Device "${visibleText(assignment.deviceName)}"`;
}

/** Where a policy applies, in one line. */
export function assignmentsSummary(policy: Policy): string {
  return policy.assignments.length === 0
    ? 'Not assigned'
    : policy.assignments.map(assignmentLabel).join(', ');
}

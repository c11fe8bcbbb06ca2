import {
  describeAccessWindows,
  type AccessWindows,
  type AssistanceModes,
  type CustomStorage,
  type PolicyKey,
  type PolicySettings,
  type PresencePolicies,
  type RecordingMode,
} from '@tether/protocol';

/** The value type of each policy key. */
export interface PolicyKeyValues {
  'recording.terminal': RecordingMode;
  'recording.desktop': RecordingMode;
  'recording.files': RecordingMode;
  customStorage: CustomStorage;
  'assistance.modes': AssistanceModes;
  'assistance.accessWindows': AccessWindows;
  'assistance.presence': PresencePolicies;
  'sessions.concurrent': boolean;
}

/** How to read each key from a policy's settings; undefined means the policy leaves it unset. */
export const readPolicyKey: {
  [K in PolicyKey]: (settings: PolicySettings) => PolicyKeyValues[K] | undefined;
} = {
  'recording.terminal': (settings) => settings.recording?.terminal,
  'recording.desktop': (settings) => settings.recording?.desktop,
  'recording.files': (settings) => settings.recording?.files,
  customStorage: (settings) => settings.customStorage,
  'assistance.modes': (settings) => settings.assistance?.modes,
  'assistance.accessWindows': (settings) => settings.assistance?.accessWindows,
  'assistance.presence': (settings) => settings.assistance?.presence,
  'sessions.concurrent': (settings) => settings.sessions?.concurrent,
};

/**
 * A comparable text for a key's value: two policies agree on a key exactly when these are equal.
 * Custom storage compares URL, authentication and the sealed credential text, so the same
 * password sealed twice (CMS uses a fresh key each time) counts as different.
 */
export function canonicalValue(key: PolicyKey, settings: PolicySettings): string | undefined {
  if (key === 'customStorage') {
    const storage = settings.customStorage;
    return storage && JSON.stringify([storage.url, storage.authentication, storage.credential]);
  }
  if (isAssistanceKey(key)) {
    const value = readPolicyKey[key](settings);
    return value && JSON.stringify(value);
  }
  if (key === 'sessions.concurrent') {
    const concurrent = readPolicyKey[key](settings);
    return concurrent === undefined ? undefined : String(concurrent);
  }
  return readPolicyKey[key](settings);
}

/**
 * How a key's value may appear in a message. Custom storage shows its URL only: the credential
 * never goes into a message.
 */
export function displayValue(key: PolicyKey, settings: PolicySettings): string {
  if (key === 'customStorage') return settings.customStorage?.url ?? 'unset';
  if (key === 'assistance.modes') {
    const modes = settings.assistance?.modes;
    return modes ? Object.keys(modes).join(', ') : 'unset';
  }
  if (key === 'assistance.accessWindows') {
    const rules = settings.assistance?.accessWindows;
    return rules ? describeAccessWindows(rules) : 'unset';
  }
  if (key === 'assistance.presence') {
    const presence = settings.assistance?.presence;
    return presence
      ? `present: ${presence.present.join(', ') || 'nothing'}; absent: ${presence.absent.join(', ') || 'nothing'}`
      : 'unset';
  }
  if (key === 'sessions.concurrent') {
    const concurrent = settings.sessions?.concurrent;
    if (concurrent === undefined) return 'unset';
    return concurrent ? 'concurrent sessions allowed' : 'one technician at a time';
  }
  return readPolicyKey[key](settings) ?? 'unset';
}

/** The keys under `assistance`: combined whole, as one value each. */
export type AssistanceKey = 'assistance.modes' | 'assistance.accessWindows' | 'assistance.presence';

/** Whether a key is one of the assistance keys. @example isAssistanceKey('assistance.modes') // true */
export function isAssistanceKey(key: PolicyKey): key is AssistanceKey {
  return key.startsWith('assistance.');
}

import { createHash } from 'node:crypto';
import type {
  CustomStorage,
  CustomStorageView,
  Policy,
  PolicyAssignment,
  PolicySettings,
  PolicySettingsView,
} from '@tether/protocol';
import type { PolicyWithAssignments } from '../store/policy-repository.js';

/**
 * Custom storage as the API shows it: the sealed credential is replaced by its SHA-256, so the
 * CMS text stays in the database and the upload code.
 *
 * @example
 * toCustomStorageView(storage).credential // { sealed: true, sha256: '3f…' }
 */
export function toCustomStorageView(storage: CustomStorage): CustomStorageView {
  return {
    url: storage.url,
    authentication: storage.authentication,
    ...(storage.hostKey ? { hostKey: storage.hostKey } : {}),
    credential: {
      sealed: true,
      sha256: createHash('sha256').update(storage.credential, 'utf8').digest('hex'),
    },
  };
}

/** A policy's settings without the credential (for API replies and audit details). */
export function toSettingsView(settings: PolicySettings): PolicySettingsView {
  return {
    ...(settings.recording ? { recording: { ...settings.recording } } : {}),
    ...(settings.customStorage
      ? { customStorage: toCustomStorageView(settings.customStorage) }
      : {}),
    ...(settings.assistance ? { assistance: settings.assistance } : {}),
    ...(settings.sessions ? { sessions: { ...settings.sessions } } : {}),
  };
}

/**
 * A stored policy as the API shows it. `deviceNames` names assigned devices; a device that is
 * gone shows with a null name.
 */
export function toPolicyView(
  policy: PolicyWithAssignments,
  deviceNames: ReadonlyMap<string, string>,
): Policy {
  return {
    id: policy.id,
    name: policy.name,
    description: policy.description,
    settings: toSettingsView(policy.settings),
    assignments: policy.assignments.map((target): PolicyAssignment =>
      target.type === 'group'
        ? target
        : { ...target, deviceName: deviceNames.get(target.deviceId) ?? null },
    ),
    createdAt: policy.createdAt.toISOString(),
    updatedAt: policy.updatedAt.toISOString(),
  };
}

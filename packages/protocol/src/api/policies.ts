import { z } from 'zod';
import { DeviceId, Timestamp } from '../ids.js';
import { PolicyAssistance } from './assistance.js';

/** Whether sessions of a kind are recorded. `required`: recorded, and ended if recording fails. */
export const RecordingMode = z.enum(['required', 'off']);
export type RecordingMode = z.infer<typeof RecordingMode>;

/**
 * "Upload session recordings to custom storage": an SFTP target and its credential,
 * sealed as a CMS (PKCS#7 EnvelopedData) message to the uploading machine's certificate.
 *
 * @example
 * const storage: CustomStorage = { url: 'sftp://rec@files.example:22/tether', authentication: 'password', credential: cmsPem };
 */
export const CustomStorage = z.object({
  /** `sftp://user@host:port/path` (port optional, default 22). */
  url: z
    .string()
    .max(2048)
    .regex(/^sftp:\/\/[^@/\s]+@[^/\s]+(\/\S*)?$/, 'must look like sftp://user@host:port/path'),
  authentication: z.enum(['password', 'publicKey']),
  /**
   * The SFTP server's host key fingerprint as `ssh-keygen -lf` prints it (`SHA256:…`). Required
   * to upload: the credential is never sent to a server that does not present this key. The
   * storage test reports the fingerprint a server presents, to pin it.
   */
  hostKey: z
    .string()
    .regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'must be an SSH host key fingerprint like SHA256:…')
    .optional(),
  /** The password or private key, as the PEM or Base64 CMS message (Protect-CmsMessage, openssl cms -encrypt). */
  credential: z
    .string()
    .min(1)
    .max(256 * 1024),
});
export type CustomStorage = z.infer<typeof CustomStorage>;

/** Which sessions are recorded, per kind; an absent kind is left to other policies or defaults. */
const RecordingSettings = z
  .object({ terminal: RecordingMode, desktop: RecordingMode, files: RecordingMode })
  .partial();

/**
 * Who may be in session with a device at once. `concurrent: false` (the default): one
 * technician at a time; others are refused with who is in session, and join by invitation.
 */
export const SessionSharing = z.strictObject({ concurrent: z.boolean() }).partial();
export type SessionSharing = z.infer<typeof SessionSharing>;

/** The settings a policy may hold; absent keys leave the decision to other policies or defaults. */
export const PolicySettings = z.object({
  recording: RecordingSettings.optional(),
  customStorage: CustomStorage.optional(),
  /** Assistance modes, rights and access windows (M-1…M-4, A-15). */
  assistance: PolicyAssistance.optional(),
  sessions: SessionSharing.optional(),
});
export type PolicySettings = z.infer<typeof PolicySettings>;

/**
 * Settings as an administrator sends them when creating a policy. Unknown keys are refused, so
 * a misspelt setting is an error instead of a policy that silently does nothing.
 *
 * @example
 * PolicySettingsInput.parse({ recording: { terminal: 'off' } });
 */
export const PolicySettingsInput = z.strictObject({
  recording: z.strictObject(RecordingSettings.shape).optional(),
  customStorage: z.strictObject(CustomStorage.shape).optional(),
  assistance: PolicyAssistance.optional(),
  sessions: SessionSharing.optional(),
});
export type PolicySettingsInput = z.infer<typeof PolicySettingsInput>;

/**
 * Settings when updating a policy: like {@link PolicySettingsInput}, but the custom storage
 * credential may be omitted to keep the one already stored.
 *
 * @example
 * PolicySettingsUpdate.parse({ customStorage: { url: 'sftp://rec@files:22/in', authentication: 'password' } });
 */
export const PolicySettingsUpdate = z.strictObject({
  recording: z.strictObject(RecordingSettings.shape).optional(),
  customStorage: z
    .strictObject({ ...CustomStorage.shape, credential: CustomStorage.shape.credential.optional() })
    .optional(),
  assistance: PolicyAssistance.optional(),
  sessions: SessionSharing.optional(),
});
export type PolicySettingsUpdate = z.infer<typeof PolicySettingsUpdate>;

/**
 * How the API shows a stored credential: never the CMS text, only that one is stored and its
 * SHA-256 (hex), so an administrator can tell whether it changed.
 *
 * @example
 * const changed = before.credential.sha256 !== after.credential.sha256;
 */
export const SealedCredentialView = z.object({
  sealed: z.literal(true),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type SealedCredentialView = z.infer<typeof SealedCredentialView>;

/**
 * Custom storage as the API shows it (the credential is replaced by {@link SealedCredentialView}).
 *
 * @example
 * `${view.url} (${view.authentication})`
 */
export const CustomStorageView = z.object({
  url: CustomStorage.shape.url,
  authentication: CustomStorage.shape.authentication,
  hostKey: CustomStorage.shape.hostKey,
  credential: SealedCredentialView,
});
export type CustomStorageView = z.infer<typeof CustomStorageView>;

/**
 * A policy's settings as the API shows them.
 *
 * @example
 * const uploads = view.customStorage?.url ?? 'nowhere';
 */
export const PolicySettingsView = z.object({
  recording: RecordingSettings.optional(),
  customStorage: CustomStorageView.optional(),
  assistance: PolicyAssistance.optional(),
  sessions: SessionSharing.optional(),
});
export type PolicySettingsView = z.infer<typeof PolicySettingsView>;

/** A policy's ID (UUID). @example PolicyId.parse(crypto.randomUUID()) */
export const PolicyId = z.uuid();
export type PolicyId = z.infer<typeof PolicyId>;

/** A policy's name: unique, case-insensitively. @example PolicyName.parse('Servers') */
export const PolicyName = z.string().trim().min(1, 'must not be empty').max(128);

/** A device group's name, as devices and installers carry it. @example GroupName.parse('Servers') */
export const GroupName = z.string().trim().min(1, 'must not be empty').max(128);

/**
 * Where a policy applies: every device of a group, or one device.
 *
 * @example
 * const targets: PolicyTarget[] = [{ type: 'group', group: 'Servers' }, { type: 'device', deviceId }];
 */
export const PolicyTarget = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('group'), group: GroupName }),
  z.strictObject({ type: z.literal('device'), deviceId: DeviceId }),
]);
export type PolicyTarget = z.infer<typeof PolicyTarget>;

/**
 * An assignment as the API shows it; a device's name is null when the device no longer exists.
 *
 * @example
 * const label = a.type === 'group' ? a.group : (a.deviceName ?? a.deviceId);
 */
export const PolicyAssignment = z.discriminatedUnion('type', [
  z.object({ type: z.literal('group'), group: z.string() }),
  z.object({ type: z.literal('device'), deviceId: DeviceId, deviceName: z.string().nullable() }),
]);
export type PolicyAssignment = z.infer<typeof PolicyAssignment>;

/**
 * A policy: a named set of settings and where it applies.
 *
 * @example
 * const recordsTerminals = policy.settings.recording?.terminal !== 'off';
 */
export const Policy = z.object({
  id: PolicyId,
  name: z.string(),
  description: z.string(),
  settings: PolicySettingsView,
  assignments: z.array(PolicyAssignment),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Policy = z.infer<typeof Policy>;

/**
 * `POST /api/v1/policies` (administrators).
 *
 * @example
 * await api.createPolicy({ name: 'No terminal recording', settings: { recording: { terminal: 'off' } } });
 */
export const CreatePolicyRequest = z.strictObject({
  name: PolicyName,
  description: z.string().trim().max(2000).optional(),
  settings: PolicySettingsInput.optional(),
});
export type CreatePolicyRequest = z.infer<typeof CreatePolicyRequest>;

/**
 * `PUT /api/v1/policies/:id`: replaces name, description and settings. Omit
 * `settings.customStorage.credential` to keep the stored one; omit `customStorage` to remove it.
 *
 * @example
 * await api.updatePolicy(id, { name: 'Servers', settings: { recording: { terminal: 'required' } } });
 */
export const UpdatePolicyRequest = z.strictObject({
  name: PolicyName,
  description: z.string().trim().max(2000).optional(),
  settings: PolicySettingsUpdate.optional(),
});
export type UpdatePolicyRequest = z.infer<typeof UpdatePolicyRequest>;

/**
 * `PUT /api/v1/policies/:id/assignments`: the complete list of groups and devices the policy
 * applies to. Refused with `CONFLICT` when it would make two policies on one level disagree.
 *
 * @example
 * await api.setPolicyAssignments(id, { assignments: [{ type: 'group', group: 'Servers' }] });
 */
export const SetPolicyAssignmentsRequest = z.strictObject({
  assignments: z.array(PolicyTarget).max(1000),
});
export type SetPolicyAssignmentsRequest = z.infer<typeof SetPolicyAssignmentsRequest>;

/** `GET /api/v1/policies`, ordered by name. @example const { policies } = PolicyList.parse(body); */
export const PolicyList = z.object({ policies: z.array(Policy) });
export type PolicyList = z.infer<typeof PolicyList>;

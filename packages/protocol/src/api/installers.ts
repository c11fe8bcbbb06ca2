import { z } from 'zod';
import { InstallerId, Timestamp } from '../ids.js';
import { EnrollRequest } from './enrollment.js';

/** Installer validity bounds: from 10 minutes to 1 year. */
export const INSTALLER_VALIDITY = { minSec: 600, maxSec: 365 * 24 * 3600 } as const;

/** `--jc-ephemeral` means a maximum offline time of 5 minutes. */
export const EPHEMERAL_MAX_OFFLINE_MINUTES = 5;

/**
 * What an installer gives the devices it installs. Every attribute may be marked
 * overridable at install time; `null` leaves the default (the device's hostname as its
 * name, no tag, no extra policy, the server's public address, no offline limit).
 *
 * @example
 * const attributes: InstallerAttributes = { ...DEFAULT_INSTALLER_ATTRIBUTES, group: 'Servers', tag: 'web' };
 */
export const InstallerAttributes = z.strictObject({
  /** The device group the devices join (shared group name). */
  group: z.string().trim().min(1).max(128),
  /** The device's display name; null: its hostname. */
  name: z.string().trim().min(1).max(128).nullable(),
  comments: z.string().max(1024),
  tag: z.string().trim().min(1).max(64).nullable(),
  /** Names of policies assigned to each device installed (A-15 access windows, presence rules…). */
  jumpPolicy: z.string().trim().min(1).max(128).nullable(),
  sessionPolicyPresent: z.string().trim().min(1).max(128).nullable(),
  sessionPolicyNotPresent: z.string().trim().min(1).max(128).nullable(),
  /** The https address agents connect to; null: the server's public URL. */
  publicSiteAddress: z.url({ protocol: /^https$/ }).nullable(),
  /** Active agents keep a connection; passive ones wait for a wake-up. */
  connectionType: z.enum(['active', 'passive']),
  /** Minutes offline after which the agent uninstalls itself; null: the global setting. */
  maxOfflineMinutes: z
    .int()
    .min(EPHEMERAL_MAX_OFFLINE_MINUTES)
    .max(365 * 24 * 60)
    .nullable(),
  /** `service`: a system service under its own account; `user`: in one user's session. */
  mode: z.enum(['service', 'user']),
  /** Start the agent's window minimised (desktop platforms; Linux agents have no window). */
  minimizeOnStart: z.boolean(),
});
export type InstallerAttributes = z.infer<typeof InstallerAttributes>;

/** An attribute's name, as the overridable list carries it. */
export const InstallerAttributeName = z.enum(
  Object.keys(InstallerAttributes.shape) as [
    keyof InstallerAttributes,
    ...(keyof InstallerAttributes)[],
  ],
);
export type InstallerAttributeName = z.infer<typeof InstallerAttributeName>;

export const DEFAULT_INSTALLER_ATTRIBUTES: Omit<InstallerAttributes, 'group'> = {
  name: null,
  comments: '',
  tag: null,
  jumpPolicy: null,
  sessionPolicyPresent: null,
  sessionPolicyNotPresent: null,
  publicSiteAddress: null,
  connectionType: 'active',
  maxOfflineMinutes: null,
  mode: 'service',
  minimizeOnStart: false,
};

/**
 * The install-time options of A-3 and the attribute each one overrides. The package-manager
 * form is the option without its dashes, upper case, dashes as underscores
 * (`--jc-tag web` = `JC_TAG=web`). `--jc-ephemeral` takes no value: max offline 5 minutes.
 * `--jc-jump-group` takes `jumpgroup:NAME` (a shared group) or `user:NAME` (a personal one).
 */
export const INSTALL_OVERRIDE_OPTIONS = {
  'jc-name': 'name',
  'jc-jump-group': 'group',
  'jc-public-site-address': 'publicSiteAddress',
  'jc-session-policy-present': 'sessionPolicyPresent',
  'jc-session-policy-not-present': 'sessionPolicyNotPresent',
  'jc-jump-policy': 'jumpPolicy',
  'jc-max-offline-minutes': 'maxOfflineMinutes',
  'jc-ephemeral': 'maxOfflineMinutes',
  'jc-tag': 'tag',
  'jc-comments': 'comments',
  'jc-connection-type': 'connectionType',
  'jc-mode': 'mode',
  'jc-minimize-on-start': 'minimizeOnStart',
} as const satisfies Record<string, InstallerAttributeName>;
export type InstallOverrideOption = keyof typeof INSTALL_OVERRIDE_OPTIONS;

/**
 * Attributes given at install time. The agent refuses to install when one is not overridable;
 * the server checks again at enrolment, so a modified agent cannot bypass it.
 *
 * @example
 * const overrides: InstallOverrides = { tag: 'web', maxOfflineMinutes: 5 };
 */
export const InstallOverrides = InstallerAttributes.partial();
export type InstallOverrides = z.infer<typeof InstallOverrides>;

/**
 * `POST /api/v1/installers`: an installer for a device group, with its attributes and which of
 * them may be overridden at install time.
 *
 * @example
 * await api.createInstaller({ group: 'Servers', validForSec: 3600, tag: 'web', overridable: ['tag'] });
 */
export const CreateInstallerRequest = InstallerAttributes.partial()
  .extend({
    group: InstallerAttributes.shape.group,
    validForSec: z.int().min(INSTALLER_VALIDITY.minSec).max(INSTALLER_VALIDITY.maxSec),
    maxInstalls: z.int().positive().max(1_000_000).nullable().optional(),
    /** A note for administrators; older name of `comments`. */
    comment: z.string().max(1024).optional(),
    overridable: z.array(InstallerAttributeName).max(32).optional(),
  })
  .strict();
export type CreateInstallerRequest = z.infer<typeof CreateInstallerRequest>;

/** `POST /api/v1/installers/:id/extend`: a new expiry, 10 minutes to 1 year from now. */
export const ExtendInstallerRequest = z.strictObject({
  validForSec: z.int().min(INSTALLER_VALIDITY.minSec).max(INSTALLER_VALIDITY.maxSec),
});
export type ExtendInstallerRequest = z.infer<typeof ExtendInstallerRequest>;

/**
 * An installer in the list (the token itself is shown at creation and when extended).
 * `active`: neither revoked nor expired nor used up; the list shows active ones first.
 */
export const Installer = z.object({
  id: InstallerId,
  group: z.string(),
  comment: z.string(),
  createdAt: Timestamp,
  expiresAt: Timestamp,
  maxInstalls: z.int().nullable(),
  installs: z.int(),
  revoked: z.boolean(),
  active: z.boolean().optional(),
  attributes: InstallerAttributes.optional(),
  overridable: z.array(InstallerAttributeName).optional(),
});
export type Installer = z.infer<typeof Installer>;

/** Reply to creation: the token and a ready-to-paste enrolment command. */
export const CreateInstallerResponse = z.object({
  installer: Installer,
  token: z.string(),
  enrollCommand: z.string(),
});
export type CreateInstallerResponse = z.infer<typeof CreateInstallerResponse>;

/**
 * Reply to an extension: the installer and its token for the new expiry (the token carries its
 * expiry, so the one shown at creation stops working at the old one).
 *
 * @example
 * const { installer, token } = await api.extendInstaller(id, { validForSec: 86400 });
 */
export const ExtendInstallerResponse = z.object({ installer: Installer, token: z.string() });
export type ExtendInstallerResponse = z.infer<typeof ExtendInstallerResponse>;

/** `GET /api/v1/installers` */
export const InstallerList = z.object({ installers: z.array(Installer) });
export type InstallerList = z.infer<typeof InstallerList>;

/**
 * `POST /api/v1/agent/enroll` as an installed package sends it: the enrolment request with the
 * install-time overrides. The server refuses any attribute its installer does not allow.
 *
 * @example
 * await post('/api/v1/agent/enroll', { token, publicKey, inventory, overrides: { tag: 'web' } });
 */
export const EnrollWithOverridesRequest = EnrollRequest.extend({
  overrides: InstallOverrides.optional(),
});
export type EnrollWithOverridesRequest = z.infer<typeof EnrollWithOverridesRequest>;

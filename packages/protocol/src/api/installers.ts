import { z } from 'zod';
import { InstallerId, Timestamp } from '../ids.js';

/** Installer validity bounds: from 10 minutes to 1 year. */
export const INSTALLER_VALIDITY = { minSec: 600, maxSec: 365 * 24 * 3600 } as const;

/**
 * `POST /api/v1/installers`: an enrolment token for a device group.
 *
 * @example
 * await api.createInstaller({ group: 'Servers', validForSec: 3600 });
 */
export const CreateInstallerRequest = z.object({
  group: z.string().trim().min(1).max(128),
  validForSec: z.int().min(INSTALLER_VALIDITY.minSec).max(INSTALLER_VALIDITY.maxSec),
  maxInstalls: z.int().positive().max(1_000_000).nullable().optional(),
  comment: z.string().max(1024).optional(),
});
export type CreateInstallerRequest = z.infer<typeof CreateInstallerRequest>;

/** An installer in the list (the token itself is shown only once, at creation). */
export const Installer = z.object({
  id: InstallerId,
  group: z.string(),
  comment: z.string(),
  createdAt: Timestamp,
  expiresAt: Timestamp,
  maxInstalls: z.int().nullable(),
  installs: z.int(),
  revoked: z.boolean(),
});
export type Installer = z.infer<typeof Installer>;

/** Reply to creation: the token and a ready-to-paste enrolment command. */
export const CreateInstallerResponse = z.object({
  installer: Installer,
  token: z.string(),
  enrollCommand: z.string(),
});
export type CreateInstallerResponse = z.infer<typeof CreateInstallerResponse>;

/** `GET /api/v1/installers` */
export const InstallerList = z.object({ installers: z.array(Installer) });
export type InstallerList = z.infer<typeof InstallerList>;

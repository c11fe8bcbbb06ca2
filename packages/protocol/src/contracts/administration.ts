import { z } from 'zod';
import { EnrollResponse } from '../api/enrollment.js';
import {
  CreateInstallerRequest,
  CreateInstallerResponse,
  EnrollWithOverridesRequest,
  ExtendInstallerRequest,
  ExtendInstallerResponse,
  InstallerList,
} from '../api/installers.js';
import { StatisticsSettings, StatisticsSettingsView } from '../api/statistics.js';
import { InstallerId } from '../ids.js';
import { endpoint } from './endpoint.js';

/** Installers: signed enrolment tokens for a device group. */
export const installerEndpoints = {
  create: endpoint({
    id: 'installers.create',
    method: 'POST',
    path: '/api/v1/installers',
    summary: 'Create an installer',
    description:
      'A signed enrolment token for an existing device group with the attributes its devices get (A-1) and which of them may be overridden at install time (A-3). `INVALID_INPUT` names a group or policy that does not exist; `CONFLICT` when its policies disagree on a setting. Valid for 10 minutes to 1 year. The token is in this answer (and in the answer of an extension) only.',
    access: { kind: 'user', permission: 'installers.manage' },
    subject: 'installer',
    body: CreateInstallerRequest,
    success: { status: 201, body: CreateInstallerResponse },
    errors: ['INVALID_INPUT', 'CONFLICT'],
  }),
  list: endpoint({
    id: 'installers.list',
    method: 'GET',
    path: '/api/v1/installers',
    summary: 'List installers',
    description:
      'Active installers first (not revoked, not expired, installs left), newest first; each with its attributes and how many devices it installed.',
    access: { kind: 'user', permission: 'installers.view' },
    success: { status: 200, body: InstallerList },
    errors: [],
  }),
  extend: endpoint({
    id: 'installers.extend',
    method: 'POST',
    path: '/api/v1/installers/:id/extend',
    summary: 'Extend an installer',
    description:
      'Sets a new expiry, 10 minutes to 1 year from now (A-2), also for an expired installer. Answers the token for the new expiry; packages downloaded from now on carry it. `NOT_FOUND` for a revoked installer.',
    access: { kind: 'user', permission: 'installers.manage' },
    subject: 'installer extension',
    params: z.object({ id: InstallerId }),
    body: ExtendInstallerRequest,
    success: { status: 200, body: ExtendInstallerResponse },
    errors: ['NOT_FOUND', 'INVALID_INPUT'],
  }),
  revoke: endpoint({
    id: 'installers.revoke',
    method: 'DELETE',
    path: '/api/v1/installers/:id',
    summary: 'Revoke an installer',
    description: 'Enrolling with its token fails from now on; devices already enrolled stay.',
    access: { kind: 'user', permission: 'installers.manage' },
    subject: 'installer',
    params: z.object({ id: InstallerId }),
    success: { status: 204, body: undefined },
    errors: ['NOT_FOUND', 'INVALID_INPUT'],
  }),
};

/** The enrolment call an agent makes with an installer's token (no user session). */
export const agentEndpoints = {
  enroll: endpoint({
    id: 'agent.enroll',
    method: 'POST',
    path: '/api/v1/agent/enroll',
    summary: 'Enrol a device',
    description:
      "Called by `tether agent enroll` and by installed packages with an installer's token, the device's public key and the install-time overrides (A-3). `FORBIDDEN` when an override names an attribute the installer does not allow to override (nothing is written; the refusal is audited); `INVALID_INPUT` or `CONFLICT` when the group or policies it names no longer exist or now disagree.",
    access: { kind: 'public' },
    subject: 'enrolment request',
    body: EnrollWithOverridesRequest,
    success: { status: 200, body: EnrollResponse },
    errors: [
      'INVALID_INPUT',
      'FORBIDDEN',
      'CONFLICT',
      'TOKEN_EXPIRED',
      'TOKEN_INVALID',
      'TOKEN_REVOKED',
    ],
  }),
};

/** Settings of the whole server that administrators change in the console. */
export const settingsEndpoints = {
  getStatistics: endpoint({
    id: 'settings.getStatistics',
    method: 'GET',
    path: '/api/v1/settings/statistics',
    summary: 'Read the statistics settings, and the interval in force on this server (A-5)',
    access: { kind: 'user', permission: 'console.use' },
    success: { status: 200, body: StatisticsSettingsView },
    errors: [],
  }),
  setStatistics: endpoint({
    id: 'settings.setStatistics',
    method: 'PUT',
    path: '/api/v1/settings/statistics',
    summary: 'Choose the statistics agents report, and how often (A-5)',
    access: { kind: 'user', permission: 'settings.manage' },
    subject: 'statistics settings',
    body: StatisticsSettings,
    success: { status: 200, body: StatisticsSettingsView },
    errors: ['INVALID_INPUT'],
  }),
};

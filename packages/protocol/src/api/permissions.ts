import { z } from 'zod';

/**
 * What a signed-in user may do. Every console endpoint names one; a role is a set of them, so
 * who may call what is data a test can walk. A `*.view` permission reads what the matching
 * `*.manage` changes, so a read-only role (the auditor) sees without acting.
 */
export const PERMISSIONS = [
  /** Sign out, see who is signed in, read the statistics settings and the roles. */
  'console.use',
  'devices.view',
  /** See sessions: who opened which, on what device, when. */
  'sessions.view',
  'sessions.open',
  /** End sessions other users opened (everyone may end their own). */
  'sessions.manage',
  'recordings.view',
  'installers.view',
  'installers.manage',
  'policies.view',
  'policies.manage',
  'settings.view',
  'settings.manage',
  'audit.read',
  'storage.manage',
  'oem.manage',
  /** Create, change, disable and delete users, reset their passwords. */
  'users.manage',
  /** Create, change and delete custom roles: as powerful as an administrator. */
  'roles.manage',
  /** Create, rename and delete device groups; move devices between them. */
  'groups.manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** A permission as a schema (a role's set, the signed-in user's effective permissions). */
export const PermissionName = z.enum(PERMISSIONS);

/** What a permission allows, in plain words, and where it belongs on a role form. */
export interface PermissionInfo {
  group: 'Console' | 'Devices and sessions' | 'Recordings' | 'Configuration' | 'Administration';
  label: string;
  description: string;
}

/**
 * Every permission explained for the people who build roles (console form, `tether roles
 * --help`), in the order the form shows them.
 *
 * @example
 * PERMISSION_INFO['sessions.open'].label // 'Open sessions'
 */
export const PERMISSION_INFO: Readonly<Record<Permission, PermissionInfo>> = {
  'console.use': {
    group: 'Console',
    label: 'Sign in to the console',
    description: 'Every role has it: sign in and out, see their own account and the roles.',
  },
  'devices.view': {
    group: 'Devices and sessions',
    label: 'See devices',
    description: 'The device list, each device’s details, live status and effective policy.',
  },
  'sessions.view': {
    group: 'Devices and sessions',
    label: 'See sessions',
    description: 'Who opened which session on which device, and when.',
  },
  'sessions.open': {
    group: 'Devices and sessions',
    label: 'Open sessions',
    description:
      'Terminal, desktop and file sessions, and unattended access; end their own sessions.',
  },
  'sessions.manage': {
    group: 'Devices and sessions',
    label: 'End anyone’s sessions',
    description: 'End sessions that other users opened.',
  },
  'recordings.view': {
    group: 'Recordings',
    label: 'Watch recordings',
    description: 'List and play session recordings, see the upload queue.',
  },
  'storage.manage': {
    group: 'Recordings',
    label: 'Manage recording storage',
    description: 'Test custom storage settings and retry uploads.',
  },
  'installers.view': {
    group: 'Configuration',
    label: 'See installers',
    description: 'The list of enrolment installers (never their tokens).',
  },
  'installers.manage': {
    group: 'Configuration',
    label: 'Make and revoke installers',
    description: 'Create installers that enrol new devices, and revoke them.',
  },
  'policies.view': {
    group: 'Configuration',
    label: 'See policies',
    description: 'Policies and where they apply.',
  },
  'policies.manage': {
    group: 'Configuration',
    label: 'Change policies',
    description: 'Create, change, assign and delete policies.',
  },
  'settings.view': {
    group: 'Configuration',
    label: 'See server settings',
    description: 'Server settings such as trusted networks.',
  },
  'settings.manage': {
    group: 'Configuration',
    label: 'Change server settings',
    description: 'Statistics intervals, trusted networks and other server settings.',
  },
  'audit.read': {
    group: 'Administration',
    label: 'Read the audit log',
    description: 'See and export every audited event.',
  },
  'oem.manage': {
    group: 'Administration',
    label: 'Manage integrations',
    description: 'OEM tenants and their script tokens.',
  },
  'users.manage': {
    group: 'Administration',
    label: 'Manage users',
    description: 'Create, change, disable and delete users and reset their passwords.',
  },
  'groups.manage': {
    group: 'Configuration',
    label: 'Manage device groups',
    description: 'Create, rename and delete device groups, and move devices from one to another.',
  },
  'roles.manage': {
    group: 'Administration',
    label: 'Manage roles',
    description:
      'Create, change and delete custom roles. Whoever has it can give themselves any permission.',
  },
};

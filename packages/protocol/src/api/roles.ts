import { z } from 'zod';
import { PermissionName, PERMISSIONS, type Permission } from './permissions.js';

/**
 * The built-in roles: their IDs are their names, fixed, so users created before custom
 * roles keep theirs. A custom role's ID is a UUID.
 */
export const BUILT_IN_ROLES = ['administrator', 'privileged', 'technician', 'auditor'] as const;
export type BuiltInRole = (typeof BUILT_IN_ROLES)[number];

/** Whether a role ID names a built-in role. */
export function isBuiltInRole(role: string): role is BuiltInRole {
  return (BUILT_IN_ROLES as readonly string[]).includes(role);
}

/**
 * The permissions of each built-in role. Administrators may do everything; privileged
 * technicians also make installers; technicians work with devices and sessions; auditors see
 * everything a technician sees plus policies, settings, installers and the audit log, and change
 * nothing.
 *
 * @example
 * ROLE_PERMISSIONS.auditor.includes('sessions.open') // false
 */
export const ROLE_PERMISSIONS: Readonly<Record<BuiltInRole, readonly Permission[]>> = {
  administrator: PERMISSIONS,
  privileged: [
    'console.use',
    'devices.view',
    'sessions.view',
    'sessions.open',
    'recordings.view',
    'installers.view',
    'installers.manage',
  ],
  technician: ['console.use', 'devices.view', 'sessions.view', 'sessions.open', 'recordings.view'],
  auditor: [
    'console.use',
    'devices.view',
    'sessions.view',
    'recordings.view',
    'installers.view',
    'policies.view',
    'settings.view',
    'audit.read',
  ],
};

/** What the console and CLI call each built-in role, and what it is for. */
export const BUILT_IN_ROLE_INFO: Readonly<
  Record<BuiltInRole, { name: string; description: string }>
> = {
  administrator: { name: 'Administrator', description: 'Everything, always.' },
  privileged: {
    name: 'Privileged technician',
    description: 'A technician who also makes installers.',
  },
  technician: {
    name: 'Technician',
    description: 'Sees devices, opens sessions, watches recordings.',
  },
  auditor: {
    name: 'Auditor',
    description:
      'Read-only: sees devices, sessions, recordings, installers, policies, settings and the audit log; never acts.',
  },
};

/**
 * A role ID: a built-in role's name or a custom role's UUID. Users reference roles by ID, so a
 * renamed role stays assigned.
 */
export const RoleId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9-]+$/, 'is a role ID: a built-in role name or a custom role ID');
export type RoleId = z.infer<typeof RoleId>;

/** A role's name as people read it; unique case-insensitively, built-in names included. */
export const RoleName = z.string().trim().min(1, 'must not be empty').max(64);

/** A role as the API shows it. */
export const RoleView = z.object({
  id: RoleId,
  name: z.string(),
  description: z.string(),
  /** Sorted as `PERMISSIONS` lists them. */
  permissions: z.array(PermissionName),
  /** Built-in roles cannot be changed or deleted. */
  builtIn: z.boolean(),
  /** Users (not deleted) who have this role. */
  userCount: z.number().int().nonnegative(),
});
export type RoleView = z.infer<typeof RoleView>;

/**
 * `POST /api/v1/roles`. `console.use` is added when missing: every role signs in.
 *
 * @example
 * await api.createRole({ name: 'Helpdesk', permissions: ['devices.view', 'sessions.open'] });
 */
export const CreateRoleRequest = z.object({
  name: RoleName,
  description: z.string().trim().max(500).default(''),
  permissions: z.array(PermissionName).max(PERMISSIONS.length * 2),
});
export type CreateRoleRequest = z.input<typeof CreateRoleRequest>;

/** `PATCH /api/v1/roles/:id`: only the fields given change; `permissions` replaces the set. */
export const UpdateRoleRequest = z
  .object({
    name: RoleName.optional(),
    description: z.string().trim().max(500).optional(),
    permissions: z
      .array(PermissionName)
      .max(PERMISSIONS.length * 2)
      .optional(),
  })
  .refine((changes) => Object.keys(changes).length > 0, {
    message: 'give at least one of name, description, permissions',
  });
export type UpdateRoleRequest = z.input<typeof UpdateRoleRequest>;

export const RoleList = z.object({ roles: z.array(RoleView) });
export type RoleList = z.infer<typeof RoleList>;

export const RoleResponse = z.object({ role: RoleView });
export type RoleResponse = z.infer<typeof RoleResponse>;

/**
 * A role's permissions as stored and shown: known ones only, `console.use` always, no repeats,
 * in the order of `PERMISSIONS`.
 *
 * @example
 * normalisePermissions(['sessions.open', 'devices.view']) // ['console.use', 'devices.view', 'sessions.open']
 */
export function normalisePermissions(permissions: readonly string[]): Permission[] {
  const wanted = new Set<string>([...permissions, 'console.use']);
  return PERMISSIONS.filter((permission) => wanted.has(permission));
}

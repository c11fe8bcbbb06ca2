import { z } from 'zod';
import { Role, User } from './auth.js';

/** The shortest password a user may choose (the rule `tether admin reset-password` applies too). */
export const MIN_PASSWORD_LENGTH = 12;

/** A password someone chooses: long enough, and not absurdly long (hashing cost). */
export const NewPassword = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must have at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(1024);

/** A sign-in name: letters, digits and `.`, `_`, `-`, `@`; unique case-insensitively. */
export const Username = z
  .string()
  .min(1)
  .max(64)
  .regex(
    /^[\p{L}\p{N}._@-]+$/u,
    'may contain only letters, digits and the characters . _ - @ (no spaces)',
  );

/** What the console shows for a user. */
export const DisplayName = z.string().trim().max(128);

/**
 * `POST /api/v1/users` (administrators).
 *
 * @example
 * await api.createUser({ username: 'jo', role: 'technician', password, mustChangePassword: true });
 */
export const CreateUserRequest = z.object({
  username: Username,
  displayName: DisplayName.default(''),
  role: Role,
  password: NewPassword,
  /** Ask the user for a new password at their first sign-in (the default). */
  mustChangePassword: z.boolean().default(true),
});
export type CreateUserRequest = z.input<typeof CreateUserRequest>;

/** `PATCH /api/v1/users/:id`: only the fields given change. */
export const UpdateUserRequest = z
  .object({
    displayName: DisplayName.optional(),
    role: Role.optional(),
    /** Disabling ends the user's sign-ins and open connections at once. */
    disabled: z.boolean().optional(),
    /** Ask the user for a new password at their next sign-in (true), or no longer (false). */
    mustChangePassword: z.boolean().optional(),
  })
  .refine((changes) => Object.keys(changes).length > 0, {
    message: 'give at least one of displayName, role, disabled, mustChangePassword',
  });
export type UpdateUserRequest = z.input<typeof UpdateUserRequest>;

/** `POST /api/v1/users/:id/password`: sets a password and signs the user out everywhere. */
export const ResetUserPasswordRequest = z.object({
  password: NewPassword,
  /** Ask the user for a new password at their next sign-in (the default). */
  mustChangePassword: z.boolean().default(true),
});
export type ResetUserPasswordRequest = z.input<typeof ResetUserPasswordRequest>;

/** `POST /api/v1/account/password`: the signed-in user's own new password. */
export const ChangePasswordRequest = z.object({
  currentPassword: z.string().min(1).max(1024),
  newPassword: NewPassword,
});
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequest>;

/** `PATCH /api/v1/account`: what a user changes about themselves. */
export const UpdateAccountRequest = z.object({ displayName: DisplayName });
export type UpdateAccountRequest = z.infer<typeof UpdateAccountRequest>;

export const UserList = z.object({ users: z.array(User) });
export type UserList = z.infer<typeof UserList>;

/** The answer of every call that changes one user. */
export const UserResponse = z.object({ user: User });
export type UserResponse = z.infer<typeof UserResponse>;

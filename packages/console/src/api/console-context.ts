import type { LoginResponse, Permission, User } from '@tether/protocol';
import type { TetherClient } from '@tether/sdk';
import { createContext, useContext } from 'react';

/** What every page gets from the app shell. */
export interface ConsoleContext {
  api: TetherClient;
  /** The signed-in technician. */
  user: User;
  /** What their role allows now; the console shows actions by these, never by role names. */
  permissions: readonly Permission[];
  /** Their role's name, for people. */
  roleName: string;
  /** Whether their role allows `permission`. */
  can: (permission: Permission) => boolean;
  /** Call when the server says the login is gone: the shell returns to the sign-in page. */
  onSignedOut: () => void;
  /** Call with the user the server answered after a change of their own account. */
  onUserChanged: (user: User) => void;
}

/**
 * The permission check of a signed-in session.
 *
 * @example
 * const can = permits(session); can('installers.manage') // false for a technician
 */
export function permits(session: Pick<LoginResponse, 'permissions'>) {
  return (permission: Permission): boolean => session.permissions.includes(permission);
}

/** Provided by the app shell once a technician is signed in. */
export const ConsoleContextValue = createContext<ConsoleContext | null>(null);

/**
 * The API client and signed-in user, for pages under the app shell.
 *
 * @example
 * const { api } = useConsole();
 */
export function useConsole(): ConsoleContext {
  const value = useContext(ConsoleContextValue);
  if (value === null) throw new Error('useConsole() is used outside the signed-in app shell.');
  return value;
}

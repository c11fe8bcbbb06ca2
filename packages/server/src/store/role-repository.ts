import type { Permission } from '@tether/protocol';

/** A stored custom role. */
export interface RoleRecord {
  id: string;
  name: string;
  description: string;
  /** Normalised: known permissions, in the order of `PERMISSIONS`. */
  permissions: Permission[];
  createdAt: Date;
  updatedAt: Date;
}

/** What a change of a custom role may set. */
export type RoleChanges = Partial<Pick<RoleRecord, 'name' | 'description' | 'permissions'>> &
  Pick<RoleRecord, 'updatedAt'>;

/**
 * Custom roles (issue 12). The table is declared by augmenting `Database` in
 * `store/migrations/roles.ts`.
 */
export interface RoleRepository {
  /** Fails with `AppError('CONFLICT')` when the name is taken (case-insensitive). */
  create(role: RoleRecord): Promise<RoleRecord>;
  find(id: string): Promise<RoleRecord | undefined>;
  /** Ordered by name, case-insensitively. */
  list(): Promise<RoleRecord[]>;
  /** Undefined when there is no such role; `AppError('CONFLICT')` when the name is taken. */
  update(id: string, changes: RoleChanges): Promise<RoleRecord | undefined>;
  /**
   * Deletes the role unless users (not deleted) have it, in one transaction: `deleted` false
   * with `userCount` above zero when they do, and with `userCount` zero when there is no such role.
   */
  delete(id: string): Promise<{ deleted: boolean; userCount: number }>;
  /** How many users (not deleted) have each role, by role ID (built-in ones included). */
  userCounts(): Promise<Map<string, number>>;
}

import type { PolicyLevel, PolicySettings, PolicyTarget } from '@tether/protocol';

/**
 * A stored policy. `settings` holds the custom storage credential as the sealed CMS text it was
 * given; only the server's upload code reads it, and API views replace it with a digest.
 */
export interface PolicyRecord {
  id: string;
  name: string;
  description: string;
  settings: PolicySettings;
  createdAt: Date;
  updatedAt: Date;
}

/** A policy with the groups and devices it is assigned to (groups first, then devices). */
export interface PolicyWithAssignments extends PolicyRecord {
  assignments: PolicyTarget[];
}

/** The policies assigned to one group or device, as they are once a change commits. */
export interface PoliciesAtTarget {
  target: PolicyTarget;
  policies: PolicyRecord[];
}

/**
 * Runs inside a policy write transaction, after the change, with every target of the changed
 * policy; throwing (e.g. `AppError('CONFLICT')`) rolls the change back. Policy writes are
 * serialised, so what the check sees cannot change before the commit.
 */
export type PolicyChangeCheck = (affected: PoliciesAtTarget[]) => void;

/** A policy that applies to a device, and whether through the device itself or its group. */
export interface AppliedPolicy {
  policy: PolicyRecord;
  level: PolicyLevel;
}

/**
 * Persistence of policies and their assignments. Tables are declared by augmenting
 * `Database` in `store/migrations/policies.ts`.
 */
export interface PolicyRepository {
  /** Fails with `AppError('CONFLICT')` when the name is taken (case-insensitive). */
  create(policy: PolicyRecord): Promise<PolicyWithAssignments>;
  find(id: string): Promise<PolicyWithAssignments | undefined>;
  /** Ordered by name, case-insensitively. */
  list(): Promise<PolicyWithAssignments[]>;
  /**
   * Replaces name, description and settings. Undefined when there is no such policy;
   * `AppError('CONFLICT')` when the name is taken; whatever `check` throws, with nothing changed.
   */
  update(
    id: string,
    change: Pick<PolicyRecord, 'name' | 'description' | 'settings' | 'updatedAt'>,
    check?: PolicyChangeCheck,
  ): Promise<PolicyWithAssignments | undefined>;
  /** Returns false when there is no such policy. Its assignments go with it. */
  delete(id: string): Promise<boolean>;
  /** Replaces the policy's assignments (duplicates are ignored); like `update` otherwise. */
  setAssignments(
    id: string,
    change: { assignments: PolicyTarget[]; updatedAt: Date },
    check?: PolicyChangeCheck,
  ): Promise<PolicyWithAssignments | undefined>;
  /** Policies assigned to the device or to its group; one assigned to both appears twice. */
  forDevice(device: { id: string; group: string }): Promise<AppliedPolicy[]>;
}

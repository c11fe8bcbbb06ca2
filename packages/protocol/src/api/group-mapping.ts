import { z } from 'zod';
import { Role } from './auth.js';

/**
 * A group of a directory or single sign-on provider (LDAP group DN, RADIUS Class value, SAML or
 * OpenID Connect group claim) → a Tether role and teams.
 */
export const GroupMappingRule = z.object({
  group: z.string().trim().min(1).max(1024),
  role: Role,
  teams: z.array(z.string().trim().min(1).max(100)).max(50).default([]),
});
export type GroupMappingRule = z.infer<typeof GroupMappingRule>;

/**
 * How a provider's groups become a role and teams, for directories and single sign-on alike:
 * the first rule whose group the user is in decides the role, teams come from every matching
 * rule; no match gives `defaultRole`, or a refusal when there is none.
 */
export const GroupRoleMapping = z.object({
  rules: z.array(GroupMappingRule).max(500).default([]),
  defaultRole: Role.optional(),
});
export type GroupRoleMapping = z.infer<typeof GroupRoleMapping>;

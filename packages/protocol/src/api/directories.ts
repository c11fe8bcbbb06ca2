import { z } from 'zod';
import { Role } from './auth.js';
import { GroupRoleMapping } from './group-mapping.js';

/**
 * Password directories (issue 12): LDAP / Active Directory and RADIUS servers that check the
 * passwords of users who are not local. Secrets (bind password, shared secret) are write-only:
 * a request may carry them, an answer only says whether one is set.
 */

/** A stable key for a directory (used by the test action and the CLI): letters, digits, `-`. */
export const DirectoryId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'Use lower-case letters, digits and "-" (at most 63).');

const common = {
  id: DirectoryId,
  /** Shown in the console and the audit log. */
  name: z.string().trim().min(1).max(100),
  /** A disabled directory is kept but never asked. */
  enabled: z.boolean().default(true),
  timeoutSec: z.number().positive().max(60).default(10),
  mapping: GroupRoleMapping.default({ rules: [] }),
};

const LdapUrl = z
  .string()
  .trim()
  .regex(
    /^ldaps?:\/\/[^\s/]+\/?$/,
    'An LDAP server URL is ldap://host[:port] or ldaps://host[:port].',
  );

/** An LDAP filter as typed by an administrator: balanced parentheses, bounded length. */
const LdapFilter = z
  .string()
  .trim()
  .max(1024)
  .regex(/^\(.*\)$/s, 'An LDAP filter is enclosed in parentheses, e.g. (uid={username}).');

const ldapFields = {
  ...common,
  type: z.literal('ldap'),
  /** Asked in order; the next one only when a server cannot be reached. */
  urls: z.array(LdapUrl).min(1).max(5),
  /** Upgrade `ldap://` connections with StartTLS (ignored for `ldaps://`). */
  startTls: z.boolean().default(false),
  /** Check the server's certificate (against `caCertificate`, or the system's CAs). */
  verifyCertificate: z.boolean().default(true),
  /** PEM certificate(s) of the CA that signed the servers' certificates. */
  caCertificate: z.string().max(65_536).optional(),
  /** The service account that searches for users; anonymous search when absent. */
  bindDn: z.string().trim().max(1024).optional(),
  userBase: z.string().trim().min(1).max(1024),
  /** `{username}` is replaced by the escaped username (RFC 4515). */
  userFilter: LdapFilter.default('(uid={username})'),
  displayNameAttribute: z.string().trim().min(1).max(100).default('cn'),
  /** Attribute on the user's entry listing their groups' DNs (`memberOf`); empty: not used. */
  groupAttribute: z.string().trim().max(100).default('memberOf'),
  /** Also search groups here with `groupFilter` (`{dn}`: the user's DN, `{username}`). */
  groupBase: z.string().trim().max(1024).optional(),
  groupFilter: LdapFilter.default('(member={dn})'),
  /**
   * An entry matching this filter is disabled (Active Directory:
   * `(userAccountControl:1.2.840.113556.1.4.803:=2)`; OpenLDAP ppolicy: `(pwdAccountLockedTime=*)`).
   */
  disabledFilter: LdapFilter.optional(),
};

const RadiusServer = z.object({
  host: z.string().trim().min(1).max(253),
  port: z.int().min(1).max(65_535).default(1812),
});

const radiusFields = {
  ...common,
  type: z.literal('radius'),
  /** The first is asked; the next only when it does not answer within the timeout. */
  servers: z.array(RadiusServer).min(1).max(4),
  /** Transmissions per server before the next one is asked (the timeout is per transmission). */
  retries: z.int().min(1).max(10).default(2),
  nasIdentifier: z.string().trim().min(1).max(253).default('tether'),
  /** Reply attribute whose values are the user's groups for the mapping. */
  groupAttribute: z.enum(['Class', 'Filter-Id']).default('Class'),
};

/** A write-only secret: absent keeps the stored one (same `id`), a string replaces it. */
const Secret = z.string().min(1).max(1024);

/** An LDAP / Active Directory server as an administrator sets it. */
export const LdapDirectoryInput = z.object({ ...ldapFields, bindPassword: Secret.optional() });
export const RadiusDirectoryInput = z.object({ ...radiusFields, secret: Secret.optional() });
export const DirectoryInput = z.discriminatedUnion('type', [
  LdapDirectoryInput,
  RadiusDirectoryInput,
]);
export type DirectoryInput = z.infer<typeof DirectoryInput>;
export type LdapDirectoryInput = z.infer<typeof LdapDirectoryInput>;
export type RadiusDirectoryInput = z.infer<typeof RadiusDirectoryInput>;

/** A directory as the API shows it: whether a secret is set, never the secret. */
export const DirectoryView = z.discriminatedUnion('type', [
  z.object({ ...ldapFields, bindPasswordSet: z.boolean() }),
  z.object({ ...radiusFields, secretSet: z.boolean() }),
]);
export type DirectoryView = z.infer<typeof DirectoryView>;

/** `PUT /conf/api/directories`: the whole ordered list (asked in this order at sign-in). */
export const DirectoriesRequest = z.object({
  directories: z
    .array(DirectoryInput)
    .max(20)
    .refine((list) => new Set(list.map((d) => d.id)).size === list.length, {
      message: 'Two directories have the same id.',
    }),
});
export type DirectoriesRequest = z.input<typeof DirectoriesRequest>;

export const DirectoriesResponse = z.object({
  directories: z.array(DirectoryView),
  /** `config file`: set in the server's config file, read-only here. */
  source: z.enum(['settings', 'config file']),
});
export type DirectoriesResponse = z.infer<typeof DirectoriesResponse>;

/** `POST /conf/api/directories/:id/test`: a sign-in tried against one directory, nobody signed in. */
export const DirectoryTestRequest = z.object({
  username: z.string().min(1).max(128),
  password: z.string().min(1).max(1024),
});
export type DirectoryTestRequest = z.infer<typeof DirectoryTestRequest>;

/** One stage of a test (connect, TLS, bind, search, …) and what the server saw there. */
export const DirectoryTestStage = z.object({
  stage: z.string(),
  ok: z.boolean(),
  detail: z.string(),
  /** Attributes read (the user's entry, RADIUS reply attributes); never a password. */
  attributes: z.record(z.string(), z.array(z.string())).optional(),
});
export type DirectoryTestStage = z.infer<typeof DirectoryTestStage>;

export const DirectoryTestResult = z.object({
  outcome: z.enum(['accepted', 'rejected', 'unknown', 'challenge', 'error']),
  /** Why (rejected, error) or what the server asks (challenge). */
  message: z.string().optional(),
  stages: z.array(DirectoryTestStage),
  groups: z.array(z.string()),
  /** What the mapping gives this user; null: unmapped, they would be refused. */
  mapped: z.object({ role: Role, teams: z.array(z.string()) }).nullable(),
});
export type DirectoryTestResult = z.infer<typeof DirectoryTestResult>;

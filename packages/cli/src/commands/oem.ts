import {
  AppError,
  CreateScriptTokenRequest,
  CreateTenantRequest,
  TenantId,
  invalidInput,
  type Tenant,
} from '@tether/protocol';
import type { TenantAdmin } from '@tether/server';
import { requireOption, type Command, type CommandInput } from '../command.js';
import { withStore } from '../headless.js';
import { dataDirOptions, serverConfigFrom } from '../server-config.js';

/** Audit actor of headless tenant administration. */
const BY = { actor: 'cli' } as const;

async function withTenantAdmin<T>(
  input: CommandInput,
  work: (admin: TenantAdmin) => Promise<T>,
): Promise<T> {
  const { createTenantAdmin, systemClock } = await import('@tether/server');
  return withStore(serverConfigFrom(input), ({ store, audit }) =>
    work(createTenantAdmin({ store, clock: systemClock, audit })),
  );
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

function tenantLine(tenant: Tenant): string {
  return `${tenant.id}  ${tenant.name}  groups: ${tenant.groups.join(', ')}`;
}

function positionalTenant(input: CommandInput, command: string): string {
  const parsed = TenantId.safeParse(input.positionals[0]);
  if (!parsed.success)
    throw new AppError(
      'INVALID_INPUT',
      `Give the tenant ID (t + digits). Run \`tether ${command} --help\` for usage.`,
    );
  return parsed.data;
}

export const oemTenantCreateCommand: Command = {
  name: 'oem tenant create',
  summary: 'Create a tenant of the integration API, bound to device groups.',
  usage: `tether oem tenant create --name NAME --groups G1,G2 [--data-dir DIR]

The tenant's script tokens may roll device keys out to online devices of these groups.`,
  options: { ...dataDirOptions, name: { type: 'string' }, groups: { type: 'string' } },
  async run(input) {
    const parsed = CreateTenantRequest.safeParse({
      name: requireOption(input, 'name', 'oem tenant create'),
      groups: list(requireOption(input, 'groups', 'oem tenant create')),
    });
    if (!parsed.success) throw invalidInput('tenant', parsed.error);
    const tenant = await withTenantAdmin(input, (admin) => admin.createTenant(parsed.data, BY));
    input.out(`Tenant created: ${tenantLine(tenant)}`);
    return 0;
  },
};

export const oemTenantListCommand: Command = {
  name: 'oem tenant list',
  summary: 'List the tenants of the integration API.',
  usage: 'tether oem tenant list [--data-dir DIR]',
  options: { ...dataDirOptions },
  async run(input) {
    const tenants = await withTenantAdmin(input, (admin) => admin.listTenants());
    input.out(tenants.length ? tenants.map(tenantLine).join('\n') : 'No tenants yet.');
    return 0;
  },
};

export const oemTenantGroupsCommand: Command = {
  name: 'oem tenant set-groups',
  summary: "Replace a tenant's device groups.",
  usage: 'tether oem tenant set-groups TENANT_ID --groups G1,G2 [--data-dir DIR]',
  options: { ...dataDirOptions, groups: { type: 'string' } },
  allowPositionals: true,
  async run(input) {
    const tenantId = positionalTenant(input, 'oem tenant set-groups');
    const parsed = CreateTenantRequest.shape.groups.safeParse(
      list(requireOption(input, 'groups', 'oem tenant set-groups')),
    );
    if (!parsed.success) throw invalidInput('groups', parsed.error);
    const tenant = await withTenantAdmin(input, (admin) =>
      admin.setGroups(tenantId, parsed.data, BY),
    );
    input.out(`Updated: ${tenantLine(tenant)}`);
    return 0;
  },
};

export const oemTokenCreateCommand: Command = {
  name: 'oem token create',
  summary: 'Create a script token for a tenant (shown once).',
  usage: `tether oem token create TENANT_ID --name NAME --permissions P1,P2 [--data-dir DIR]

Permissions: createDeviceKey, requestControl, deleteDeviceKey, manageTenants.
Integrators send the token as "Authorization: Bearer <token>".`,
  options: { ...dataDirOptions, name: { type: 'string' }, permissions: { type: 'string' } },
  allowPositionals: true,
  async run(input) {
    const tenantId = positionalTenant(input, 'oem token create');
    const parsed = CreateScriptTokenRequest.safeParse({
      name: requireOption(input, 'name', 'oem token create'),
      permissions: list(requireOption(input, 'permissions', 'oem token create')),
    });
    if (!parsed.success) throw invalidInput('script token', parsed.error);
    const created = await withTenantAdmin(input, (admin) =>
      admin.createToken(tenantId, parsed.data, BY),
    );
    input.out(
      `Script token ${created.token.id} for ${tenantId} (${created.token.permissions.join(', ')}).`,
    );
    input.out(`Token (shown once): ${created.secret}`);
    return 0;
  },
};

export const oemTokenListCommand: Command = {
  name: 'oem token list',
  summary: "List a tenant's script tokens (never the tokens themselves).",
  usage: 'tether oem token list TENANT_ID [--data-dir DIR]',
  options: { ...dataDirOptions },
  allowPositionals: true,
  async run(input) {
    const tenantId = positionalTenant(input, 'oem token list');
    const tokens = await withTenantAdmin(input, (admin) => admin.listTokens(tenantId));
    input.out(
      tokens.length
        ? tokens
            .map(
              (token) =>
                `${token.id}  ${token.name}  ${token.permissions.join(',')}  ${token.revokedAt ? `revoked ${token.revokedAt}` : 'active'}`,
            )
            .join('\n')
        : 'No script tokens for this tenant.',
    );
    return 0;
  },
};

export const oemTokenRevokeCommand: Command = {
  name: 'oem token revoke',
  summary: 'Revoke a script token, with immediate effect (a running server sees it at once).',
  usage: 'tether oem token revoke TOKEN_ID [--data-dir DIR]',
  options: { ...dataDirOptions },
  allowPositionals: true,
  async run(input) {
    const tokenId = input.positionals[0] ?? '';
    if (!/^[0-9a-f-]{36}$/.test(tokenId))
      throw new AppError('INVALID_INPUT', 'Give the token ID shown by `tether oem token list`.');
    await withTenantAdmin(input, (admin) => admin.revokeToken(tokenId, BY));
    input.out(`Script token ${tokenId} revoked.`);
    return 0;
  },
};

/** Every `tether oem …` command. */
export const oemCommands: Command[] = [
  oemTenantCreateCommand,
  oemTenantListCommand,
  oemTenantGroupsCommand,
  oemTokenCreateCommand,
  oemTokenListCommand,
  oemTokenRevokeCommand,
];

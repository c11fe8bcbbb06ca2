import type { OemCompatibility, Tenant } from '@tether/protocol';
import { AppError } from '@tether/protocol/app-error';
import type { TenantAdmin } from '@tether/server';
import { requireOption, type Command, type CommandInput } from '../command.js';
import { withStore } from '../headless.js';
import { dataDirOptions, serverConfigFrom } from '../server-config.js';

/** The protocol's schemas, loaded when a command runs: they load zod, `tether --help` must not. */
const schemas = (): Promise<typeof import('../schemas.js')> => import('../schemas.js');

/** Audit actor of headless tenant administration. */
const BY = { actor: 'cli' } as const;

async function withTenantAdmin<T>(
  input: CommandInput,
  work: (admin: TenantAdmin) => Promise<T>,
): Promise<T> {
  const { createTenantAdmin, systemClock } = await import('@tether/server');
  return withStore(await serverConfigFrom(input), ({ store, audit }) =>
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
  return `${tenant.id}  ${tenant.name}  groups: ${tenant.groups.join(', ')}  compat: ${tenant.compatibility}`;
}

const COMPAT_HELP = `--compat standard|seed-001   formats the tenant's devices hand secrets out in:
  standard  (default) device key as PKCS#8 ENCRYPTED PRIVATE KEY (PBES2, AES-256-CBC),
            DeviceSecret with RSA-OAEP SHA-256
  seed-001  the vendor document's formats, for integrators using its sample code: traditional
            RSA PRIVATE KEY PEM (Proc-Type: 4,ENCRYPTED, DEK-Info: AES-256-CBC), RSA-OAEP SHA-1`;

/** The --compat option, checked; undefined when it was not given. */
async function compatOption(input: CommandInput): Promise<OemCompatibility | undefined> {
  const value = input.values['compat'];
  if (value === undefined) return undefined;
  const { OemCompatibility } = await schemas();
  const parsed = OemCompatibility.safeParse(value);
  if (!parsed.success) {
    throw new AppError(
      'INVALID_INPUT',
      `--compat must be standard or seed-001, not "${String(value)}".`,
    );
  }
  return parsed.data;
}

async function positionalTenant(input: CommandInput, command: string): Promise<string> {
  const { TenantId } = await schemas();
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
  usage: `tether oem tenant create --name NAME --groups G1,G2 [--compat standard|seed-001] [--data-dir DIR]

The tenant's script tokens may roll device keys out to online devices of these groups, which
must exist (tether groups list; tether groups create NAME).
${COMPAT_HELP}`,
  options: {
    ...dataDirOptions,
    name: { type: 'string' },
    groups: { type: 'string' },
    compat: { type: 'string' },
  },
  async run(input) {
    const compatibility = await compatOption(input);
    const { CreateTenantRequest, invalidInput } = await schemas();
    const parsed = CreateTenantRequest.safeParse({
      name: requireOption(input, 'name', 'oem tenant create'),
      groups: list(requireOption(input, 'groups', 'oem tenant create')),
      ...(compatibility ? { compatibility } : {}),
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
    const tenantId = await positionalTenant(input, 'oem tenant set-groups');
    const { CreateTenantRequest, invalidInput } = await schemas();
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

export const oemTenantSetCommand: Command = {
  name: 'oem tenant set',
  summary: "Change a tenant's compatibility setting (and, optionally, its device groups).",
  usage: `tether oem tenant set TENANT_ID --compat standard|seed-001 [--groups G1,G2] [--data-dir DIR]

${COMPAT_HELP}
The setting applies to device keys rolled out and control requested from then on; keys already
handed out stay as they were (roll out a new key to get the other key format).`,
  options: { ...dataDirOptions, compat: { type: 'string' }, groups: { type: 'string' } },
  allowPositionals: true,
  async run(input) {
    const tenantId = await positionalTenant(input, 'oem tenant set');
    const compatibility = await compatOption(input);
    if (!compatibility) {
      throw new AppError(
        'INVALID_INPUT',
        'Give --compat standard or --compat seed-001. Run `tether oem tenant set --help` for usage.',
      );
    }
    const { CreateTenantRequest, invalidInput } = await schemas();
    const groups =
      input.values['groups'] === undefined
        ? undefined
        : CreateTenantRequest.shape.groups.safeParse(list(String(input.values['groups'])));
    if (groups && !groups.success) throw invalidInput('groups', groups.error);
    const tenant = await withTenantAdmin(input, async (admin) => {
      if (groups) await admin.setGroups(tenantId, groups.data, BY);
      return admin.setCompatibility(tenantId, compatibility, BY);
    });
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
    const tenantId = await positionalTenant(input, 'oem token create');
    const { CreateScriptTokenRequest, invalidInput } = await schemas();
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
    const tenantId = await positionalTenant(input, 'oem token list');
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
  oemTenantSetCommand,
  oemTokenCreateCommand,
  oemTokenListCommand,
  oemTokenRevokeCommand,
];

import { randomUUID } from 'node:crypto';
import {
  AppError,
  type CreateScriptTokenRequest,
  type CreateScriptTokenResponse,
  type CreateTenantRequest,
  type OemCompatibility,
  type ScriptToken,
  type Tenant,
} from '@tether/protocol';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import { requireGroups } from '../groups/known-groups.js';
import type { OemTenantRecord, OemTokenRecord } from '../store/oem-repository.js';
import type { Store } from '../store/store.js';
import { newScriptToken, randomPublicId } from './script-tokens.js';

/** The API view of a tenant. */
export function toApiTenant(record: OemTenantRecord): Tenant {
  return {
    id: record.id,
    name: record.name,
    groups: record.groups,
    compatibility: record.compatibility,
    createdAt: record.createdAt.toISOString(),
  };
}

/** The API view of a script token: never its hash. */
export function toApiScriptToken(record: OemTokenRecord): ScriptToken {
  return {
    id: record.id,
    tenantId: record.tenantId,
    name: record.name,
    permissions: record.permissions,
    createdAt: record.createdAt.toISOString(),
    revokedAt: record.revokedAt?.toISOString() ?? null,
  };
}

/** Who does it and from where, for the audit log. */
export interface AdminActor {
  actor: string;
  sourceAddress?: string | null;
}

/** Administrators' side of O-1: tenants, their device groups, script tokens. */
export interface TenantAdmin {
  createTenant(request: CreateTenantRequest, by: AdminActor): Promise<Tenant>;
  listTenants(): Promise<Tenant[]>;
  setGroups(tenantId: string, groups: string[], by: AdminActor): Promise<Tenant>;
  /** Applies to keys rolled out and control requested from then on. */
  setCompatibility(
    tenantId: string,
    compatibility: OemCompatibility,
    by: AdminActor,
  ): Promise<Tenant>;
  /** The token's secret is in the answer and nowhere else. */
  createToken(
    tenantId: string,
    request: CreateScriptTokenRequest,
    by: AdminActor,
  ): Promise<CreateScriptTokenResponse>;
  listTokens(tenantId: string): Promise<ScriptToken[]>;
  /** Takes effect at once, also for requests waiting for a device's answer. */
  revokeToken(tokenId: string, by: AdminActor): Promise<void>;
}

/**
 * Tenant administration over the store; used by the console API and by the CLI (headless).
 *
 * @example
 * const tenant = await createTenantAdmin({ store, clock, audit }).createTenant({ name: 'Acme RMM', groups: ['Servers'] }, { actor: 'admin' });
 */
export function createTenantAdmin(deps: {
  store: Store;
  clock: Clock;
  audit: AuditLog;
}): TenantAdmin {
  const { store, clock, audit } = deps;

  async function tenantOrThrow(tenantId: string): Promise<OemTenantRecord> {
    const tenant = await store.oem.findTenant(tenantId);
    if (!tenant) throw new AppError('NOT_FOUND', `There is no tenant "${tenantId}".`);
    return tenant;
  }

  return {
    async createTenant(request, by) {
      const existing = await store.oem.listTenants();
      const taken = new Set(existing.map((tenant) => tenant.id));
      let id = randomPublicId('t');
      while (taken.has(id)) id = randomPublicId('t');
      const tenant = await store.oem.createTenant({
        id,
        name: request.name,
        groups: [...new Set(await requireGroups(store, request.groups))],
        compatibility: request.compatibility ?? 'standard',
        createdAt: clock.now(),
        createdBy: by.actor,
      });
      await audit.record({
        action: 'oem.tenant_created',
        actor: by.actor,
        target: tenant.id,
        sourceAddress: by.sourceAddress ?? null,
        details: {
          name: tenant.name,
          groups: tenant.groups,
          compatibility: tenant.compatibility,
        },
      });
      return toApiTenant(tenant);
    },
    async listTenants() {
      return (await store.oem.listTenants()).map(toApiTenant);
    },
    async setGroups(tenantId, groups, by) {
      const tenant = await tenantOrThrow(tenantId);
      const unique = [...new Set(await requireGroups(store, groups))];
      await store.oem.setTenantGroups(tenantId, unique);
      await audit.record({
        action: 'oem.tenant_updated',
        actor: by.actor,
        target: tenantId,
        sourceAddress: by.sourceAddress ?? null,
        details: { groups: unique, previousGroups: tenant.groups },
      });
      return toApiTenant({ ...tenant, groups: unique });
    },
    async setCompatibility(tenantId, compatibility, by) {
      const tenant = await tenantOrThrow(tenantId);
      await store.oem.setTenantCompatibility(tenantId, compatibility);
      await audit.record({
        action: 'oem.tenant_updated',
        actor: by.actor,
        target: tenantId,
        sourceAddress: by.sourceAddress ?? null,
        details: { compatibility, previousCompatibility: tenant.compatibility },
      });
      return toApiTenant({ ...tenant, compatibility });
    },
    async createToken(tenantId, request, by) {
      await tenantOrThrow(tenantId);
      const { secret, hash } = newScriptToken();
      const token = await store.oem.createToken({
        id: randomUUID(),
        tenantId,
        name: request.name,
        tokenHash: hash,
        permissions: [...new Set(request.permissions)],
        createdAt: clock.now(),
        createdBy: by.actor,
        revokedAt: null,
      });
      await audit.record({
        action: 'oem.token_created',
        actor: by.actor,
        target: tenantId,
        sourceAddress: by.sourceAddress ?? null,
        details: { tokenId: token.id, name: token.name, permissions: token.permissions },
      });
      return { token: toApiScriptToken(token), secret };
    },
    async listTokens(tenantId) {
      await tenantOrThrow(tenantId);
      return (await store.oem.listTokens(tenantId)).map(toApiScriptToken);
    },
    async revokeToken(tokenId, by) {
      const token = await store.oem.findToken(tokenId);
      if (!token) throw new AppError('NOT_FOUND', `There is no script token "${tokenId}".`);
      if (!(await store.oem.revokeToken(tokenId, clock.now()))) {
        throw new AppError('CONFLICT', 'This script token was already revoked.');
      }
      await audit.record({
        action: 'oem.token_revoked',
        actor: by.actor,
        target: token.tenantId,
        sourceAddress: by.sourceAddress ?? null,
        details: { tokenId, name: token.name },
      });
    },
  };
}

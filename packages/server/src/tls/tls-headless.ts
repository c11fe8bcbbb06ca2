import {
  AppError,
  TlsChangeRequest,
  type AgentImpact,
  type TlsProtocolSettings,
  type TlsStatus,
} from '@tether/protocol';
import type { AdminActor } from '../audit/admin-actor.js';
import { recordChange } from '../audit/admin-actor.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { ServerConfig } from '../config/config.js';
import type { TlsMaterial } from '../keys/tls.js';
import type { SettingsRepository } from '../store/store.js';
import { readPublicUrlHeadless } from '../net/public-url-headless.js';
import { assessAgentImpact } from './agent-impact.js';
import { coversHost, readChain, summarize } from './certificate-check.js';
import {
  effectiveProtocol,
  loadServedMaterial,
  prepareTlsChange,
  saveTlsChange,
} from './tls-change.js';

/**
 * What the admin console and `tether admin tls show` display: the served certificate, the
 * protocol settings, and warnings (a public URL the certificate does not name, expiry soon).
 *
 * @example
 * const status = describeTls(material, protocol, { now: clock.now(), publicUrl });
 */
export function describeTls(
  material: TlsMaterial,
  protocol: TlsProtocolSettings,
  options: { now: Date; publicUrl: string },
): TlsStatus {
  const chain = readChain(material.cert);
  const certificate = { ...summarize(chain, options.now), source: material.source };
  const host = new URL(options.publicUrl).hostname;
  const warnings: string[] = [];
  const [leaf] = chain;
  if (leaf && !coversHost(leaf, host)) {
    warnings.push(
      `The certificate does not name ${host}, the host of the server's public URL: browsers will refuse or warn.`,
    );
  }
  if (certificate.daysLeft < 30) {
    warnings.push(
      `The certificate expires in ${certificate.daysLeft} days (${certificate.validTo}).`,
    );
  }
  return { certificate, protocol, publicUrl: options.publicUrl, warnings };
}

/** The URL agents use: the config's, the saved one or the detected one, as the server would. */
async function headlessPublicUrl(
  config: ServerConfig,
  settings: SettingsRepository,
): Promise<string> {
  return (await readPublicUrlHeadless({ config, store: { settings } })).effective;
}

/**
 * `tether admin tls show`: the TLS state a server on this data directory serves (S-5).
 *
 * @example
 * const status = await readTlsHeadless({ config, settings: store.settings, now: new Date() });
 */
export async function readTlsHeadless(options: {
  config: ServerConfig;
  settings: SettingsRepository;
  now: Date;
}): Promise<TlsStatus> {
  const [material, protocol] = await Promise.all([
    loadServedMaterial(options.config),
    effectiveProtocol(options.settings, options.config),
  ]);
  return describeTls(material, protocol, {
    now: options.now,
    publicUrl: await headlessPublicUrl(options.config, options.settings),
  });
}

/**
 * `tether admin tls set | generate`: validates and stores a change on the data directory; a
 * running server applies it to new connections within seconds. Refused (`CONFLICT`) when
 * agents would stop connecting, unless `acceptAgentImpact`. Audited as `settings.changed`.
 *
 * @example
 * await changeTlsHeadless(request, { config, settings: store.settings, audit, now, actor });
 */
export async function changeTlsHeadless(
  input: TlsChangeRequest,
  options: {
    config: ServerConfig;
    settings: SettingsRepository;
    audit: AuditLog;
    now: Date;
    actor: AdminActor;
  },
): Promise<{ status: TlsStatus; agents: AgentImpact; warnings: string[] }> {
  const request = TlsChangeRequest.parse(input);
  const publicUrl = await headlessPublicUrl(options.config, options.settings);
  const prepared = await prepareTlsChange(request, {
    ...options,
    current: await loadServedMaterial(options.config),
    publicUrl,
  });
  // Headless, the connected agents are the running server's: counted as none here.
  const agents = await assessAgentImpact(prepared.pair, prepared.protocol, {
    connected: 0,
    withoutNotice: 0,
    isCertificateChanged: prepared.isCertificateChanged,
  });
  if (!agents.agentsKeepConnecting && !request.acceptAgentImpact) {
    throw new AppError(
      'CONFLICT',
      `Not saved: ${agents.reasons.join(' ')} Add --accept-agent-impact to save anyway.`,
    );
  }
  await saveTlsChange(prepared, options);
  await recordChange(options.audit, 'settings.changed', options.actor, 'tls', {
    certificate: prepared.summary.fingerprint,
    source: prepared.summary.source,
    validTo: prepared.summary.validTo,
    ...prepared.protocol,
    agentsKeepConnecting: agents.agentsKeepConnecting,
  });
  const status = await readTlsHeadless(options);
  return { status, agents, warnings: prepared.warnings };
}

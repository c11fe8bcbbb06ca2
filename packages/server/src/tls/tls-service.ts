import { createSecureContext, type Server as TlsServer } from 'node:tls';
import {
  AppError,
  TlsChangeRequest,
  type CertificateSummary,
  type TlsChangeResult,
  type TlsPreview,
  type TlsProtocolSettings,
  type TlsStatus,
} from '@tether/protocol';
import type { AuditLog } from '../audit/audit-log.js';
import { recordChange, type AdminActor } from '../audit/admin-actor.js';
import { repeat, type CancelTimer, type Clock } from '../clock.js';
import type { ServerConfig } from '../config/config.js';
import type { TlsMaterial } from '../keys/tls.js';
import type { Logger } from '../logging.js';
import type { Notifications } from '../ports/notifications.js';
import type { SettingsRepository } from '../store/store.js';
import { assessAgentImpact } from './agent-impact.js';
import { readChain, summarize } from './certificate-check.js';
import { describeTls } from './tls-headless.js';
import { notifyCertificateExpiry } from './certificate-expiry.js';
import {
  effectiveProtocol,
  loadServedMaterial,
  prepareTlsChange,
  saveTlsChange,
  takeUploadedCertificate,
  tlsRevision,
  type PreparedChange,
} from './tls-change.js';

const DAY_MS = 86_400_000;
/** How often a running server looks for a change saved by the headless CLI. */
const REVISION_POLL_MS = 5000;

export interface TlsServiceDeps {
  config: ServerConfig;
  settings: SettingsRepository;
  clock: Clock;
  log: Logger;
  audit: AuditLog;
  notifications: () => Notifications;
  /** Agents connected now, and how many of them cannot take a certificate notice. */
  connectedAgents: () => { connected: number; withoutNotice: number };
  /** Tells connected agents the new certificate, signed (`certificate` message). */
  announceCertificate: (fingerprint: string) => void;
  publicUrl: () => string;
}

/**
 * The listeners' certificate and protocol settings (S-5), changed while the server runs: a
 * change is validated, stored, and applied to new connections with `setSecureContext`, so
 * established connections (agents, sessions, consoles) keep theirs. It also reads as the
 * {@link TlsMaterial} being served now.
 */
export class TlsService implements TlsMaterial {
  private readonly servers = new Set<TlsServer>();
  private readonly timers: CancelTimer[] = [];
  private revision = 0;

  private constructor(
    private readonly deps: TlsServiceDeps,
    private material: TlsMaterial,
    private current: TlsProtocolSettings,
  ) {}

  /** Loads the stored protocol settings and the revision the material was loaded at. */
  static async create(deps: TlsServiceDeps, material: TlsMaterial): Promise<TlsService> {
    // A node of a cluster serves the certificate uploaded on any node, also one uploaded while
    // it was down.
    const isTaken = await takeShared(deps);
    const service = new TlsService(
      deps,
      isTaken ? await loadServedMaterial(deps.config) : material,
      await effectiveProtocol(deps.settings, deps.config),
    );
    service.revision = await tlsRevision(deps.settings);
    return service;
  }

  get cert(): string {
    return this.material.cert;
  }
  get key(): string {
    return this.material.key;
  }
  get fingerprint(): string {
    return this.material.fingerprint;
  }
  get selfSigned(): boolean {
    return this.material.selfSigned;
  }
  get source(): TlsMaterial['source'] {
    return this.material.source;
  }
  get protocol(): TlsProtocolSettings {
    return this.current;
  }

  /** What a listener is created with, and what a change hands to `setSecureContext`. */
  secureContextOptions(): { cert: string; key: string } & TlsProtocolSettings {
    return { cert: this.material.cert, key: this.material.key, ...this.current };
  }

  /** Applies every later change to this listener too. */
  serve(server: TlsServer): void {
    this.servers.add(server);
  }

  summary(): CertificateSummary {
    return {
      ...summarize(readChain(this.material.cert), this.deps.clock.now()),
      source: this.material.source,
    };
  }

  status(): TlsStatus {
    return describeTls(this.material, this.current, {
      now: this.deps.clock.now(),
      publicUrl: this.deps.publicUrl(),
    });
  }

  private async prepare(
    input: unknown,
  ): Promise<{ prepared: PreparedChange; preview: TlsPreview }> {
    const request = TlsChangeRequest.parse(input);
    const prepared = await prepareTlsChange(request, {
      config: this.deps.config,
      settings: this.deps.settings,
      current: this.material,
      now: this.deps.clock.now(),
      publicUrl: this.deps.publicUrl(),
    });
    const agents = await assessAgentImpact(prepared.pair, prepared.protocol, {
      ...this.deps.connectedAgents(),
      isCertificateChanged: prepared.isCertificateChanged,
    });
    return {
      prepared,
      preview: {
        certificate: prepared.summary,
        protocol: prepared.protocol,
        warnings: prepared.warnings,
        agents,
      },
    };
  }

  /** Validates a change and says what it would do to agents; changes nothing. */
  async preview(request: TlsChangeRequest): Promise<TlsPreview> {
    return (await this.prepare(request)).preview;
  }

  /**
   * Validates, stores and applies a change, audited as `settings.changed` (target `tls`).
   * Refused with `CONFLICT` when agents would stop connecting and the administrator did not
   * accept that.
   */
  async change(request: TlsChangeRequest, actor: AdminActor): Promise<TlsChangeResult> {
    const { prepared, preview } = await this.prepare(request);
    if (!preview.agents.agentsKeepConnecting && request.acceptAgentImpact !== true) {
      throw new AppError(
        'CONFLICT',
        `Not saved: ${preview.agents.reasons.join(' ')} Confirm to save anyway.`,
      );
    }
    await saveTlsChange(prepared, { config: this.deps.config, settings: this.deps.settings });
    this.revision = await tlsRevision(this.deps.settings);
    await this.reload();
    await recordChange(this.deps.audit, 'settings.changed', actor, 'tls', {
      certificate: prepared.summary.fingerprint,
      source: prepared.summary.source,
      validTo: prepared.summary.validTo,
      ...prepared.protocol,
      agentsKeepConnecting: preview.agents.agentsKeepConnecting,
    });
    return { ...this.status(), agents: preview.agents };
  }

  /** Reads the stored settings again and applies them to every listener's new connections. */
  private async reload(): Promise<void> {
    await takeShared(this.deps);
    const [material, protocol] = await Promise.all([
      loadServedMaterial(this.deps.config),
      effectiveProtocol(this.deps.settings, this.deps.config),
    ]);
    // Built first: settings that cannot make a context leave every listener as it was.
    const options = { cert: material.cert, key: material.key, ...protocol };
    createSecureContext(options);
    for (const server of this.servers) server.setSecureContext(options);
    const isCertificateChanged = material.fingerprint !== this.material.fingerprint;
    this.material = material;
    if (isCertificateChanged) this.deps.announceCertificate(material.fingerprint);
    this.current = protocol;
    this.deps.log.info(
      {
        fingerprint: material.fingerprint,
        source: material.source,
        minVersion: protocol.minVersion,
      },
      'TLS settings applied to new connections',
    );
    await this.checkExpiry();
  }

  private async checkExpiry(): Promise<void> {
    await notifyCertificateExpiry(this.summary(), {
      settings: this.deps.settings,
      notify: (notification) => this.deps.notifications().notify(notification),
    });
  }

  /**
   * Starts the daily expiry check (now, then every day on the server's clock) and, unless told
   * otherwise (a test driving the clock through weeks), the watch for changes the headless CLI
   * saved.
   */
  start(options: { watchSavedChanges?: boolean } = {}): void {
    const run = (what: string, work: () => Promise<void>) => (): void => {
      work().catch((error: unknown) => this.deps.log.error({ err: error }, `TLS: cannot ${what}`));
    };
    const checkExpiry = run('check the certificate expiry', () => this.checkExpiry());
    checkExpiry();
    this.timers.push(repeat(this.deps.clock, checkExpiry, DAY_MS));
    if (options.watchSavedChanges === false) return;
    this.timers.push(
      repeat(
        this.deps.clock,
        run('apply saved TLS settings', async () => {
          const revision = await tlsRevision(this.deps.settings);
          if (revision === this.revision) return;
          this.revision = revision;
          await this.reload();
        }),
        REVISION_POLL_MS,
      ),
    );
  }

  stop(): void {
    for (const cancel of this.timers.splice(0)) cancel();
  }
}

/**
 * Takes the certificate uploaded on another node of the cluster (`takeUploadedCertificate`);
 * when it cannot be opened, this node keeps serving its own and says what to do.
 */
async function takeShared(deps: TlsServiceDeps): Promise<boolean> {
  try {
    return await takeUploadedCertificate(deps.config, deps.settings);
  } catch (error) {
    deps.log.error(
      { err: error },
      "TLS: cannot take the certificate uploaded on another node; give this node a copy of the first node's keys folder",
    );
    return false;
  }
}

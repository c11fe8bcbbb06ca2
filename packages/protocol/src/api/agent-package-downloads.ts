import { z } from 'zod';
import { InstallerId, Timestamp } from '../ids.js';

/**
 * The files an installer's agent package is offered as (issue 14): `install.sh` (what the
 * one-liner runs), the self-extracting `tether-agent.run`, `tether-agent.deb` and the
 * `tether-agent.tar.gz` folder.
 */
export const AGENT_PACKAGE_FILES = [
  'install.sh',
  'tether-agent.run',
  'tether-agent.deb',
  'tether-agent.tar.gz',
] as const;
export const AgentPackageFile = z.enum(AGENT_PACKAGE_FILES);
export type AgentPackageFile = z.infer<typeof AgentPackageFile>;

/** One download: its file name, what it is, its size and its public link. */
export const AgentPackageDownload = z.object({
  file: AgentPackageFile,
  label: z.string(),
  /** Exact size in bytes (packages are reproducible: the same installer gives the same bytes). */
  bytes: z.int().nonnegative(),
  /**
   * The public link (no sign-in): carries a key derived from the installer that dies when the
   * installer is revoked, expires or is extended. Anyone with it can enrol a device: share it
   * as you would the installer's token.
   */
  url: z.url(),
});
export type AgentPackageDownload = z.infer<typeof AgentPackageDownload>;

/**
 * `GET /api/v1/installers/:id/downloads`: the one-liner and the files of an installer's agent
 * package, for the console and the CLI.
 *
 * @example
 * const { oneLiner } = await api.call(agentPackageEndpoints.downloads, { params: { id } });
 */
export const AgentPackageDownloads = z.object({
  installerId: InstallerId,
  /** The address inside the packages: the server's public URL (or the installer's own). */
  serverUrl: z.url(),
  /** `curl -fsSL … | sudo sh`, ready to paste on a device. */
  oneLiner: z.string(),
  files: z.array(AgentPackageDownload),
  version: z.string(),
  arch: z.string(),
  expiresAt: Timestamp,
  /**
   * Set when devices could not reach the address inside (it is a loopback address such as
   * `localhost`): what to change before rolling the package out.
   */
  warning: z.string().optional(),
});
export type AgentPackageDownloads = z.infer<typeof AgentPackageDownloads>;

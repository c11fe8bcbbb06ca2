// The agent package (issue 14): what the server ships to devices, as `@tether/protocol/agent-package`.
// Kept out of the agent's barrel (agent-side.ts): only installing and upgrading load it, never
// `agent run` at start (the agent's memory target has no margin).
import { z } from 'zod';
import { Base64Url, InstallerId, Timestamp } from '../ids.js';
import { InstallerAttributeName, InstallerAttributes } from '../api/installers.js';
// The one-time agent of an ad-hoc session hands its code to an installed agent.
export {
  AttachSupportCodeResponse,
  supportAttachSigningInput,
  type AttachSupportCodeRequest,
} from '../api/adhoc-sessions.js';

// What installing needs from the installer schemas, so the agent's install code (which may not
// import the `@tether/protocol` barrel) reaches them through this entry.
export {
  EPHEMERAL_MAX_OFFLINE_MINUTES,
  INSTALL_OVERRIDE_OPTIONS,
  InstallOverrides,
  type EnrollWithOverridesRequest,
  type InstallOverrideOption,
  type InstallerAttributeName,
} from '../api/installers.js';

/**
 * Where things are inside a package (the folder a `.run`, `.tar.gz` or `.deb` unpacks to) and
 * inside an install (`/opt/tether-agent` for a service, `~/.local/share/tether-agent` for a user):
 *
 * ```
 * tether-agent            the launcher (sh): runs the current version, rolls a failed upgrade back
 * versions/<v>/runtime/node      the Node runtime the agent runs on (none needed on the device)
 * versions/<v>/app/tether-agent.mjs   the agent bundle (+ chunks, + node_modules with prebuilt addons)
 * current -> versions/<v>  (install only)
 * installer.json, manifest.json, manifest.sig   (package only)
 * ```
 *
 * A package holds exactly one version under `versions/`. Paths are relative, `/`-separated.
 */
export const PACKAGE_LAYOUT = {
  launcher: 'tether-agent',
  versionsDir: 'versions',
  current: 'current',
  /** Inside `versions/<v>/`. */
  runtime: 'runtime/node',
  appDir: 'app',
  entry: 'app/tether-agent.mjs',
  installerConfig: 'installer.json',
  manifest: 'manifest.json',
  signature: 'manifest.sig',
} as const;

/** A lower-case hex SHA-256. */
export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a hex SHA-256');

/**
 * `manifest.json`: every file of a package (or of an upgrade build) with its SHA-256, signed by
 * the server key in `manifest.sig`. The agent checks the signer against its pin (the installer
 * token's `serverKeyHash`, or the key it enrolled with for upgrades), the signature, then every
 * file, before it installs anything. A file not listed is refused too.
 *
 * @example
 * const manifest: PackageManifest = { format: 1, version: '0.1.0', platform: 'linux', arch: 'x64', files: { 'tether-agent': sha }, signer, createdAt };
 */
export const PackageManifest = z.object({
  format: z.literal(1),
  /** The agent version inside (`TETHER_VERSION` of its build). */
  version: z.string().min(1).max(64),
  platform: z.literal('linux'),
  /** `process.arch` of the runtime inside, e.g. `x64`. */
  arch: z.string().min(1).max(16),
  /** Path (relative to the package root) → SHA-256; everything but manifest.json and manifest.sig. */
  files: z.record(z.string().min(1).max(512), Sha256Hex),
  /** The signing server key, raw Ed25519 as base64url: its SHA-256 must equal the pin. */
  signer: Base64Url,
  createdAt: Timestamp,
});
export type PackageManifest = z.infer<typeof PackageManifest>;

/**
 * The exact bytes the server key signs for a package: a domain prefix and manifest.json's bytes
 * as shipped (the agent verifies the file's text, then parses it).
 *
 * @example
 * const ok = verify(packageSigningInput(manifestText), signature, serverKey);
 */
export function packageSigningInput(manifestText: string): string {
  return `tether-agent-package.v1\n${manifestText}`;
}

/**
 * `installer.json`: what an installer put into its package: where to enrol, the token, the
 * attributes and which of them may be overridden at install time (A-1…A-3).
 *
 * @example
 * const config = InstallerConfig.parse(JSON.parse(readFileSync('installer.json', 'utf8')));
 */
export const InstallerConfig = z.object({
  format: z.literal(1),
  installerId: InstallerId,
  /** The https address the agent enrols with and connects to (the server's public URL). */
  serverUrl: z.url({ protocol: /^https$/ }),
  /** The installer's enrolment token (`tet1.…`), which pins the server key. Never logged. */
  token: z.string().min(1).max(4096),
  attributes: InstallerAttributes,
  overridable: z.array(InstallerAttributeName),
  expiresAt: Timestamp,
});
export type InstallerConfig = z.infer<typeof InstallerConfig>;

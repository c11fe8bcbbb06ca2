/**
 * Installing and uninstalling the agent from its package (issue 14, A-3/A-4), as
 * `@tether/agent/install`. Only the `install`, `uninstall` and `enroll` commands import it,
 * lazily: `agent run` never loads this code (the agent's memory target has no margin).
 *
 * @example
 * const { installAgent, installArguments } = await import('@tether/agent/install');
 */
export { installAgent, type InstallAgentOptions } from './install-agent.js';
export { uninstallAgent, runningInstall, type UninstallAgentOptions } from './uninstall-agent.js';
export {
  FLAG_OVERRIDES,
  installArguments,
  launcherFolder,
  type InstallArguments,
} from './install-arguments.js';
export {
  installPaths,
  onDisk,
  SERVICE_ACCOUNT,
  UNIT_NAME,
  type InstallPaths,
} from './install-paths.js';
export { serviceCommand, serviceUnit, userUnit, autostartEntry } from './system-units.js';
export { verifyPackage, verifySignedFolder } from './verify-package.js';

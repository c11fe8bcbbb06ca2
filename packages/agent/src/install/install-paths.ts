import { join } from 'node:path';

/** How the agent runs: a system service under its own account, or in one user's session. */
export type InstallMode = 'service' | 'user';

/** The system account a service install runs as. */
export const SERVICE_ACCOUNT = 'tether-agent';
/** The unit's name, for systemctl, in both modes. */
export const UNIT_NAME = 'tether-agent.service';

/**
 * Where an install puts things, as the installed system sees them (without the `--root`
 * prefix: unit files name these paths, and the service runs inside that system).
 */
export interface InstallPaths {
  mode: InstallMode;
  /** The launcher, `versions/` and `current`. */
  installDir: string;
  /** The agent's identity and config (`--data-dir` of `tether-agent run`). */
  dataDir: string;
  /** What the installer did and why it failed; kept after a failed install. */
  logFile: string;
  /** The systemd unit (system unit for a service, user unit for a user install). */
  unitFile: string;
  /** The XDG autostart entry (user installs only). */
  autostartFile?: string;
  /** The account the service runs as (service installs only). */
  account?: string;
  /**
   * The service account's home (service installs only): a folder inside the data folder, not
   * the data folder itself, because sessions start there (the terminal's working folder, the
   * default root of file transfers) and the agent's private key must not be one click away.
   */
  accountHome?: string;
}

/**
 * The paths of an install: `/opt/tether-agent`, `/var/lib/tether-agent` and a system unit for
 * a service; `~/.local/share/tether-agent`, `~/.tether-agent`, a user unit and an autostart
 * entry for a user.
 *
 * @example
 * const paths = installPaths({ mode: 'service' }); // paths.dataDir === '/var/lib/tether-agent'
 */
export function installPaths(options: {
  mode: InstallMode;
  /** The user's home folder (user installs). */
  home?: string;
  /** `--install-dir`, instead of the default. */
  installDir?: string;
}): InstallPaths {
  if (options.mode === 'service') {
    return {
      mode: 'service',
      installDir: options.installDir ?? '/opt/tether-agent',
      dataDir: '/var/lib/tether-agent',
      logFile: '/var/log/tether-agent-install.log',
      unitFile: `/etc/systemd/system/${UNIT_NAME}`,
      account: SERVICE_ACCOUNT,
      accountHome: '/var/lib/tether-agent/home',
    };
  }
  const home = options.home ?? '/root';
  return {
    mode: 'user',
    installDir: options.installDir ?? join(home, '.local/share/tether-agent'),
    dataDir: join(home, '.tether-agent'),
    // Beside the data folder, not in it: a failed install removes that folder, not its reason.
    logFile: join(home, '.tether-agent-install.log'),
    unitFile: join(home, '.config/systemd/user', UNIT_NAME),
    autostartFile: join(home, '.config/autostart/tether-agent.desktop'),
  };
}

/** A path of the installed system as it is on disk under `--root` (`/` when installing for real). */
export function onDisk(root: string, path: string): string {
  return root === '/' ? path : join(root, path);
}

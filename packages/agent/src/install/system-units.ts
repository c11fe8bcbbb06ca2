import { dirname, join } from 'node:path';
import { PACKAGE_LAYOUT } from '@tether/protocol/agent-package';
import type { InstallPaths } from './install-paths.js';
import { UNINSTALL_REQUEST_FILE } from './uninstall-request.js';

/**
 * The command line the unit runs (`ExecStart`): the launcher with `run` and the data folder.
 * Tests run exactly this (systemd is not PID 1 in CI); so does the "start it with" hint.
 */
export function serviceCommand(paths: InstallPaths): string[] {
  return [join(paths.installDir, PACKAGE_LAYOUT.launcher), 'run', '--data-dir', paths.dataDir];
}

/** A command line as systemd and sh read it back: words quoted only when they need to be. */
export function commandLine(words: readonly string[]): string {
  return words
    .map((word) =>
      /^[\w@%+=:,./-]+$/.test(word) ? word : `"${word.replace(/(["\\$`])/g, '\\$1')}"`,
    )
    .join(' ');
}

/**
 * The system unit of a service install. The comments are the documentation of the rights the
 * agent keeps (the package README says the same): an administrator reading the unit on a
 * device sees why each line is there.
 */
export function serviceUnit(paths: InstallPaths): string {
  const account = paths.account ?? 'tether-agent';
  return `# The Tether agent as a system service (installed by \`tether-agent install\`).
# Remove it with \`${join(paths.installDir, PACKAGE_LAYOUT.launcher)} uninstall\`.
#
# It runs as the system account "${account}" (no login shell, home = ${paths.accountHome ?? paths.dataDir}), never
# as root. The rights it keeps, and why:
# - outbound HTTPS to the Tether server (it listens on nothing);
# - read/write ${paths.dataDir} (its identity and config, 0700) and ${paths.installDir}
#   (upgrades from the server add versions/<v> and switch current; a failed start rolls back);
# - the X display sockets in /tmp/.X11-unix, read-only bound into its private /tmp: the
#   consent prompt and desktop sessions (x11vnc) show on the user's display, with that
#   display's permission (xhost or its Xauthority) granted to "${account}";
# - terminal sessions open a pty as "${account}" itself: the service cannot become another
#   user (NoNewPrivileges). For a shell as a chosen user, install in user mode as that user
#   (\`--mode user\`), or add a drop-in that sets User= to that user.
# Everything else is read-only (ProtectSystem=strict) or hidden (PrivateTmp, kernel knobs).
[Unit]
Description=Tether agent (remote support)
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User=${account}
Group=${account}
ExecStart=${commandLine(serviceCommand(paths))}
Restart=always
RestartSec=5
UMask=0077
NoNewPrivileges=yes
ProtectSystem=strict
ReadWritePaths=${paths.dataDir} ${paths.installDir}
PrivateTmp=yes
BindReadOnlyPaths=-/tmp/.X11-unix
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectControlGroups=yes
RestrictSUIDSGID=yes
LockPersonality=yes

[Install]
WantedBy=multi-user.target
`;
}

/** The user unit of a user install: the agent in that user's session, with that user's rights. */
export function userUnit(paths: InstallPaths): string {
  return `# The Tether agent in this user's session (installed by \`tether-agent install --mode user\`).
# It has exactly this user's rights: terminals are this user's shell, the desktop is this
# user's display. Remove it with \`${join(paths.installDir, PACKAGE_LAYOUT.launcher)} uninstall\`.
[Unit]
Description=Tether agent (remote support, this user's session)

[Service]
Type=simple
ExecStart=${commandLine(serviceCommand(paths))}
Restart=always
RestartSec=5
UMask=0077

[Install]
WantedBy=default.target
`;
}

/**
 * The XDG autostart entry of a user install, for desktop sessions without a systemd user
 * manager. When the user unit is enabled, systemd already runs the agent, so the entry steps
 * aside instead of starting a second one.
 */
export function autostartEntry(paths: InstallPaths): string {
  const run = commandLine(serviceCommand(paths));
  const script = `systemctl --user -q is-enabled tether-agent.service 2>/dev/null || exec ${run}`;
  return `[Desktop Entry]
Type=Application
Name=Tether agent
Comment=Remote support: lets your technicians connect to this session
Exec=sh -c '${script.replace(/'/g, `'\\''`)}'
NoDisplay=true
X-GNOME-Autostart-enabled=true
`;
}

/** The root-run units of a service install that carry out an uninstall the agent asks for. */
export const UNINSTALL_UNIT = 'tether-agent-uninstall';

/**
 * A service install's uninstall units (issue 15): the agent runs as an unprivileged account and
 * cannot remove its own unit, files and account when the server deletes its device, so it writes
 * a request file in its data folder and this path unit (root's) runs the uninstall. None for
 * user installs (the agent may remove its own install).
 *
 * @example
 * for (const unit of uninstallUnits(paths)) await writeOwnFile(unit.file, unit.text);
 */
export function uninstallUnits(paths: InstallPaths): { file: string; text: string }[] {
  if (paths.mode !== 'service') return [];
  const folder = dirname(paths.unitFile);
  const uninstall = [
    join(paths.installDir, PACKAGE_LAYOUT.launcher),
    'uninstall',
    '--purge',
    '--by-agent',
    '--install-dir',
    paths.installDir,
  ];
  return [
    {
      file: join(folder, `${UNINSTALL_UNIT}.path`),
      text: `# Uninstalls the Tether agent when its server deleted this device (installed by
# \`tether-agent install\`): the agent, which runs unprivileged, writes the file below.
[Unit]
Description=Tether agent: uninstall when the server deleted this device

[Path]
PathExists=${join(paths.dataDir, UNINSTALL_REQUEST_FILE)}

[Install]
WantedBy=multi-user.target
`,
    },
    {
      file: join(folder, `${UNINSTALL_UNIT}.service`),
      text: `# Run by ${UNINSTALL_UNIT}.path: removes the agent, its units, account and identity.
[Unit]
Description=Tether agent: uninstall (the server deleted this device)

[Service]
Type=oneshot
ExecStart=${commandLine(uninstall)}
`,
    },
  ];
}

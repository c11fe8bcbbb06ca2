import { resolve } from 'node:path';
import type { InstallOverrideOption } from '@tether/protocol/agent-package';
import { stringOption, type Command } from '../command.js';

// The `--jc-*` options, listed here rather than read from the protocol: this table loads
// with every `tether-agent run`, and the agent's memory target leaves no room for the
// installer schemas. `satisfies` keeps it in step with INSTALL_OVERRIDE_OPTIONS.
const OVERRIDE_OPTIONS = {
  'jc-name': { type: 'string' },
  'jc-jump-group': { type: 'string' },
  'jc-public-site-address': { type: 'string' },
  'jc-session-policy-present': { type: 'string' },
  'jc-session-policy-not-present': { type: 'string' },
  'jc-jump-policy': { type: 'string' },
  'jc-max-offline-minutes': { type: 'string' },
  'jc-ephemeral': { type: 'boolean' },
  'jc-tag': { type: 'string' },
  'jc-comments': { type: 'string' },
  'jc-connection-type': { type: 'string' },
  'jc-mode': { type: 'string' },
  'jc-minimize-on-start': { type: 'boolean' },
} as const satisfies Record<InstallOverrideOption, { type: 'string' | 'boolean' }>;

export const agentInstallCommand: Command = {
  name: 'agent install',
  summary: 'Install the agent from its package as a service (or for this user) and enrol it.',
  usage: `tether-agent install [--package-dir DIR] [--install-dir DIR] [--mode service|user]
                     [--silent] [--no-start] [--root DIR] [--jc-… VALUE]… [KEY=value]…

  --package-dir DIR   the unpacked package (default: the folder of this tether-agent)
  --install-dir DIR   where the agent goes (default /opt/tether-agent as a service,
                      ~/.local/share/tether-agent for a user)
  --mode service|user a system service under its own account, or this user's session only
                      (same as --jc-mode; without root a service install falls back to user)
  --silent            no progress lines (errors still go to stderr and the install log)
  --no-start          install and enable, but do not start the agent now
  --root DIR          install under DIR as if it were / (like DESTDIR; tests, images)

Install-time overrides of the installer's attributes (refused unless the installer allows
overriding that attribute; then nothing is installed):
  --jc-name NAME  --jc-jump-group jumpgroup:NAME  --jc-tag TAG  --jc-comments TEXT
  --jc-jump-policy NAME  --jc-session-policy-present NAME  --jc-session-policy-not-present NAME
  --jc-public-site-address URL  --jc-max-offline-minutes N  --jc-ephemeral (5 minutes)
  --jc-connection-type active|passive  --jc-mode service|user  --jc-minimize-on-start

Every option also works as KEY=value (no dashes, upper case, _ for -: JC_TAG=web,
INSTALL_DIR=/opt/x, SILENT=1) and, for the --jc-* ones, as environment variables (JC_TAG=web).

The package is verified first (the server's signature, then every file); an expired installer,
a tampered package or a refused override installs nothing. The log goes to
/var/log/tether-agent-install.log (service) or ~/.tether-agent-install.log (user).`,
  options: {
    'package-dir': { type: 'string' },
    'install-dir': { type: 'string' },
    mode: { type: 'string' },
    silent: { type: 'boolean' },
    'no-start': { type: 'boolean' },
    root: { type: 'string' },
    ...OVERRIDE_OPTIONS,
  },
  allowPositionals: true,
  async run(input) {
    const { installAgent, installArguments } = await import('@tether/agent/install');
    return installAgent({
      args: installArguments(input.values, { positionals: input.positionals, env: input.env }),
      entry: process.argv[1],
      env: input.env,
      out: input.out,
      err: (line) => void process.stderr.write(`${line}\n`),
    });
  },
};

export const agentUninstallCommand: Command = {
  name: 'agent uninstall',
  summary: 'Remove the installed agent: its unit, files and service account.',
  usage: `tether-agent uninstall [--purge] [--install-dir DIR] [--root DIR] [--by-agent]

  --purge             also remove the agent's identity (/var/lib/tether-agent or
                      ~/.tether-agent) and the install log
  --by-agent          the agent removes itself (device deleted, deletion deadline passed):
                      no local-uninstall restriction, nothing reported to the server
  --install-dir DIR   the install to remove (default: the one this tether-agent runs from,
                      else /opt/tether-agent, else ~/.local/share/tether-agent)
  --root DIR          the system root it was installed under (as given to install)

Stops and disables the unit when systemd runs, then tells the server, which marks the device
uninstalled or removes it (admin console, Maintenance). When the administrator restricted local
uninstall, only root may run it.`,
  options: {
    purge: { type: 'boolean' },
    'by-agent': { type: 'boolean' },
    'install-dir': { type: 'string' },
    root: { type: 'string' },
  },
  async run(input) {
    const install = await import('@tether/agent/install');
    const installDir = stringOption(input, 'install-dir');
    const runningFrom = install.runningInstall(process.argv[1]);
    return install.uninstallAgent({
      root: resolve(stringOption(input, 'root') ?? '/'),
      ...(installDir ? { installDir: resolve(installDir) } : {}),
      ...(runningFrom ? { runningFrom } : {}),
      isPurge: input.values['purge'] === true,
      isByAgent: input.values['by-agent'] === true,
      env: input.env,
      out: input.out,
      err: (line) => void process.stderr.write(`${line}\n`),
    });
  },
};

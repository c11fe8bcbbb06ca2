import { resolve } from 'node:path';
import { AppError } from '@tether/protocol/app-error';
import { stringOption, type Command, type CommandInput } from '../command.js';
import { checkoutRoot } from '../self.js';

const PORT = /^\d{1,5}$/;

function portOption(input: CommandInput, name: string, fallback: number): number;
function portOption(input: CommandInput, name: string, fallback: number | null): number | null;
function portOption(input: CommandInput, name: string, fallback: number | null): number | null {
  const value = stringOption(input, name);
  if (value === undefined) return fallback;
  if (value === 'off' && name === 'http-port') return null;
  if (!PORT.test(value) || Number(value) < 1 || Number(value) > 65535)
    throw new AppError('INVALID_INPUT', `--${name} takes a port from 1 to 65535, not "${value}".`);
  return Number(value);
}

/** The layout, with the paths a command accepts, and the `--root` prefix. */
async function layoutFrom(input: CommandInput) {
  const { DEFAULT_LAYOUT } = await import('../service/systemd-unit.js');
  const programDir = stringOption(input, 'program-dir');
  const root = stringOption(input, 'root');
  return {
    layout: { ...DEFAULT_LAYOUT, ...(programDir ? { programDir: resolve(programDir) } : {}) },
    root: root ? resolve(root) : '',
  };
}

export const serverInstallCommand: Command = {
  name: 'server install',
  summary: 'Install the server as the systemd service "tether" (run as root).',
  usage: `tether server install [--program-dir DIR] [--node PATH] [--from CHECKOUT]
                      [--https-port N] [--http-port N|off] [--admin-port N] [--public-url URL]
                      [--root DIR]

Copies the built bundle (\`npm run build\`), the console and the native modules it needs from
the checkout (default: the one this command runs from) to --program-dir (default /opt/tether);
creates the system account "tether" (useradd --system; also declared in
/usr/lib/sysusers.d/tether.conf); writes /etc/tether/config.json (mode 640) unless it exists,
with HTTPS on 443, an HTTP redirect on 80 and the admin interface on 7615 (or the ports given);
creates /var/lib/tether (mode 750, owned by tether); writes /etc/systemd/system/tether.service
(runs --node, default this node, as tether, sandboxed: ProtectSystem=strict, ProtectHome,
PrivateTmp, NoNewPrivileges, only CAP_NET_BIND_SERVICE, …); then systemctl daemon-reload and
enable --now. Running it again upgrades the program and restarts the service; the config and
data are kept.

--root DIR writes every file under DIR instead and runs neither useradd nor systemctl (tests,
image builds).`,
  options: {
    'program-dir': { type: 'string' },
    node: { type: 'string' },
    from: { type: 'string' },
    'https-port': { type: 'string' },
    'http-port': { type: 'string' },
    'admin-port': { type: 'string' },
    'public-url': { type: 'string' },
    root: { type: 'string' },
  },
  async run(input) {
    const { afterInstall, installService, serviceConfig } =
      await import('../service/service-install.js');
    const { layout, root } = await layoutFrom(input);
    const options = {
      layout,
      root,
      from: resolve(stringOption(input, 'from') ?? checkoutRoot),
      node: stringOption(input, 'node') ?? process.execPath,
      config: serviceConfig(layout, {
        https: portOption(input, 'https-port', 443),
        http: portOption(input, 'http-port', 80),
        admin: portOption(input, 'admin-port', 7615),
        publicUrl: stringOption(input, 'public-url'),
      }),
      out: input.out,
    };
    // The server validates its config at start; a bad --public-url is better refused now.
    const { loadServerConfig } = await import('@tether/server/config');
    loadServerConfig({ flags: options.config });
    await installService(options);
    for (const line of await afterInstall(options)) input.out(line);
    return 0;
  },
};

export const serverUninstallCommand: Command = {
  name: 'server uninstall',
  summary: 'Stop and remove the "tether" service and its program; data and config stay.',
  usage: `tether server uninstall [--purge] [--program-dir DIR] [--root DIR]

Stops and disables the service, removes its unit and the program directory (default
/opt/tether). /var/lib/tether (database, keys, recordings), /etc/tether and the account
"tether" are kept, so installing again picks up where it was; --purge removes them too.
--root DIR works under DIR only, without systemctl.`,
  options: {
    purge: { type: 'boolean' },
    'program-dir': { type: 'string' },
    root: { type: 'string' },
  },
  async run(input) {
    const { uninstallService } = await import('../service/service-install.js');
    const { layout, root } = await layoutFrom(input);
    await uninstallService({ layout, root, purge: input.values.purge === true, out: input.out });
    return 0;
  },
};

import { AppError } from '@tether/protocol/app-error';
import { stringOption, type Command, type CommandInput } from '../command.js';
import { withStore } from '../headless.js';
import { dataDirOptions, serverConfigFrom } from '../server-config.js';

interface ProxySettingsView {
  behindProxy: boolean;
  trustedProxies: string[];
  forwardedHeader: 'x-forwarded-for' | 'forwarded';
}

function describe(settings: ProxySettingsView): string {
  return [
    `behind a proxy:   ${settings.behindProxy ? 'yes (agents’ proofs are not bound to TLS)' : 'no (direct)'}`,
    `trusted proxies:  ${settings.trustedProxies.length ? settings.trustedProxies.join(', ') : 'none (forwarded headers ignored)'}`,
    `forwarded header: ${settings.forwardedHeader}`,
  ].join('\n');
}

function onOff(input: CommandInput, name: string): boolean | undefined {
  const value = stringOption(input, name);
  if (value === undefined) return undefined;
  if (value === 'on' || value === 'off') return value === 'on';
  throw new AppError('INVALID_INPUT', `--${name} takes on or off, not "${value}".`);
}

function header(input: CommandInput): ProxySettingsView['forwardedHeader'] | undefined {
  const value = stringOption(input, 'forwarded-header');
  if (value === undefined || value === 'x-forwarded-for' || value === 'forwarded') return value;
  throw new AppError(
    'INVALID_INPUT',
    `--forwarded-header takes x-forwarded-for or forwarded, not "${value}".`,
  );
}

const showCommand: Command = {
  name: 'admin proxy show',
  summary: 'Show the reverse-proxy settings (S-11).',
  usage: `tether admin proxy show [--data-dir DIR]`,
  options: { ...dataDirOptions },
  async run(input) {
    const { readProxySettings } = await import('@tether/server');
    const config = await serverConfigFrom(input);
    const settings = await withStore(config, ({ store }) => readProxySettings(store, config));
    input.out(describe(settings));
    return 0;
  },
};

const setCommand: Command = {
  name: 'admin proxy set',
  summary: 'Change the reverse-proxy settings: behind a proxy, trusted proxies, forwarded header.',
  usage: `tether admin proxy set [--behind-proxy on|off] [--trusted-proxies LIST]
                       [--forwarded-header x-forwarded-for|forwarded] [--data-dir DIR]

--behind-proxy on: a reverse proxy that terminates TLS stands in front of the server. Agents'
  proofs are then no longer bound to the TLS certificate they see (the pinned server key still
  authenticates the server); see the README, "Behind a reverse proxy".
--trusted-proxies: comma-separated addresses or CIDR subnets (10.0.0.5,fd00::/8) whose
  forwarded headers are believed; "" clears the list. Headers from anyone else are ignored.
--forwarded-header: the header those proxies write (default x-forwarded-for).
Options not given keep their value. A running server applies the change within a few seconds.`,
  options: {
    ...dataDirOptions,
    'behind-proxy': { type: 'string' },
    'trusted-proxies': { type: 'string' },
    'forwarded-header': { type: 'string' },
  },
  async run(input) {
    const { readProxySettings, writeProxySettings } = await import('@tether/server');
    const behindProxy = onOff(input, 'behind-proxy');
    const list = stringOption(input, 'trusted-proxies');
    const forwardedHeader = header(input);
    const config = await serverConfigFrom(input);
    const saved = await withStore(config, async ({ store, audit }) => {
      const current = await readProxySettings(store, config);
      const next = {
        behindProxy: behindProxy ?? current.behindProxy,
        trustedProxies: list === undefined ? current.trustedProxies : list.split(','),
        forwardedHeader: forwardedHeader ?? current.forwardedHeader,
      };
      const written = await writeProxySettings(store, next);
      await audit.record({
        action: 'settings.changed',
        actor: 'system',
        target: 'proxy',
        details: { ...written, previous: current, via: 'headless' },
      });
      return written;
    });
    input.out(describe(saved));
    return 0;
  },
};

export const proxyCommands: Command[] = [showCommand, setCommand];

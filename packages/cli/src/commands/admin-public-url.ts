import { AppError } from '@tether/protocol/app-error';
import type { PublicUrlSettings } from '@tether/protocol';
import type { ServerConfig, Store } from '@tether/server';
import type { Command } from '../command.js';
import { withStore } from '../headless.js';
import { dataDirOptions, serverConfigFrom } from '../server-config.js';

const SOURCES: Record<PublicUrlSettings['source'], string> = {
  config: 'the config file or TETHER_PUBLIC_URL (wins over the saved address)',
  saved: 'saved (admin console or this command)',
  detected: 'detected from this machine’s name or address (nothing set)',
};

function describe(settings: PublicUrlSettings): string {
  const lines = [
    `public URL: ${settings.effective}`,
    `from:       ${SOURCES[settings.source]}`,
    `saved:      ${settings.saved ?? 'none'}`,
    `detected:   ${settings.detected}`,
  ];
  if (settings.source === 'config' && settings.saved !== null)
    lines.push(
      `The saved address is not used while the config file or TETHER_PUBLIC_URL sets ${settings.configured ?? ''}.`,
    );
  return [...lines, ...settings.warnings.map((warning) => `warning: ${warning}`)].join('\n');
}

/** The settings as a server on this data directory uses them. */
async function settingsOf(store: Store, config: ServerConfig): Promise<PublicUrlSettings> {
  const { readPublicUrlHeadless } = await import('@tether/server');
  return readPublicUrlHeadless({ config, store });
}

export const publicUrlCommand: Command = {
  name: 'admin public-url',
  summary: 'Show or change the https address agents and agent packages use to reach this server.',
  usage: `tether admin public-url [show | set URL | clear] [--data-dir DIR]

show (default): the address in use and where it comes from.
set URL: save https://host[:port] (no path): what installers, agent packages and enrolment
  commands carry. Agents enrolled before keep the address they enrolled with.
clear: remove the saved address; the server then uses this machine's fully qualified name (or
  its first network address) and its HTTPS port.
A publicUrl in the config file or TETHER_PUBLIC_URL (or \`tether server --public-url\`) wins
over the saved address. A running server picks up a change within a few seconds.`,
  options: { ...dataDirOptions },
  allowPositionals: true,
  async run(input) {
    const { writeSavedPublicUrl } = await import('@tether/server');
    const [action = 'show', url, ...rest] = input.positionals;
    if (action !== 'show' && action !== 'set' && action !== 'clear')
      throw new AppError('INVALID_INPUT', `Unknown action "${action}"; use show, set or clear.`);
    if (rest.length > 0 || (action === 'set') !== (url !== undefined))
      throw new AppError(
        'INVALID_INPUT',
        action === 'set'
          ? 'Give one address: tether admin public-url set https://support.example.com'
          : `Unexpected "${[url, ...rest].join(' ')}"; see tether admin public-url --help.`,
      );
    const config = await serverConfigFrom(input);
    const settings = await withStore(config, async ({ store, audit }) => {
      if (action === 'show') return settingsOf(store, config);
      const before = await settingsOf(store, config);
      const saved = await writeSavedPublicUrl(store, url ?? null);
      const after = await settingsOf(store, config);
      await audit.record({
        action: 'settings.changed',
        actor: 'system',
        target: 'public-url',
        details: {
          saved,
          previous: before.saved,
          effective: after.effective,
          source: after.source,
          via: 'headless',
        },
      });
      return after;
    });
    input.out(describe(settings));
    return 0;
  },
};

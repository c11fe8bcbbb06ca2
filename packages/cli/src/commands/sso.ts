import type { Command } from '../command.js';
import { withStore } from '../headless.js';
import { dataDirOptions, serverConfigFrom } from '../server-config.js';

const listCommand: Command = {
  name: 'sso list',
  summary: 'List the single sign-on providers (OpenID Connect, SAML) and the URLs to give them.',
  usage: `tether sso list [--data-dir DIR] [--config FILE]

One provider a line, tab-separated: ID, protocol, label, state, where it is set (config file or
admin interface), and the URL the identity provider's administrator enters: the redirect URI
(OpenID Connect) or the metadata URL (SAML). Never a client secret. Providers are added and
tested in the admin interface (https://HOST:7615/conf/single-sign-on) or the config file
(singleSignOn).`,
  options: { ...dataDirOptions },
  async run(input) {
    const config = await serverConfigFrom(input);
    const { createSsoProviders, readPublicUrlHeadless } = await import('@tether/server');
    const entries = await withStore(config, async ({ store }) => {
      const { effective } = await readPublicUrlHeadless({ config, store });
      return createSsoProviders({
        store,
        configured: config.singleSignOn.providers,
        publicUrl: () => effective,
      }).list();
    });
    const lines = entries.map(({ provider, origin, serviceProvider }) =>
      [
        provider.id,
        provider.kind,
        provider.label,
        provider.enabled ? 'enabled' : 'disabled',
        origin,
        serviceProvider.redirectUri ?? serviceProvider.metadataUrl ?? '-',
      ].join('\t'),
    );
    input.out(['ID\tPROTOCOL\tLABEL\tSTATE\tSET IN\tURL FOR THE PROVIDER', ...lines].join('\n'));
    return 0;
  },
};

export const ssoCommands: Command[] = [listCommand];

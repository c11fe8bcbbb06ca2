// A real OpenID Connect provider (panva's oidc-provider) for tests, run as its own process:
// `node oidc-idp-process.mjs` with OIDC_IDP_SETUP = JSON { clients, accounts }. It listens on an
// ephemeral loopback port and prints `listening <issuer>` once ready. Its development
// interactions (a login form taking any password, a consent button) stand in for a login page.
import { createServer } from 'node:http';
import process from 'node:process';
import Provider from 'oidc-provider';

const setup = JSON.parse(process.env.OIDC_IDP_SETUP ?? '{}');
const accounts = setup.accounts ?? {};
const server = createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: setup.clients,
    pkce: { required: () => true },
    scopes: ['openid', 'profile', 'email', 'groups', 'offline_access'],
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username'],
      email: ['email'],
      groups: ['groups'],
    },
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ['oidc-idp-test-cookie-key'] },
    async findAccount(_context, id) {
      const account = accounts[id];
      if (!account) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...account }) };
    },
  });
  server.on('request', provider.callback());
  process.stdout.write(`listening ${issuer}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));

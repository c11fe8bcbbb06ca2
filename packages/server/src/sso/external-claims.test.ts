import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SsoProviderSettings } from '@tether/protocol';
import { identityFrom } from './external-claims.js';

const oidc = SsoProviderSettings.parse({
  kind: 'oidc',
  id: 'corp',
  label: 'Corp',
  issuer: 'https://login.example.test',
  clientId: 'tether',
  usernameClaim: 'email',
});
const saml = SsoProviderSettings.parse({
  kind: 'saml',
  id: 'adfs',
  label: 'ADFS',
  entryPoint: 'https://adfs.example.test/adfs/ls',
  idpCertificates: ['MIIC'.padEnd(60, 'A')],
  groupsAttribute: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups',
});

test('an OpenID Connect identity comes from the configured claims', () => {
  const identity = identityFrom(
    { email: 'ana@example.test', name: 'Ana', groups: ['helpdesk', 'staff'] },
    oidc,
  );
  assert.deepEqual(identity, {
    source: 'oidc',
    username: 'ana@example.test',
    displayName: 'Ana',
    groups: ['helpdesk', 'staff'],
  });
});

test('a SAML identity is the NameID when no username attribute is named; one group may be a string', () => {
  const identity = identityFrom(
    {
      nameID: 'carol',
      'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups': 'support',
    },
    saml,
  );
  assert.equal(identity.username, 'carol');
  assert.deepEqual(identity.groups, ['support']);
});

test('no username claim is an error that names the claim to configure', () => {
  assert.throws(() => identityFrom({ sub: '123', groups: [] }, oidc), /no "email" claim/);
});

test('an OpenID Connect issuer on plain http is refused unless it is on this machine', () => {
  const provider = { kind: 'oidc', id: 'x', label: 'X', clientId: 'tether' };
  const refused = SsoProviderSettings.safeParse({ ...provider, issuer: 'http://idp.example.test' });
  assert.equal(refused.success, false);
  assert.match(JSON.stringify(refused.error.issues), /use https/);
  const local = SsoProviderSettings.safeParse({ ...provider, issuer: 'http://127.0.0.1:4000' });
  assert.equal(local.success, true);
});

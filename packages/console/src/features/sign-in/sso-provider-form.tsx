import type { GroupRoleMapping, SaveSsoProviderRequest, SsoProviderEntry } from '@tether/protocol';
import { useState, type SyntheticEvent } from 'react';
import { FormSubmit } from '../../components/form-submit.js';
import { useAction } from '../../hooks/use-action.js';
import { IdpMetadataPaste } from './idp-metadata-paste.js';
import { MappingRows, cleanMapping } from './mapping-rows.js';

type Kind = SaveSsoProviderRequest['kind'];
type View = SsoProviderEntry['provider'];

/** One text field of the form: its key in the request, label and help. */
interface TextField {
  name: string;
  label: string;
  help?: string;
  required?: boolean;
  multiline?: boolean;
  secret?: boolean;
}

const COMMON: TextField[] = [
  {
    name: 'id',
    label: 'ID',
    help: 'Part of its URLs: lowercase letters, digits, dashes.',
    required: true,
  },
  {
    name: 'label',
    label: 'Button label',
    help: 'The login page says "Sign in with <label>".',
    required: true,
  },
];

const FIELDS: Record<Kind, TextField[]> = {
  oidc: [
    ...COMMON,
    {
      name: 'issuer',
      label: 'Issuer URL',
      help: 'Its discovery document is <issuer>/.well-known/openid-configuration.',
      required: true,
    },
    { name: 'clientId', label: 'Client ID', required: true },
    {
      name: 'clientSecret',
      label: 'Client secret',
      help: 'Empty for a public client (PKCE only).',
      secret: true,
    },
    { name: 'scopes', label: 'Scopes', help: 'Space-separated; openid is needed.' },
    { name: 'usernameClaim', label: 'Username claim', help: 'e.g. preferred_username or email.' },
    { name: 'displayNameClaim', label: 'Display name claim' },
    {
      name: 'groupsClaim',
      label: 'Groups claim',
      help: 'e.g. groups (Keycloak needs a group mapper; Entra ID sends object IDs).',
    },
  ],
  saml: [
    ...COMMON,
    {
      name: 'entryPoint',
      label: 'IdP single sign-on URL',
      help: 'HTTP-Redirect binding.',
      required: true,
    },
    {
      name: 'idpIssuer',
      label: 'IdP entity ID',
      help: 'Checked against the assertion when given.',
    },
    {
      name: 'idpCertificates',
      label: 'IdP signing certificate (PEM)',
      multiline: true,
      required: true,
    },
    { name: 'spEntityId', label: 'Tether entity ID', help: 'Default: the metadata URL.' },
    { name: 'clockSkewSec', label: 'Allowed clock skew (seconds)' },
    { name: 'usernameAttribute', label: 'Username attribute', help: 'Empty: the NameID.' },
    { name: 'displayNameAttribute', label: 'Display name attribute' },
    { name: 'groupsAttribute', label: 'Groups attribute' },
  ],
};

const DEFAULTS: Record<Kind, Record<string, string>> = {
  oidc: {
    scopes: 'openid profile email',
    usernameClaim: 'preferred_username',
    displayNameClaim: 'name',
    groupsClaim: 'groups',
  },
  saml: { clockSkewSec: '120', groupsAttribute: 'groups' },
};

/** The form's text values of a saved provider (never a secret: the API does not have it). */
function valuesOf(provider: View): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(provider)) {
    if (typeof value === 'string' || typeof value === 'number') values[name] = String(value);
  }
  if (provider.kind === 'oidc') values.scopes = provider.scopes.join(' ');
  else values.idpCertificates = provider.idpCertificates.join('\n');
  return values;
}

/** Splits PEM text holding one or more certificates. */
function certificatesOf(text: string): string[] {
  const pems = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g);
  return pems ?? (text.trim() ? [text.trim()] : []);
}

function requestOf(
  kind: Kind,
  values: Record<string, string>,
  extra: { enabled: boolean; mapping: GroupRoleMapping },
): SaveSsoProviderRequest {
  const text = (name: string) => values[name]?.trim() || undefined;
  const common = {
    id: text('id') ?? '',
    label: text('label') ?? '',
    enabled: extra.enabled,
    mapping: cleanMapping(extra.mapping),
  };
  if (kind === 'oidc') {
    const secret = text('clientSecret');
    return {
      ...common,
      kind,
      issuer: text('issuer') ?? '',
      clientId: text('clientId') ?? '',
      // Write-only: empty keeps the stored secret.
      ...(secret !== undefined && { clientSecret: secret }),
      scopes: (text('scopes') ?? 'openid').split(/\s+/),
      usernameClaim: text('usernameClaim'),
      displayNameClaim: text('displayNameClaim'),
      groupsClaim: text('groupsClaim'),
    };
  }
  return {
    ...common,
    kind,
    entryPoint: text('entryPoint') ?? '',
    idpIssuer: text('idpIssuer'),
    idpCertificates: certificatesOf(values.idpCertificates ?? ''),
    spEntityId: text('spEntityId'),
    clockSkewSec: Number(text('clockSkewSec') ?? '120'),
    usernameAttribute: text('usernameAttribute'),
    displayNameAttribute: text('displayNameAttribute'),
    groupsAttribute: text('groupsAttribute'),
  };
}

/**
 * Adds or edits a single sign-on provider: where it is, which claims or attributes say who the
 * user is, and how their groups map to a role and teams. The client secret is write-only.
 */
export function SsoProviderForm({
  kind,
  initial,
  onSaved,
  onCancel,
}: {
  kind: Kind;
  initial?: View;
  onSaved: () => void;
  onCancel: () => void;
}) {
  const [values, setValues] = useState(() => ({
    ...DEFAULTS[kind],
    ...(initial && valuesOf(initial)),
  }));
  const [enabled, setEnabled] = useState(initial?.enabled ?? true);
  const [mapping, setMapping] = useState<GroupRoleMapping>(initial?.mapping ?? { rules: [] });
  const isSecretSet = initial?.kind === 'oidc' && initial.hasClientSecret;
  const save = useAction(
    (api) => api.saveSsoProvider(requestOf(kind, values, { enabled, mapping })),
    { onDone: onSaved },
  );
  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    save.run();
  };
  return (
    <form className="card form-grid" onSubmit={onSubmit} data-testid="sso-form">
      <h2>
        {initial ? 'Edit' : 'Add'} {kind === 'oidc' ? 'an OpenID Connect' : 'a SAML 2.0'} provider
      </h2>
      {kind === 'saml' && (
        <IdpMetadataPaste
          onFill={(fields) => setValues((previous) => ({ ...previous, ...fields }))}
        />
      )}
      {FIELDS[kind].map((field) => {
        const common = {
          value: values[field.name] ?? '',
          required: field.required,
          readOnly: field.name === 'id' && initial !== undefined,
          onChange: (event: { target: { value: string } }) =>
            setValues((previous) => ({ ...previous, [field.name]: event.target.value })),
          'data-testid': `sso-field-${field.name}`,
        };
        return (
          <label className={field.multiline ? 'field field-wide' : 'field'} key={field.name}>
            <span>{field.label}</span>
            {field.multiline ? (
              <textarea rows={6} {...common} />
            ) : (
              <input
                type={field.secret ? 'password' : 'text'}
                autoComplete="off"
                placeholder={
                  field.secret && isSecretSet ? 'Set — leave empty to keep it' : undefined
                }
                {...common}
              />
            )}
            {field.help && <small className="muted">{field.help}</small>}
          </label>
        );
      })}
      <label className="checkbox field-wide">
        <input
          type="checkbox"
          checked={enabled}
          onChange={(event) => setEnabled(event.target.checked)}
        />
        <span>Enabled (shown on the login page)</span>
      </label>
      <MappingRows
        mapping={mapping}
        onChange={setMapping}
        groupHint="Group as the provider sends it"
      />
      <FormSubmit action={save} label="Save provider" busyLabel="Saving…" testId="sso-save" />
      <div className="field-wide">
        <button type="button" className="button-link" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

import type {
  CertificateSummary,
  TlsChangeRequest,
  TlsMinVersion,
  TlsPreview,
  TlsStatus,
} from '@tether/protocol';
import { useState, type ChangeEvent, type SyntheticEvent } from 'react';
import { useConsole } from '../../api/console-context.js';
import { Checkbox } from '../../components/checkbox.js';
import { Loaded } from '../../components/loaded.js';
import { NotAllowed } from '../../components/not-allowed.js';
import { Notice } from '../../components/notice.js';
import { useAction } from '../../hooks/use-action.js';
import { useLoad } from '../../hooks/use-load.js';

type Choice = 'unchanged' | 'pem' | 'pkcs12' | 'generated';

const choiceLabels: Record<Choice, string> = {
  unchanged: 'Keep the current certificate',
  pem: 'Upload a certificate chain and key (PEM)',
  pkcs12: 'Upload a PKCS#12 file (.p12 / .pfx)',
  generated: "Go back to the server's generated certificate",
};

/** A file's bytes as base64 (a PKCS#12 file travels in JSON). */
async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function CertificateFacts({ certificate }: { certificate: CertificateSummary }) {
  const expiry = certificate.daysLeft < 0 ? 'expired' : `${certificate.daysLeft} days left`;
  return (
    <dl className="facts" data-testid="tls-certificate">
      <dt>Subject</dt>
      <dd>
        {certificate.subject} <span className="muted">({certificate.source})</span>
      </dd>
      <dt>Issuer</dt>
      <dd>
        {certificate.issuer}
        {certificate.selfSigned ? ' (self-signed)' : ''}
      </dd>
      <dt>Names</dt>
      <dd>{certificate.names.join(', ') || 'none'}</dd>
      <dt>Valid until</dt>
      <dd data-testid="tls-expiry">
        {new Date(certificate.validTo).toLocaleString()} ({expiry})
      </dd>
      <dt>SHA-256</dt>
      <dd className="mono">{certificate.fingerprintHex}</dd>
      <dt>Key, chain</dt>
      <dd>
        {certificate.keyType}, {certificate.chainLength} certificate(s)
      </dd>
    </dl>
  );
}

function PreviewCard({ preview }: { preview: TlsPreview }) {
  const { agents } = preview;
  return (
    <div className="card" data-testid="tls-preview">
      <h3>What this change does</h3>
      <CertificateFacts certificate={preview.certificate} />
      {preview.warnings.map((warning) => (
        <Notice key={warning} kind="warning">
          {warning}
        </Notice>
      ))}
      <Notice kind={agents.agentsKeepConnecting ? 'info' : 'error'}>
        <strong data-testid="tls-agent-verdict">
          {agents.agentsKeepConnecting
            ? 'Enrolled agents keep connecting.'
            : 'Enrolled agents would stop connecting.'}
        </strong>{' '}
        {agents.reasons.join(' ')} ({agents.connectedAgents} connected now.)
      </Notice>
    </div>
  );
}

function TlsForm({ status, onSaved }: { status: TlsStatus; onSaved: (next: TlsStatus) => void }) {
  const { can } = useConsole();
  const [choice, setChoice] = useState<Choice>('unchanged');
  const [certificate, setCertificate] = useState('');
  const [key, setKey] = useState('');
  const [pkcs12, setPkcs12] = useState<File | null>(null);
  const [passphrase, setPassphrase] = useState('');
  const [minVersion, setMinVersion] = useState<TlsMinVersion>(status.protocol.minVersion);
  const [ciphers, setCiphers] = useState(status.protocol.ciphers);
  const [preview, setPreview] = useState<TlsPreview | null>(null);
  const [isImpactAccepted, setImpactAccepted] = useState(false);
  const [saved, setSaved] = useState(false);

  const request = async (): Promise<TlsChangeRequest> => ({
    certificate:
      choice === 'pem'
        ? { source: 'pem', certificate, key }
        : choice === 'pkcs12'
          ? { source: 'pkcs12', pkcs12: pkcs12 ? await base64Of(pkcs12) : '', passphrase }
          : { source: choice },
    protocol: { minVersion, ciphers },
    acceptAgentImpact: isImpactAccepted,
  });
  const check = useAction(async (api) => api.previewTls(await request()), {
    onDone: (result) => setPreview(result),
  });
  const apply = useAction(async (api) => api.setTls(await request()), {
    onDone: (result) => {
      setSaved(true);
      setPreview(null);
      setKey('');
      setPassphrase('');
      onSaved(result);
    },
  });
  // Any edit invalidates the preview: what is applied is always what was checked.
  const edited =
    <T,>(set: (value: T) => void) =>
    (value: T) => {
      set(value);
      setPreview(null);
      setImpactAccepted(false);
      setSaved(false);
    };
  const onText =
    (set: (value: string) => void) =>
    (event: ChangeEvent<HTMLTextAreaElement | HTMLInputElement>) =>
      edited(set)(event.target.value);
  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    if (preview) apply.run();
    else check.run();
  };
  const mustAccept = preview !== null && !preview.agents.agentsKeepConnecting;
  if (!can('settings.manage')) return <NotAllowed permission="settings.manage" />;
  return (
    <form className="card" onSubmit={onSubmit} data-testid="tls-form">
      <h2>Change</h2>
      <fieldset className="checkboxes">
        <legend>Certificate</legend>
        {(Object.keys(choiceLabels) as Choice[]).map((option) => (
          <label key={option} className="radio">
            <input
              type="radio"
              name="tls-choice"
              value={option}
              checked={choice === option}
              onChange={() => edited(setChoice)(option)}
              data-testid={`tls-choice-${option}`}
            />{' '}
            {choiceLabels[option]}
          </label>
        ))}
      </fieldset>
      {choice === 'pem' && (
        <>
          <label className="field">
            <span>Certificate chain (PEM: the server certificate first, then intermediates)</span>
            <textarea
              rows={6}
              value={certificate}
              onChange={onText(setCertificate)}
              data-testid="tls-pem-certificate"
            />
          </label>
          <label className="field">
            <span>Private key (PEM, unencrypted; never shown again)</span>
            <textarea
              rows={4}
              value={key}
              onChange={onText(setKey)}
              autoComplete="off"
              data-testid="tls-pem-key"
            />
          </label>
        </>
      )}
      {choice === 'pkcs12' && (
        <>
          <label className="field">
            <span>PKCS#12 file</span>
            <input
              type="file"
              accept=".p12,.pfx,application/x-pkcs12"
              onChange={(event) => edited(setPkcs12)(event.target.files?.[0] ?? null)}
              data-testid="tls-pkcs12-file"
            />
          </label>
          <label className="field field-narrow">
            <span>Passphrase</span>
            <input
              type="password"
              value={passphrase}
              onChange={onText(setPassphrase)}
              autoComplete="off"
              data-testid="tls-pkcs12-passphrase"
            />
          </label>
        </>
      )}
      <label className="field field-narrow">
        <span>Minimum TLS version</span>
        <select
          value={minVersion}
          onChange={(event) =>
            edited(setMinVersion)(event.target.value === 'TLSv1.3' ? 'TLSv1.3' : 'TLSv1.2')
          }
          data-testid="tls-min-version"
        >
          <option value="TLSv1.2">TLS 1.2</option>
          <option value="TLSv1.3">TLS 1.3</option>
        </select>
      </label>
      <label className="field">
        <span>Cipher suites (OpenSSL names, colon-separated)</span>
        <input
          type="text"
          value={ciphers}
          onChange={onText(setCiphers)}
          className="mono"
          data-testid="tls-ciphers"
        />
      </label>
      {(check.error ?? apply.error) && (
        <Notice
          kind="error"
          onDismiss={() => (check.error ? check.clearError() : apply.clearError())}
        >
          {check.error ?? apply.error}
        </Notice>
      )}
      {preview && <PreviewCard preview={preview} />}
      {mustAccept && (
        <Checkbox
          checked={isImpactAccepted}
          onChange={() => setImpactAccepted(!isImpactAccepted)}
          testId="tls-accept-impact"
        >
          I understand that enrolled agents would stop connecting.
        </Checkbox>
      )}
      {saved && (
        <Notice kind="success">
          Applied to new connections. Connected agents and sessions stay.
        </Notice>
      )}
      <button
        type="submit"
        className="button button-primary"
        disabled={check.isRunning || apply.isRunning || (mustAccept && !isImpactAccepted)}
        data-testid={preview ? 'tls-apply' : 'tls-check'}
      >
        {preview
          ? apply.isRunning
            ? 'Applying…'
            : 'Apply'
          : check.isRunning
            ? 'Checking…'
            : 'Check'}
      </button>
    </form>
  );
}

/**
 * The admin console's TLS editor (S-5): the served certificate and its expiry, then a change
 * (PEM, PKCS#12, the generated certificate, minimum version, cipher suites) that is checked
 * first — including whether enrolled agents keep connecting — and applied once confirmed.
 *
 * @example
 * ADMIN_SECTIONS: { name: 'tls', label: 'TLS', render: () => <TlsSection /> }
 */
export function TlsSection() {
  const [status, reload, setStatus] = useLoad((api) => api.getTls(), []);
  return (
    <Loaded load={status} onRetry={reload}>
      {(value) => (
        <>
          <section className="card" data-testid="tls-status">
            <h2>Served certificate</h2>
            <CertificateFacts certificate={value.certificate} />
            <p>
              Minimum version {value.protocol.minVersion}; cipher suites{' '}
              <span className="mono">{value.protocol.ciphers}</span>
            </p>
            {value.warnings.map((warning) => (
              <Notice key={warning} kind="warning">
                {warning}
              </Notice>
            ))}
          </section>
          <TlsForm status={value} onSaved={setStatus} />
        </>
      )}
    </Loaded>
  );
}

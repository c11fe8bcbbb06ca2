import { publicUrlEndpoints, type PublicUrlSettings } from '@tether/protocol';
import { useState, type SyntheticEvent } from 'react';
import { useConsole } from '../../api/console-context.js';
import { Loaded } from '../../components/loaded.js';
import { NotAllowed } from '../../components/not-allowed.js';
import { Notice } from '../../components/notice.js';
import { useAction } from '../../hooks/use-action.js';
import { useLoad } from '../../hooks/use-load.js';

const SOURCES: Record<PublicUrlSettings['source'], string> = {
  config: 'set in the server’s config file (publicUrl) or TETHER_PUBLIC_URL',
  saved: 'saved here',
  detected: 'detected from this machine’s name or address: nothing is set',
};

function PublicUrlForm({ initial }: { initial: PublicUrlSettings }) {
  const { can } = useConsole();
  const mayChange = can('settings.manage');
  const [settings, setSettings] = useState(initial);
  const [url, setUrl] = useState(initial.saved ?? '');
  const [confirmation, setConfirmation] = useState<string | null>(null);
  const save = useAction(
    (api, next: string | null) => api.call(publicUrlEndpoints.set, { body: { url: next } }),
    {
      onDone: (saved) => {
        setSettings(saved);
        setUrl(saved.saved ?? '');
        setConfirmation(
          saved.source === 'config'
            ? 'Saved. The config file’s address stays in use until it is removed there.'
            : `Saved. New installers and agent packages use ${saved.effective}.`,
        );
      },
    },
  );
  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    setConfirmation(null);
    save.run(url.trim());
  };

  return (
    <form className="card" onSubmit={onSubmit} data-testid="public-url-form">
      <p className="muted">
        The https address agents, agent packages and enrolment commands use to reach this server:
        the name or address other machines reach it at (the proxy’s or the NAT’s, when they go
        through one). Agents enrolled before keep the address they enrolled with.
      </p>
      <p className="field-wide">
        In use:{' '}
        <strong className="mono" data-testid="public-url-effective">
          {settings.effective}
        </strong>{' '}
        <span className="muted" data-testid="public-url-source">
          ({SOURCES[settings.source]})
        </span>
      </p>
      {settings.source === 'config' && (
        <Notice kind="info">
          The config file (or TETHER_PUBLIC_URL) sets {settings.configured}: it wins over the
          address saved here. Remove it there to use this one.
        </Notice>
      )}
      {settings.warnings.map((warning) => (
        <Notice kind="warning" key={warning}>
          {warning}
        </Notice>
      ))}
      <label className="field field-wide">
        <span>Public address</span>
        <input
          type="text"
          inputMode="url"
          value={url}
          placeholder={settings.detected}
          onChange={(event) => {
            setConfirmation(null);
            setUrl(event.target.value);
          }}
          disabled={!mayChange}
          data-testid="public-url-input"
        />
        <small className="muted">
          https://host or https://host:port, nothing after it. Empty: the detected address,{' '}
          <span className="mono">{settings.detected}</span>.
        </small>
      </label>
      {save.error && (
        <Notice kind="error" onDismiss={save.clearError}>
          {save.error}
        </Notice>
      )}
      {confirmation !== null && <Notice kind="success">{confirmation}</Notice>}
      {mayChange ? (
        <div className="row-actions">
          <button
            type="submit"
            className="button button-primary"
            disabled={save.isRunning || url.trim() === ''}
            data-testid="public-url-save"
          >
            {save.isRunning ? 'Saving…' : 'Save'}
          </button>
          {settings.saved !== null && (
            <button
              type="button"
              className="button"
              disabled={save.isRunning}
              onClick={() => {
                setConfirmation(null);
                save.run(null);
              }}
              data-testid="public-url-clear"
            >
              Use the detected address
            </button>
          )}
        </div>
      ) : (
        <NotAllowed permission="settings.manage" />
      )}
    </form>
  );
}

/**
 * The admin console's public URL editor: the address agents and packages use, where it comes
 * from (config file, saved here, detected), and what is wrong with it.
 *
 * @example
 * ADMIN_SECTIONS: { name: 'public-url', label: 'Public address', render: () => <PublicUrlSection /> }
 */
export function PublicUrlSection() {
  const [settings, reload] = useLoad((api) => api.call(publicUrlEndpoints.get, {}), []);
  return (
    <Loaded load={settings} onRetry={reload}>
      {(value) => <PublicUrlForm initial={value} />}
    </Loaded>
  );
}

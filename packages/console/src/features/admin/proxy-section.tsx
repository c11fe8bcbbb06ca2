import { ForwardedHeader, proxyEndpoints, type ProxySettings } from '@tether/protocol';
import { useState, type SyntheticEvent } from 'react';
import { useConsole } from '../../api/console-context.js';
import { Checkbox } from '../../components/checkbox.js';
import { Loaded } from '../../components/loaded.js';
import { SaveFooter } from '../../components/save-footer.js';
import { Notice } from '../../components/notice.js';
import { useAction } from '../../hooks/use-action.js';
import { useLoad } from '../../hooks/use-load.js';

const headerLabels: Record<ForwardedHeader, string> = {
  'x-forwarded-for': 'X-Forwarded-For (HAProxy option forwardfor, nginx, most proxies)',
  forwarded: 'Forwarded (RFC 7239)',
};

/** One entry a line (or separated by commas), as administrators paste them. */
function entriesOf(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((entry) => entry.trim())
    .filter(Boolean);
}

function ProxyForm({ initial }: { initial: ProxySettings }) {
  const { can } = useConsole();
  const mayChange = can('settings.manage');
  const [saved, setSaved] = useState(initial);
  const [behindProxy, setBehindProxy] = useState(initial.behindProxy);
  const [proxies, setProxies] = useState(initial.trustedProxies.join('\n'));
  const [header, setHeader] = useState<ForwardedHeader>(initial.forwardedHeader);
  const [confirmation, setConfirmation] = useState<string | null>(null);
  const save = useAction(
    (api) =>
      api.call(proxyEndpoints.set, {
        body: { behindProxy, trustedProxies: entriesOf(proxies), forwardedHeader: header },
      }),
    {
      onDone: (settings) => {
        setConfirmation(
          settings.behindProxy === saved.behindProxy
            ? 'Saved and applied.'
            : 'Saved. Forwarded headers count from the next request; agents change how they check this server at their next connection (those connected now stay connected).',
        );
        setSaved(settings);
        setProxies(settings.trustedProxies.join('\n'));
      },
    },
  );
  const edited = () => setConfirmation(null);
  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    save.run();
  };

  return (
    <form className="card" onSubmit={onSubmit} data-testid="proxy-form">
      <p className="muted">
        A reverse proxy (HAProxy, nginx, a load balancer) in front of the console and agent
        listener. The admin interface is never reached through it: its address check always uses the
        connection’s own address.
      </p>
      <Checkbox
        checked={behindProxy}
        onChange={(value) => {
          edited();
          setBehindProxy(value);
        }}
        testId="proxy-behind"
        isWide
      >
        A reverse proxy that terminates TLS stands in front of this server
      </Checkbox>
      {behindProxy !== saved.behindProxy ? (
        <Notice kind="warning">
          {behindProxy
            ? 'Agents will no longer bind their proof of this server to the TLS certificate they see. The pinned server key still authenticates the server, but whoever runs the proxy (or holds its certificate) can read and change the traffic. Agents connected now keep their connection; the change applies when they next connect.'
            : 'Agents that reach this server through a TLS-terminating proxy will be refused at their next connection: only turn this off once they connect directly.'}
        </Notice>
      ) : (
        <p className="muted field-wide" data-testid="proxy-agent-mode">
          {saved.behindProxy
            ? 'Agents authenticate this server by its pinned key alone, whatever TLS certificate the proxy shows them.'
            : 'Agents bind their proof to this server’s own TLS certificate: an agent connecting through a proxy that terminates TLS is refused.'}
        </p>
      )}
      <label className="field field-wide">
        <span>Trusted proxies (addresses or CIDR subnets, one a line)</span>
        <textarea
          rows={4}
          value={proxies}
          onChange={(event) => {
            edited();
            setProxies(event.target.value);
          }}
          placeholder={'10.0.0.5\nfd00::/64'}
          data-testid="proxy-trusted"
        />
        <small className="muted">
          Forwarded headers are believed only from these; from anyone else they are ignored. The
          client is the right-most forwarded address that is not one of them.
        </small>
      </label>
      <label className="field">
        <span>Header the proxies write</span>
        <select
          value={header}
          onChange={(event) => {
            edited();
            setHeader(ForwardedHeader.parse(event.target.value));
          }}
          data-testid="proxy-header"
        >
          {ForwardedHeader.options.map((option) => (
            <option key={option} value={option}>
              {headerLabels[option]}
            </option>
          ))}
        </select>
      </label>
      <SaveFooter
        save={save}
        confirmation={confirmation}
        mayChange={mayChange}
        testId="proxy-save"
      />
    </form>
  );
}

/**
 * The admin console's reverse-proxy editor (S-11): behind a proxy or not, trusted proxies, the
 * forwarded header.
 *
 * @example
 * ADMIN_SECTIONS: { name: 'proxy', label: 'Reverse proxy', render: () => <ProxySection /> }
 */
export function ProxySection() {
  const [settings, reload] = useLoad((api) => api.call(proxyEndpoints.get, {}), []);
  return (
    <Loaded load={settings} onRetry={reload}>
      {(value) => <ProxyForm initial={value} />}
    </Loaded>
  );
}

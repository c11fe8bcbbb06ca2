import { wakeEndpoints, type Device, type WakeResult } from '@tether/protocol';
import { useState } from 'react';
import { useConsole } from '../../api/console-context.js';
import { Notice } from '../../components/notice.js';
import { visibleText } from '../../format/visible-text.js';
import { useAction } from '../../hooks/use-action.js';
import { useNow } from '../../hooks/use-now.js';

function resultText(result: WakeResult): string {
  if (result.method === 'passive')
    return `The passive agent accepted the wake-up (${result.address ?? ''}) and is connecting.`;
  const via = result.via ? visibleText(result.via.name) : 'another agent';
  return `Wake-on-LAN packets sent through ${via} for ${(result.macs ?? []).join(', ')}. The device comes online once it has started.`;
}

/**
 * "Wake" for an offline device: the server sends a passive agent a signed wake-up,
 * or has an online agent on the device's network send Wake-on-LAN packets, with an optional
 * SecureOn password. Disabled for 30 s after each attempt, as the server refuses sooner ones.
 * Nothing while the device is online or for users who may not open sessions.
 *
 * @example
 * <DeviceWake device={device} />
 */
export function DeviceWake({ device }: { device: Device }) {
  const { can } = useConsole();
  const [secureOn, setSecureOn] = useState('');
  const [result, setResult] = useState<WakeResult | null>(null);
  const now = useNow(1000);
  const wake = useAction(
    (api) =>
      api.call(wakeEndpoints.wake, {
        params: { id: device.id },
        body: secureOn.trim() === '' ? {} : { secureOn: secureOn.trim() },
      }),
    { onDone: setResult },
  );
  if (device.online || !can('sessions.open')) return null;
  const waitSec = result ? Math.ceil((Date.parse(result.nextAttemptAt) - now) / 1000) : 0;
  return (
    <section className="card" data-testid="device-wake">
      <h2>Wake</h2>
      <p className="muted small">
        {device.connectionType === 'passive'
          ? 'This passive agent holds no connection: wake it to connect, or wake the machine with Wake-on-LAN through another agent on its network.'
          : 'Wake the machine with Wake-on-LAN, sent by an online agent on its subnet or behind its default gateway.'}
      </p>
      <details>
        <summary className="small">SecureOn password</summary>
        <label className="field">
          <span>Password of the network card, if it needs one (4 or 6 bytes in hex)</span>
          <input
            type="password"
            autoComplete="off"
            value={secureOn}
            placeholder="00:11:22:33:44:55"
            onChange={(event) => setSecureOn(event.target.value)}
            data-testid="device-wake-secure-on"
          />
        </label>
      </details>
      {wake.error && (
        <Notice kind="error" onDismiss={wake.clearError}>
          {wake.error}
        </Notice>
      )}
      {result && !wake.error && <Notice kind="success">{resultText(result)}</Notice>}
      <button
        type="button"
        className="button button-primary"
        disabled={wake.isRunning || waitSec > 0}
        onClick={() => wake.run()}
        data-testid="device-wake-button"
      >
        {wake.isRunning ? 'Waking…' : waitSec > 0 ? `Wake (again in ${waitSec} s)` : 'Wake'}
      </button>
    </section>
  );
}

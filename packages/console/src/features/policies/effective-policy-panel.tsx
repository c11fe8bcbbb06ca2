import {
  POLICY_KEYS,
  describeAccessWindows,
  describeAssistanceModes,
  type EffectivePolicyView,
  type PolicyKey,
} from '@tether/protocol';
import { Loaded } from '../../components/loaded.js';
import { Notice } from '../../components/notice.js';
import { useConsole } from '../../api/console-context.js';
import { useLoad } from '../../hooks/use-load.js';
import { Link } from '../../routing/link.js';
import { keyLabels, modeLabels } from './policy-labels.js';
import { visibleText } from '../../format/visible-text.js';

function valueOf(view: EffectivePolicyView, key: PolicyKey): string {
  if (key === 'sessions.concurrent')
    return view.settings.sessions?.concurrent
      ? 'Several technicians at once'
      : 'One technician at a time';
  if (key === 'customStorage')
    return view.settings.customStorage?.url ?? 'Nowhere (kept on this server)';
  const { modes, accessWindows } = view.settings.assistance;
  if (key === 'assistance.modes') return describeAssistanceModes(modes);
  if (key === 'assistance.accessWindows')
    return accessWindows ? describeAccessWindows(accessWindows) : 'Any time';
  const kind =
    key === 'recording.terminal' ? 'terminal' : key === 'recording.desktop' ? 'desktop' : 'files';
  return modeLabels[view.settings.recording[kind]];
}

function SourceOf({ view, policyKey }: { view: EffectivePolicyView; policyKey: PolicyKey }) {
  const { can } = useConsole();
  const source = view.sources[policyKey];
  if (!source) return <span className="muted">Default</span>;
  const level = source.level === 'device' ? 'this device' : `group "${visibleText(view.group)}"`;
  return (
    <>
      {can('policies.view') ? (
        <Link href={`/policies/${encodeURIComponent(source.policyId)}`}>{source.policyName}</Link>
      ) : (
        source.policyName
      )}{' '}
      <span className="muted small">(assigned to {level})</span>
    </>
  );
}

function EffectivePolicyTable({ view }: { view: EffectivePolicyView }) {
  return (
    <>
      {view.conflicts.map((conflict) => (
        <Notice key={`${conflict.level}:${conflict.key}`} kind="warning">
          <span data-testid="effective-policy-conflict">
            {conflict.message} Until then, {keyLabels[conflict.key].toLowerCase()} uses its default.
          </span>
        </Notice>
      ))}
      <table className="table table-compact" data-testid="effective-policy">
        <thead>
          <tr>
            <th>Setting</th>
            <th>Value</th>
            <th>From</th>
          </tr>
        </thead>
        <tbody>
          {POLICY_KEYS.map((key) => (
            <tr key={key} data-testid="effective-policy-row" data-key={key}>
              <td>{keyLabels[key]}</td>
              <td data-testid="effective-policy-value">{valueOf(view, key)}</td>
              <td data-testid="effective-policy-source">
                <SourceOf view={view} policyKey={key} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/**
 * The policy that applies to a device: each setting's value and the policy it came from.
 *
 * @example
 * <EffectivePolicyPanel deviceId={device.id} />
 */
export function EffectivePolicyPanel({ deviceId }: { deviceId: string }) {
  const [view, reload] = useLoad((api) => api.getEffectivePolicy(deviceId), [deviceId]);
  return (
    <section className="card" data-testid="effective-policy-panel">
      <h2>Policy</h2>
      <Loaded load={view} onRetry={reload}>
        {(value) => <EffectivePolicyTable view={value} />}
      </Loaded>
    </section>
  );
}

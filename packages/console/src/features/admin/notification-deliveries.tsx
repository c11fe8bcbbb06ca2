import { notificationEndpoints, type NotificationDelivery } from '@tether/protocol';
import { EmptyState } from '../../components/empty-state.js';
import { Loaded } from '../../components/loaded.js';
import { useLoad } from '../../hooks/use-load.js';
import { KIND_LABELS } from './notification-draft.js';

const STATUS_LABELS: Record<NotificationDelivery['status'], string> = {
  pending: 'Sending',
  retrying: 'Retrying',
  delivered: 'Delivered',
  failed: 'Failed',
};

const time = (iso: string) => new Date(iso).toLocaleString();

/**
 * The recent deliveries (since the server started): each e-mail and webhook call with its
 * attempts and what the other side last said. Failed ones are in the audit log too.
 */
export function NotificationDeliveryLog() {
  const [deliveries, reload] = useLoad((api) => api.call(notificationEndpoints.deliveries, {}), []);
  return (
    <section className="card" data-testid="notification-deliveries">
      <h2>Recent deliveries</h2>
      <button
        type="button"
        className="button button-small"
        onClick={reload}
        data-testid="deliveries-refresh"
      >
        Refresh
      </button>
      <Loaded load={deliveries} onRetry={reload}>
        {({ deliveries: list }) =>
          list.length === 0 ? (
            <EmptyState title="Nothing sent yet">
              Deliveries since the server started show here.
            </EmptyState>
          ) : (
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th>Time</th>
                    <th>Event</th>
                    <th>Channel</th>
                    <th>Recipient</th>
                    <th>Status</th>
                    <th>Attempts</th>
                    <th>Last error</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((delivery) => (
                    <tr
                      key={delivery.id}
                      data-testid="notification-delivery"
                      data-status={delivery.status}
                    >
                      <td>{time(delivery.createdAt)}</td>
                      <td title={delivery.subject}>{KIND_LABELS[delivery.kind]}</td>
                      <td>{delivery.channel === 'email' ? 'E-mail' : 'Webhook'}</td>
                      <td className="mono">{delivery.recipient}</td>
                      <td>
                        {STATUS_LABELS[delivery.status]}
                        {delivery.nextAttemptAt && (
                          <small className="muted"> — next {time(delivery.nextAttemptAt)}</small>
                        )}
                      </td>
                      <td>{delivery.attempts}</td>
                      <td className="mono">{delivery.lastError ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Loaded>
    </section>
  );
}

import { z } from 'zod';
import type { CertificateSummary, Notification } from '@tether/protocol';
import type { SettingsRepository } from '../store/store.js';

/** Days before expiry when administrators are told (S-5), each once per certificate. */
export const EXPIRY_THRESHOLDS_DAYS: readonly number[] = [30, 7, 1];

const NOTICES_KEY = 'tls.expiryNotices';
const Notices = z.object({ fingerprint: z.string(), thresholds: z.array(z.int()) });

/**
 * The threshold to notify now, if any: the tightest one the certificate has reached, unless it
 * was notified already. A server that was down through the 30-day mark and starts 5 days before
 * expiry sends the 7-day notice only, not both.
 *
 * @example
 * dueThreshold(6, [30]) // 7
 * dueThreshold(6, [30, 7]) // undefined
 */
export function dueThreshold(daysLeft: number, notified: readonly number[]): number | undefined {
  const reached = EXPIRY_THRESHOLDS_DAYS.filter((threshold) => daysLeft <= threshold);
  if (reached.length === 0) return undefined;
  const tightest = Math.min(...reached);
  return notified.includes(tightest) ? undefined : tightest;
}

function expiryNotification(certificate: CertificateSummary, threshold: number): Notification {
  const when = certificate.daysLeft < 0 ? 'has expired' : `expires in ${certificate.daysLeft} days`;
  return {
    kind: 'certificate.expiring',
    subject: `The server's TLS certificate ${when}`,
    text: [
      `The TLS certificate of the Tether server (${certificate.subject}) ${when}, on ${certificate.validTo}.`,
      certificate.source === 'generated'
        ? 'It is the generated certificate: the server makes a new one at its next start.'
        : 'Upload a renewed certificate in the admin console (TLS) or with `tether admin tls set`.',
    ].join('\n'),
    details: {
      fingerprint: certificate.fingerprint,
      validTo: certificate.validTo,
      daysLeft: certificate.daysLeft,
      threshold,
      source: certificate.source,
    },
  };
}

/**
 * Notifies administrators of the served certificate's coming expiry at 30, 7 and 1 days
 * (`certificate.expiring`), each threshold once per certificate: what was sent is remembered in
 * the store, so a restart does not send it again.
 *
 * @example
 * await notifyCertificateExpiry(summary, { settings: store.settings, notify: (n) => notifications.notify(n) });
 */
export async function notifyCertificateExpiry(
  certificate: CertificateSummary,
  options: { settings: SettingsRepository; notify: (notification: Notification) => void },
): Promise<number | undefined> {
  const parsed = Notices.safeParse(await options.settings.get(NOTICES_KEY));
  const notified =
    parsed.success && parsed.data.fingerprint === certificate.fingerprint
      ? parsed.data.thresholds
      : [];
  const threshold = dueThreshold(certificate.daysLeft, notified);
  if (threshold === undefined) return undefined;
  // Every threshold above this one is passed too: none of them is sent later.
  const passed = EXPIRY_THRESHOLDS_DAYS.filter((candidate) => candidate >= threshold);
  await options.settings.set(NOTICES_KEY, {
    fingerprint: certificate.fingerprint,
    thresholds: [...new Set([...notified, ...passed])],
  });
  options.notify(expiryNotification(certificate, threshold));
  return threshold;
}

import { useEffect, useState } from 'react';
import { useConsole } from '../../api/console-context.js';

/**
 * While a session waits for the user at the device to accept (M-1): until when, or null when it
 * is not waiting (not asked, answered, or started). Polls the session once a second until it
 * leaves `pending`.
 *
 * @example
 * const until = useConsentWait(session.sessionId);
 */
export function useConsentWait(sessionId: string | null): number | null {
  const { api } = useConsole();
  const [until, setUntil] = useState<number | null>(null);
  useEffect(() => {
    if (sessionId === null) return;
    let isCurrent = true;
    let timer: number | undefined;
    const check = (): void => {
      api.getSession(sessionId).then(
        (session) => {
          if (!isCurrent) return;
          const waitsUntil =
            session.state === 'pending' && session.awaitingConsentUntil
              ? Date.parse(session.awaitingConsentUntil)
              : null;
          setUntil(waitsUntil);
          if (session.state === 'pending') timer = window.setTimeout(check, 1000);
        },
        () => isCurrent && setUntil(null),
      );
    };
    check();
    return () => {
      isCurrent = false;
      window.clearTimeout(timer);
    };
  }, [api, sessionId]);
  return until;
}

/**
 * "Waiting for the user at the device to accept — 23 s left", shown while they are asked.
 * `until` comes from {@link useConsentWait}, which the page also gives its status line.
 *
 * @example
 * const consentUntil = useConsentWait(session.sessionId);
 * <ConsentWait until={consentUntil} deviceName={deviceName} />
 */
export function ConsentWait({ until, deviceName }: { until: number | null; deviceName: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until === null) return;
    const timer = window.setInterval(() => setNow(Date.now()), 500);
    return () => window.clearInterval(timer);
  }, [until]);
  if (until === null) return null;
  const left = Math.max(0, Math.ceil((until - now) / 1000));
  return (
    <p className="notice notice-info consent-wait" role="status" data-testid="consent-wait">
      Waiting for the user at {deviceName} to accept your request — {left} s left. Nothing is shown
      until they do; if they decline or do not answer, the session is refused.
    </p>
  );
}

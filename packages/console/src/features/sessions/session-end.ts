import type { TetherClient } from '@tether/sdk';

/**
 * The sentence for a relay socket's close: the server's reason when it sent one, else what the
 * close code tells.
 *
 * @example
 * socket.addEventListener('close', (event) => setReason(closeReason(event)));
 */
export function closeReason(event: Pick<CloseEvent, 'code' | 'reason'>): string {
  if (event.reason) return event.reason;
  if (event.code === 1000) return 'closed';
  if (event.code === 1006) return 'the connection to the server was lost';
  return `connection closed (code ${event.code})`;
}

/**
 * Reasons that say a session is over without saying why: a socket cut without a reason, or a
 * join refused because the session had already ended (e.g. the agent refused it first).
 */
const VAGUE_REASONS = [
  /^closed$/,
  /connection (to the server )?was lost/,
  /^connection closed \(code \d+\)$/,
  /already ended/,
  /^Could not connect to the files session/,
];

const LOOKUPS = 8;
const LOOKUP_INTERVAL_MS = 400;

/**
 * When a session ended with a vague reason, asks the server why it ended (the reason it
 * recorded: the agent's refusal such as "Run the agent with --vnc …", a timeout, a policy) and
 * hands it to `onReason`. The server records the end just after it closes the sockets, so it
 * asks a few times. Returns a function that stops asking (on unmount).
 *
 * @example
 * const stop = explainEnd(api, { sessionId, reason, onReason: (why) => setStatus({ state: 'ended', reason: why }) });
 */
export function explainEnd(
  api: TetherClient,
  options: { sessionId: string | null; reason: string; onReason: (reason: string) => void },
): () => void {
  const { sessionId } = options;
  if (sessionId === null || !VAGUE_REASONS.some((vague) => vague.test(options.reason))) {
    return () => undefined;
  }
  let isAsking = true;
  let timer: number | undefined;
  const ask = (left: number): void => {
    api.getSession(sessionId).then(
      (session) => {
        if (!isAsking) return;
        if (session.state === 'ended' && session.endReason) options.onReason(session.endReason);
        else if (left > 1) timer = window.setTimeout(() => ask(left - 1), LOOKUP_INTERVAL_MS);
      },
      () => undefined, // the vague reason stays; nothing better to show
    );
  };
  ask(LOOKUPS);
  return () => {
    isAsking = false;
    window.clearTimeout(timer);
  };
}

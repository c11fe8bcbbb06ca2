import type { ConsentPrompt } from '@tether/protocol/agent';
import type { Logger } from '../logging.js';
import type { Clock } from '../clock.js';

/** How a consent question ended. */
export type ConsentAnswer = 'accepted' | 'denied' | 'timeout' | 'withdrawn';

/** Shows a question to the user some other way (a desktop dialog); answers through `answer`. */
export type ConsentFrontend = (prompt: ConsentPrompt, answer: (accepted: boolean) => void) => void;

/** Waiting consent questions; see {@link createConsentBroker}. */
export interface ConsentBroker {
  /** Asks the user; resolves when answered, after the timeout (denied) or when withdrawn. */
  ask(question: Omit<ConsentPrompt, 'expiresAt'>): Promise<ConsentAnswer>;
  /** Answers a waiting question; false when there is none with this ID. */
  answer(id: string, accepted: boolean): boolean;
  /** The server withdrew the session before the user answered. */
  withdraw(id: string): void;
  list(): ConsentPrompt[];
}

interface Waiting {
  prompt: ConsentPrompt;
  settle: (answer: ConsentAnswer) => void;
}

/**
 * The consent questions of interactive sessions (M-1). Each waits for an answer from any
 * frontend (the local socket behind `tether agent prompts`, a desktop dialog) and is denied when
 * nobody answers within `timeoutMs`: silence never opens a session.
 *
 * @example
 * const consent = createConsentBroker({ clock, timeoutMs: 30_000, log });
 * if ((await consent.ask({ id, technician, kind, mode, rights })) !== 'accepted') refuse();
 */
export function createConsentBroker(options: {
  clock: Clock;
  timeoutMs: number;
  log: Logger;
  frontends?: readonly ConsentFrontend[];
}): ConsentBroker {
  const { clock, log } = options;
  const waiting = new Map<string, Waiting>();

  const settleFor = (id: string, answer: ConsentAnswer): boolean => {
    const entry = waiting.get(id);
    if (!entry) return false;
    waiting.delete(id);
    entry.settle(answer);
    return true;
  };

  return {
    ask(question) {
      const prompt: ConsentPrompt = {
        ...question,
        expiresAt: clock.now().getTime() + options.timeoutMs,
      };
      return new Promise<ConsentAnswer>((resolve) => {
        const cancelTimer = clock.setTimer(
          () => settleFor(prompt.id, 'timeout'),
          options.timeoutMs,
        );
        const settle = (answer: ConsentAnswer): void => {
          cancelTimer();
          log.info({ sessionId: prompt.id, answer }, 'consent question settled');
          resolve(answer);
        };
        waiting.set(prompt.id, { prompt, settle });
        log.info(
          { sessionId: prompt.id, technician: prompt.technician, kind: prompt.kind },
          'asking the user for consent',
        );
        for (const frontend of options.frontends ?? []) {
          frontend(prompt, (accepted) => settleFor(prompt.id, accepted ? 'accepted' : 'denied'));
        }
      });
    },
    answer: (id, accepted) => settleFor(id, accepted ? 'accepted' : 'denied'),
    withdraw: (id) => void settleFor(id, 'withdrawn'),
    list: () => [...waiting.values()].map((entry) => entry.prompt),
  };
}

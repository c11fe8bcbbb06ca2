import { encodeTerminalFrame, type SessionKind } from '@tether/protocol';
import type { AccessWindowClose } from './admit-session.js';

/**
 * The warning a technician reads before a session's access window closes.
 *
 * @example
 * windowWarning(window, 300) // 'The access window (Mon–Fri 08:00–18:00 UTC) closes in 5 min; …'
 */
export function windowWarning(window: AccessWindowClose, secondsLeft: number): string {
  const left = secondsLeft >= 120 ? `${Math.round(secondsLeft / 60)} min` : `${secondsLeft} s`;
  const then = window.endAtClose
    ? 'the session will then be ended'
    : 'the session may continue, but no new session can start';
  return `The access window (${window.description}) closes in ${left}; ${then}.`;
}

/** Why a session was ended when its window closed. */
export function windowClosedReason(window: AccessWindowClose): string {
  return `The access window (${window.description}) closed, so the session was ended.`;
}

/**
 * The warning as a frame for the technician's end of the relay, for kinds whose stream can show
 * text (terminal); undefined for the others, which learn of the end from the close reason.
 */
export function windowWarningFrame(kind: SessionKind, text: string): Uint8Array | undefined {
  if (kind !== 'terminal') return undefined;
  return encodeTerminalFrame({
    type: 'data',
    data: new TextEncoder().encode(`\r\n[tether] ${text}\r\n`),
  });
}

import {
  ALL_SESSION_RIGHTS,
  AppError,
  type AssistanceMode,
  type SessionKind,
  type SessionOffer,
  type SessionRight,
} from '@tether/protocol/agent';
import type { ConsentBroker } from './consent-broker.js';
import type { UnattendedService } from './unattended-service.js';
import type { UserPresence } from './user-presence.js';
import { AGENT_VERSION } from '../agent-version.js';

/** The right a session kind needs; the agent re-checks it (DESIGN.md, Identity and trust). */
const RIGHT_FOR_KIND: Record<SessionKind, SessionRight> = {
  terminal: 'terminal',
  desktop: 'view',
  files: 'files',
};

/**
 * Decides on the device whether an offered session may start; throws (or rejects with) the
 * refusal. Undefined when the decision needs no wait (no assistance mode), so a plain session
 * starts in the same tick as before.
 */
export type OfferGate = (offer: SessionOffer) => Promise<void> | undefined;

/**
 * The agent's own check of an offer's assistance terms before anything is shown (M-1…M-4):
 * the rights must cover the kind; `dynamic` becomes interactive when a user is logged in and
 * unattended otherwise; interactive asks the user and refuses with CONSENT_DENIED unless they
 * accept; unattended needs the unattended service to be on for the offer's access (M-2), which
 * only the server's `unattended.enable` turns on.
 *
 * @example
 * const gate = createOfferGate({ consent, presence: logindUserPresence, unattended });
 * await gate(offer); // throws the refusal for session.refused
 */
export function createOfferGate(options: {
  consent?: ConsentBroker;
  presence: UserPresence;
  unattended?: UnattendedService;
  /** Ask the user even when the offer names no assistance mode (one-time agents, A-14). */
  isConsentAlways?: boolean;
}): OfferGate {
  const decide = async (offer: SessionOffer, requested: AssistanceMode): Promise<void> => {
    // A one-time agent's user is at the machine: dynamic means asking them.
    const mode =
      requested === 'dynamic' && options.isConsentAlways
        ? 'interactive'
        : requested === 'dynamic'
          ? (await options.presence()).loggedIn
            ? 'interactive'
            : 'unattended'
          : requested;
    if (mode === 'unattended') {
      checkUnattended(offer, requested, options.unattended);
      return;
    }
    if (!options.consent) throw tooOld(requested, mode);
    const answer = await options.consent.ask({
      id: offer.sessionId,
      technician: offer.technician,
      kind: offer.kind,
      mode,
      rights: offer.rights ?? [...ALL_SESSION_RIGHTS],
    });
    if (answer === 'accepted') return;
    throw new AppError(
      'CONSENT_DENIED',
      answer === 'timeout'
        ? `The user at the device did not answer the request for a ${offer.kind} session in time; nothing was shown. Ask them to accept, then try again.`
        : answer === 'withdrawn'
          ? 'The session was withdrawn before the user at the device answered.'
          : `The user at the device declined the request for a ${offer.kind} session.`,
    );
  };
  return (offer) => {
    const needed = RIGHT_FOR_KIND[offer.kind];
    if (offer.rights && !offer.rights.includes(needed)) {
      throw new AppError(
        'FORBIDDEN',
        `This device does not allow ${offer.kind} sessions in ${offer.mode ?? 'this'} mode: the "${needed}" right is not granted.`,
      );
    }
    if (offer.mode) return decide(offer, offer.mode);
    return options.isConsentAlways ? decide(offer, 'interactive') : undefined;
  };
}

/** An unattended session needs the service on for its access; nothing else opens it. */
function checkUnattended(
  offer: SessionOffer,
  requested: AssistanceMode,
  unattended: UnattendedService | undefined,
): void {
  if (!unattended) throw tooOld(requested, 'unattended');
  if (offer.accessId && unattended.isEnabled(offer.accessId)) return;
  throw new AppError(
    'FORBIDDEN',
    requested === 'dynamic' && !offer.accessId
      ? 'No user is logged in at the device, so dynamic assistance runs unattended: create an unattended access for the device and connect with its one-time password.'
      : 'The unattended service of this device is not on for this access: it expired or was turned off. Create a new unattended access.',
  );
}

function tooOld(requested: AssistanceMode, mode: AssistanceMode): AppError {
  return new AppError(
    'UNSUPPORTED_VERSION',
    `This agent (version ${AGENT_VERSION}) cannot serve ${requested === 'dynamic' ? `dynamic assistance (it would be ${mode} here)` : `${mode} assistance`}. Upgrade the agent on this device, or ask an administrator to change the assistance modes of its group.`,
  );
}

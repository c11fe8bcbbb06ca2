import {
  ALL_SESSION_RIGHTS,
  AppError,
  TETHER_VERSION,
  type AssistanceMode,
  type SessionKind,
  type SessionOffer,
  type SessionRight,
} from '@tether/protocol';
import type { ConsentBroker } from './consent-broker.js';
import type { UserPresence } from './user-presence.js';

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
 * accept. Unattended needs the unattended service, which this agent version does not have, so
 * it is refused clearly (M-4).
 *
 * @example
 * const gate = createOfferGate({ consent, presence: logindUserPresence });
 * await gate(offer); // throws the refusal for session.refused
 */
export function createOfferGate(options: {
  consent?: ConsentBroker;
  presence: UserPresence;
}): OfferGate {
  const decide = async (offer: SessionOffer, requested: AssistanceMode): Promise<void> => {
    const mode =
      requested === 'dynamic'
        ? (await options.presence())
          ? 'interactive'
          : 'unattended'
        : requested;
    if (mode === 'unattended' || !options.consent) {
      throw new AppError(
        'UNSUPPORTED_VERSION',
        `This agent (version ${TETHER_VERSION}) cannot serve ${requested === 'dynamic' ? `dynamic assistance (no user is logged in, so it would be ${mode})` : `${mode} assistance`} yet. Upgrade the agent on this device, or ask an administrator to change the assistance modes of its group.`,
      );
    }
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
    return offer.mode ? decide(offer, offer.mode) : undefined;
  };
}

import {
  AppError,
  TETHER_VERSION,
  type SessionKind,
  type SessionOffer,
  type SessionRight,
} from '@tether/protocol';

/** The right a session kind needs; the agent re-checks it (DESIGN.md, Identity and trust). */
const RIGHT_FOR_KIND: Record<SessionKind, SessionRight> = {
  terminal: 'terminal',
  desktop: 'view',
  files: 'files',
};

/**
 * The agent's own check of an offer's assistance terms, before anything starts. A kind the
 * rights do not cover is refused. Assistance modes need the consent prompt and the unattended
 * service, which this agent version does not have yet, so an offer naming a mode is refused
 * clearly rather than served without the user's consent (M-4: an agent too old for a mode).
 *
 * @example
 * checkAssistanceOffer(offer); // throws the refusal for session.refused
 */
export function checkAssistanceOffer(offer: SessionOffer): void {
  const needed = RIGHT_FOR_KIND[offer.kind];
  if (offer.rights && !offer.rights.includes(needed)) {
    throw new AppError(
      'FORBIDDEN',
      `This device does not allow ${offer.kind} sessions in ${offer.mode ?? 'this'} mode: the "${needed}" right is not granted.`,
    );
  }
  if (offer.mode) {
    throw new AppError(
      'UNSUPPORTED_VERSION',
      `This agent (version ${TETHER_VERSION}) cannot serve ${offer.mode} assistance yet. Upgrade the agent on this device, or ask an administrator to remove the assistance modes from its group's policy.`,
    );
  }
}

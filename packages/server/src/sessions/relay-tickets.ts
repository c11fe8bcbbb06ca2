import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '@tether/protocol';
import type { Clock } from '../clock.js';

/** Which end of a session a relay token admits; `guest`: someone invited into it. */
export type RelayRole = 'console' | 'agent' | 'guest';

/** What a redeemed token admits: the end, and for a guest which one. */
export interface RedeemedTicket {
  role: RelayRole;
  guestId?: string;
}

interface Ticket {
  sessionId: string;
  role: RelayRole;
  guestId?: string;
  expiresAt: number;
  used: boolean;
  /** Its session ended (refused by the device, ended by someone) before it was used. */
  isSessionEnded: boolean;
}

const hash = (token: string): string => createHash('sha256').update(token).digest('base64url');

/**
 * One-time relay tokens (DESIGN.md, Sessions step 1): each admits one end of one session,
 * once, within the TTL. Only hashes are kept. Used and expired tokens are remembered until a
 * while after expiry so a second use gets an exact reason.
 */
export class RelayTickets {
  private readonly tickets = new Map<string, Ticket>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  issue(sessionId: string, role: RelayRole, guestId?: string): { token: string; expiresAt: Date } {
    this.prune();
    const token = randomBytes(32).toString('base64url');
    const expiresAt = this.clock.now().getTime() + this.ttlMs;
    this.tickets.set(hash(token), {
      sessionId,
      role,
      ...(guestId === undefined ? {} : { guestId }),
      expiresAt,
      used: false,
      isSessionEnded: false,
    });
    return { token, expiresAt: new Date(expiresAt) };
  }

  /** Consumes a token for a session; throws the precise refusal otherwise. */
  redeem(sessionId: string, token: string): RelayRole {
    return this.redeemTicket(sessionId, token).role;
  }

  /** The guest a token was issued for, without using it (undefined: not a guest's token). */
  guestOf(sessionId: string, token: string): string | undefined {
    const ticket = this.tickets.get(hash(token));
    return ticket?.sessionId === sessionId ? ticket.guestId : undefined;
  }

  /** {@link redeem}, with the guest a guest's token admits. */
  redeemTicket(sessionId: string, token: string): RedeemedTicket {
    const ticket = this.tickets.get(hash(token));
    if (!ticket || ticket.sessionId !== sessionId) {
      throw new AppError('TOKEN_INVALID', 'This relay token is not valid for this session.');
    }
    // An end that arrives after its session ended (a device that refused at once) is told so,
    // and the console then shows the reason the session recorded.
    if (ticket.isSessionEnded && !ticket.used)
      throw new AppError('SESSION_ENDED', 'This session has already ended.');
    if (ticket.used)
      throw new AppError('TOKEN_INVALID', 'This relay token was already used; open a new session.');
    if (this.clock.now().getTime() >= ticket.expiresAt) {
      throw new AppError('TOKEN_EXPIRED', 'This relay token has expired; open a new session.');
    }
    ticket.used = true;
    return ticket.guestId === undefined
      ? { role: ticket.role }
      : { role: ticket.role, guestId: ticket.guestId };
  }

  /** Forgets every token of a session (it ended). */
  revokeSession(sessionId: string): void {
    for (const ticket of this.tickets.values())
      if (ticket.sessionId === sessionId) ticket.isSessionEnded = true;
  }

  private prune(): void {
    const horizon = this.clock.now().getTime() - 10 * 60_000;
    for (const [key, ticket] of this.tickets)
      if (ticket.expiresAt < horizon) this.tickets.delete(key);
  }
}

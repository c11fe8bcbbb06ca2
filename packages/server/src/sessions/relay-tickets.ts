import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '@tether/protocol';
import type { Clock } from '../clock.js';
import type { Logger } from '../logging.js';
import type { Store } from '../store/store.js';

/** Which end of a session a relay token admits; `guest`: someone invited into it. */
export type RelayRole = 'console' | 'agent' | 'guest';

/** What a redeemed token admits: the end, and for a guest which one. */
export interface RedeemedTicket {
  role: RelayRole;
  guestId?: string;
}

const hash = (token: string): string => createHash('sha256').update(token).digest('base64url');

/** Expired tokens are kept this long, so a late second use still gets its exact reason. */
const KEEP_AFTER_EXPIRY_MS = 10 * 60_000;
/** Pruning runs at most this often per node. */
const PRUNE_EVERY_MS = 60_000;

/**
 * One-time relay tokens (DESIGN.md, Sessions step 1): each admits one end of one session,
 * once, within the TTL. Only hashes are kept, in the store, so the token is consumed once
 * whichever node its end lands on: one conditional UPDATE marks it used. Used and
 * expired tokens are remembered until a while after expiry so a second use gets an exact reason.
 */
export class RelayTickets {
  private prunedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly deps: { store: Store; clock: Clock; log: Logger },
    private readonly ttlMs: number,
  ) {}

  async issue(
    sessionId: string,
    role: RelayRole,
    guestId?: string,
  ): Promise<{ token: string; expiresAt: Date }> {
    this.prune();
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(this.deps.clock.now().getTime() + this.ttlMs);
    await this.deps.store.relayTickets.issue({
      tokenHash: hash(token),
      sessionId,
      role,
      guestId: guestId ?? null,
      expiresAt,
    });
    return { token, expiresAt };
  }

  /** Consumes a token for a session; throws the precise refusal otherwise. */
  async redeem(sessionId: string, token: string): Promise<RelayRole> {
    return (await this.redeemTicket(sessionId, token)).role;
  }

  /** The guest a token was issued for, without using it (undefined: not a guest's token). */
  async guestOf(sessionId: string, token: string): Promise<string | undefined> {
    const ticket = await this.deps.store.relayTickets.find(hash(token));
    return ticket?.sessionId === sessionId ? (ticket.guestId ?? undefined) : undefined;
  }

  /** {@link redeem}, with the guest a guest's token admits. */
  async redeemTicket(sessionId: string, token: string): Promise<RedeemedTicket> {
    const tokenHash = hash(token);
    const at = this.deps.clock.now();
    const used = await this.deps.store.relayTickets.consume(tokenHash, { sessionId, at });
    if (used)
      return used.guestId === null
        ? { role: used.role }
        : { role: used.role, guestId: used.guestId };
    // Not consumed: read the token to say exactly why (another node may have just used it).
    const ticket = await this.deps.store.relayTickets.find(tokenHash);
    if (!ticket || ticket.sessionId !== sessionId) {
      throw new AppError('TOKEN_INVALID', 'This relay token is not valid for this session.');
    }
    // An end that arrives after its session ended (a device that refused at once) is told so,
    // and the console then shows the reason the session recorded.
    if (ticket.isSessionEnded && !ticket.isUsed)
      throw new AppError('SESSION_ENDED', 'This session has already ended.');
    if (ticket.isUsed)
      throw new AppError('TOKEN_INVALID', 'This relay token was already used; open a new session.');
    throw new AppError('TOKEN_EXPIRED', 'This relay token has expired; open a new session.');
  }

  /** Every unused token of a session now says its session ended. */
  async revokeSession(sessionId: string): Promise<void> {
    await this.deps.store.relayTickets.endSession(sessionId);
  }

  /** Deletes long-expired tokens, at most once a minute, in the background. */
  private prune(): void {
    const now = this.deps.clock.now().getTime();
    if (now - this.prunedAt < PRUNE_EVERY_MS) return;
    this.prunedAt = now;
    this.deps.store.relayTickets
      .prune(new Date(now - KEEP_AFTER_EXPIRY_MS))
      .catch((error: unknown) => this.deps.log.warn({ err: error }, 'cannot prune relay tokens'));
  }
}

import { repeat, type CancelTimer, type Clock } from '../clock.js';
import type { Logger } from '../logging.js';
import type { AuthSessionRepository } from '../store/store.js';

/** How often held connections are checked against the logins still valid in the store. */
const CHECK_EVERY_MS = 5000;

/**
 * Connections that outlive the request that authorised them — the console's event stream, the
 * technician's end of a relay — by the login (cookie) that opened them. When the login ends,
 * they are closed: at once on sign-out in this process, and within seconds when the login is
 * gone from the store (a password reset by the headless CLI, another node, expiry).
 */
export class LiveLogins {
  private readonly byLogin = new Map<string, Set<() => void>>();
  /** The user of each held login, to end them all when the user is disabled or deleted. */
  private readonly userOf = new Map<string, string>();
  private stopChecks: CancelTimer | undefined;
  private isChecking = false;

  constructor(
    private readonly deps: {
      authSessions: AuthSessionRepository;
      clock: Clock;
      log: Logger;
      checkEveryMs?: number;
    },
  ) {}

  /**
   * Holds a connection open under a login: `close` runs once when the login ends. Returns what
   * the caller runs when the connection closes by itself.
   */
  hold(login: { tokenHash: string; userId: string }, close: () => void): () => void {
    const { tokenHash } = login;
    this.userOf.set(tokenHash, login.userId);
    const closers = this.byLogin.get(tokenHash) ?? new Set<() => void>();
    closers.add(close);
    this.byLogin.set(tokenHash, closers);
    // check() logs its own failures and never rejects; the catch is the net under that.
    this.stopChecks ??= repeat(
      this.deps.clock,
      () => {
        this.check().catch((error: unknown) => this.deps.log.error({ err: error }));
      },
      this.deps.checkEveryMs ?? CHECK_EVERY_MS,
    );
    return () => {
      closers.delete(close);
      if (closers.size === 0 && this.byLogin.get(tokenHash) === closers) this.forget(tokenHash);
    };
  }

  /** Closes every connection held under this login (sign-out). */
  end(tokenHash: string): void {
    const closers = this.byLogin.get(tokenHash);
    this.forget(tokenHash);
    for (const close of closers ?? []) close();
  }

  /**
   * Closes every connection held under the user's logins but `exceptTokenHash` (disabled,
   * deleted, new password), at once; the logins themselves are deleted from the store by the caller.
   */
  endUser(userId: string, exceptTokenHash?: string): void {
    for (const [tokenHash, owner] of [...this.userOf]) {
      if (owner === userId && tokenHash !== exceptTokenHash) this.end(tokenHash);
    }
  }

  /** Ends the held connections whose login is no longer valid in the store. */
  async check(): Promise<void> {
    if (this.isChecking) return;
    this.isChecking = true;
    try {
      const now = this.deps.clock.now();
      for (const tokenHash of [...this.byLogin.keys()]) {
        if (!(await this.deps.authSessions.findValid(tokenHash, now))) this.end(tokenHash);
      }
    } catch (error) {
      this.deps.log.error({ err: error }, 'cannot check the logins of open connections');
    } finally {
      this.isChecking = false;
    }
  }

  private forget(tokenHash: string): void {
    this.byLogin.delete(tokenHash);
    this.userOf.delete(tokenHash);
    if (this.byLogin.size === 0 && this.stopChecks) {
      this.stopChecks();
      this.stopChecks = undefined;
    }
  }
}

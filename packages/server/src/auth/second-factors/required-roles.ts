import { Role, type SecondFactorSettings } from '@tether/protocol';
import { z } from 'zod';
import type { Clock } from '../../clock.js';
import { cachedRead } from '../../store/cached-read.js';
import type { SettingsRepository } from '../../store/store.js';

/** The settings key of the roles whose users must have a second factor. */
export const REQUIRED_ROLES_KEY = 'secondFactor.requiredRoles';

/**
 * Read at most this often: every request of a signed-in user asks. Another server of a cluster
 * sees a change within this delay.
 */
const CACHE_MS = 5_000;

const Stored = z.array(Role);

/** The roles that require a second factor, as an administrator set them (none by default). */
export class RequiredRoles {
  readonly #cached: (fresh?: boolean) => Promise<readonly Role[]>;

  constructor(
    private readonly settings: SettingsRepository,
    clock: Clock,
  ) {
    this.#cached = cachedRead({ clock, ttlMs: CACHE_MS, read: () => this.read() });
  }

  /** For every request: read at most every few seconds. */
  get(): Promise<readonly Role[]> {
    return this.#cached();
  }

  /** What is stored now (the settings page, the CLI): a change made elsewhere shows at once. */
  async read(): Promise<readonly Role[]> {
    const parsed = Stored.safeParse(await this.settings.get(REQUIRED_ROLES_KEY));
    // A value this version cannot read (a role renamed by hand) requires nothing rather than
    // locking everyone out; the settings page shows what is stored and saves a valid one.
    return parsed.success ? [...new Set(parsed.data)] : [];
  }

  async set(settings: SecondFactorSettings): Promise<readonly Role[]> {
    const roles = [...new Set(settings.requiredRoles)];
    await this.settings.set(REQUIRED_ROLES_KEY, roles);
    await this.#cached(true);
    return roles;
  }
}

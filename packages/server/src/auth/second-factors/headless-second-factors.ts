import type { AuditLog } from '../../audit/audit-log.js';
import type { Clock } from '../../clock.js';
import type { Store } from '../../store/store.js';
import { headlessLoginControl } from '../../users/headless-logins.js';
import { RequiredRoles } from './required-roles.js';
import { createSecondFactorService, type SecondFactorService } from './second-factor-service.js';

/**
 * The second-factor service of a data directory, for the `tether` commands that work without
 * a running server (reset a lost factor, require one for roles). A running server sees the
 * change within seconds. Passkey registration needs a browser and is not offered here.
 *
 * @example
 * await headlessSecondFactors({ store, clock, audit }).reset(user.id, { username: 'system', via: 'headless' });
 */
export function headlessSecondFactors(deps: {
  store: Store;
  clock: Clock;
  audit: AuditLog;
}): Pick<SecondFactorService, 'reset' | 'settings' | 'setSettings'> {
  const service = createSecondFactorService({
    ...deps,
    requiredRoles: new RequiredRoles(deps.store.settings, deps.clock),
    publicUrl: () => {
      throw new Error('No public URL without a running server: passkeys are not headless.');
    },
    secrets: {
      seal: () => {
        throw new Error('Authenticator apps are enrolled in the console, not headless.');
      },
      open: () => {
        throw new Error('Authenticator-app codes are checked by the running server.');
      },
    },
    logins: headlessLoginControl(deps.store),
  });
  return {
    reset: (userId, actor) => service.reset(userId, actor),
    settings: () => service.settings(),
    setSettings: (settings, actor) => service.setSettings(settings, actor),
  };
}

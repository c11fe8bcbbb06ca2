import type { AuditLog } from '../audit/audit-log.js';
import { createAuthService, type AuthService } from '../auth/auth-service.js';
import { RequiredRoles } from '../auth/second-factors/required-roles.js';
import {
  createSecondFactorService,
  type SecondFactorService,
} from '../auth/second-factors/second-factor-service.js';
import { createSecondFactorGate } from '../auth/second-factors/second-factor-sign-in.js';
import type { Clock } from '../clock.js';
import type { ServerConfig } from '../config/config.js';
import { createDirectoryService, type DirectoryService } from '../directories/directory-service.js';
import type { BackgroundTasks } from '../jobs/background-tasks.js';
import type { SecretBox } from '../keys/secret-box.js';
import type { Logger } from '../logging.js';
import { createNewAddressWatch } from '../notifications/new-address-watch.js';
import type { Notifications } from '../ports/notifications.js';
import type { Store } from '../store/store.js';
import { createTeamService, type TeamService } from '../teams/team-service.js';

/** Who may sign in and how: passwords, directories, second factors, and the teams sign-ins map to. */
import type { Cluster } from '../cluster/cluster.js';
import { knownSignInSources } from '../cluster/known-sign-in-sources.js';

export interface SignInServices {
  auth: AuthService;
  directories: DirectoryService;
  teams: TeamService;
  secondFactors: SecondFactorService;
}

/**
 * The server's sign-in services, wired to each other: the auth service asks the directories
 * and the second-factor gate, joins directory and single sign-on users to the teams their
 * groups map to, and remembers where administrators sign in from (a new address notifies).
 *
 * @example
 * const { auth, directories, teams, secondFactors } = createSignInServices({ ...deps });
 */
export function createSignInServices(deps: {
  config: ServerConfig;
  store: Store;
  clock: Clock;
  audit: AuditLog;
  log: Logger;
  tasks: BackgroundTasks;
  notifications: Notifications;
  secrets: SecretBox;
  /** Read once the listeners are bound (the passkeys' relying party). */
  publicUrl: () => string;
  adminUrl: () => string;
  cluster: Cluster;
}): SignInServices {
  const { config, store, clock, audit, log, tasks } = deps;
  const watchAddresses = createNewAddressWatch({ store, notifications: deps.notifications });
  const requiredRoles = new RequiredRoles(store.settings, clock);
  const factorDeps = {
    ...{ store, clock, audit, requiredRoles, secrets: deps.secrets },
    publicUrl: deps.publicUrl,
    adminUrl: deps.adminUrl,
  };
  const directories = createDirectoryService({ store, config });
  const teams = createTeamService({ store, clock, audit });
  const auth = createAuthService({
    store,
    clock,
    audit,
    log,
    ...(deps.cluster.isClustered && { knownSources: knownSignInSources(deps.cluster, log) }),
    secondFactors: createSecondFactorGate(factorDeps),
    directories: () => directories.directories(),
    // Directory and single sign-on users join the teams their groups map to, at every sign-in.
    onSignedIn: (signIn) =>
      tasks.run('remember where an administrator signed in from', () => watchAddresses(signIn)),
    syncTeams: async (userId, names) => {
      const unknown = await teams.syncTeamsByName(userId, names, { username: 'sign-in' });
      if (unknown.length > 0)
        log.warn({ teams: unknown }, 'the sign-in mapping names teams that do not exist');
    },
  });
  const secondFactors = createSecondFactorService({ ...factorDeps, logins: auth });
  return { auth, directories, teams, secondFactors };
}

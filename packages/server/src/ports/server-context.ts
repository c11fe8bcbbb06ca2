import type { StatisticsInForce, StatisticsSettings } from '@tether/protocol';
import type { BackgroundTasks } from '../jobs/background-tasks.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { AuthService } from '../auth/auth-service.js';
import type { Clock } from '../clock.js';
import type { ServerConfig } from '../config/config.js';
import type { DirectoryService } from '../directories/directory-service.js';
import type { DevicePresence } from '../devices/device-presence.js';
import type { DeviceGroupService } from '../groups/device-group-service.js';
import type { InstallerService } from '../installers/installer-service.js';
import type { ServerIdentity } from '../keys/server-identity.js';
import type { ServerKeyService } from '../keys/server-key-service.js';
import type { TlsService } from '../tls/tls-service.js';
import type { Logger } from '../logging.js';
import type { OemService } from '../oem/oem-service.js';
import type { PolicyService } from '../policies/policy-service.js';
import type { RoleService } from '../roles/role-service.js';
import type { UploadQueue } from '../uploads/upload-queue.js';
import type { SessionService } from '../sessions/session-service.js';
import type { SessionInvitations } from '../sessions/session-invitations.js';
import type { UnattendedService } from '../unattended/unattended-service.js';
import type { Store } from '../store/store.js';
import type { UserService } from '../users/user-service.js';
import type { DeviceRights } from '../rights/device-rights.js';
import type { TeamService } from '../teams/team-service.js';
import type { SecondFactorService } from '../auth/second-factors/second-factor-service.js';
import type { SsoService } from '../sso/sso-service.js';
import type { NotificationService } from '../notifications/notification-service.js';
import type { ProxyState } from '../net/proxy-settings.js';
import type { PublicUrlState } from '../net/public-url.js';
import type { AdmissionState } from '../devices/admission-settings.js';
import type { ListenerBoard } from '../listeners/listener-board.js';
import type { AgentPackages } from '../agent-packages/agent-package-service.js';
import type { AgentBuilds } from './agent-builds.js';
import type { SettingsAudience } from '../devices/agent-settings.js';
import type { UpgradeService } from '../upgrades/upgrade-service.js';
import type { MaintenanceSweep } from '../maintenance/maintenance-sweep.js';
import type { WakeService } from '../wake/wake-service.js';
import type { Cluster } from '../cluster/cluster.js';

/** Everything the transports need, built once by `startServer`. */
export interface ServerContext {
  config: ServerConfig;
  store: Store;
  clock: Clock;
  log: Logger;
  audit: AuditLog;
  /** Work nobody awaits; its failures are logged and audited, never unhandled. */
  tasks: BackgroundTasks;
  auth: AuthService;
  /** LDAP and RADIUS directories: settings, test action. */
  directories: DirectoryService;
  identity: ServerIdentity;
  /** The server signing keys over time: rotation, retirement, agents' pins (S-6). */
  serverKeys: ServerKeyService;
  /** The certificate served now and its settings (S-5); changes apply without a restart. */
  tls: TlsService;
  /** Reverse-proxy settings in force (S-11): forwarded-header trust, the agents' proof mode. */
  proxy: ProxyState;
  /** Connection admission of agents: the rate in force and the gate it drives. */
  admission: AdmissionState;
  presence: DevicePresence;
  sessions: SessionService;
  /** Invitations into running sessions. */
  invitations: SessionInvitations;
  unattended: UnattendedService;
  installers: InstallerService;
  /** Agent builds the server ships: its own version and uploaded ones (issue 14). */
  agentBuilds: AgentBuilds;
  /** Installers' agent packages: the downloads and their public links (issue 14). */
  agentPackages: AgentPackages;
  users: UserService;
  roles: RoleService;
  teams: TeamService;
  /** What each user may do on each device (teams and grants per device group). */
  rights: DeviceRights;
  groups: DeviceGroupService;
  secondFactors: SecondFactorService;
  policies: PolicyService;
  uploads: UploadQueue;
  oem: OemService;
  /** Single sign-on (OpenID Connect, SAML). */
  sso: SsoService;
  /**
   * E-mail and webhook notifications to administrators (S-7): every part calls `notify`; the
   * admin routes use the rest.
   */
  notifications: NotificationService;
  /** Each listener's port and state (S-4), for the admin console's ports page. */
  listeners: ListenerBoard;
  /** Agent upgrades (A-6, S-12): settings, scheduler, throttled downloads, progress. */
  upgrades: UpgradeService;
  /** Fleet maintenance: lost and delete thresholds, swept every minute. */
  maintenance: MaintenanceSweep;
  /**
   * Pushes new agent settings to the connected agents: all of them, or only those of a group
   * or of some devices (a group's own statistics settings changed, a device moved).
   */
  broadcastSettings(audience?: SettingsAudience): Promise<void>;
  /** The statistics interval in force on this node for `settings` (A-5: the fleet's load). */
  statisticsInForce(settings: StatisticsSettings): StatisticsInForce;
  /** Passive agents' wake-ups and Wake-on-LAN (A-10, A-11). */
  wake: WakeService;
  /**
   * This node's place in the cluster: its id, the bus to the other nodes, the node list.
   * Without `--nats`, a cluster of one with an in-process bus.
   */
  cluster: Cluster;
  /**
   * The public URL's settings: the config file's, the saved one (admin console, `tether admin
   * public-url`) or the detected address; `publicUrl()` reads it.
   */
  publicAddress: PublicUrlState;
  /** The URL agents and browsers use for the user listener. */
  publicUrl(): string;
  /** The admin listener's origin: the public URL's host on the admin port. */
  adminUrl(): string;
  recordingsDir: string;
  /** The console's built files, when present. */
  consoleDir: string | undefined;
  /**
   * Restarts this server in its own process (stop, then start with the same options), as a
   * restore from the admin console needs; absent when whoever started it cannot.
   */
  restart: (() => void) | undefined;
}

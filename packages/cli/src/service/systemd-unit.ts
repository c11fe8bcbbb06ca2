/** Where a service install puts things (under `--root` in tests). */
export interface ServiceLayout {
  /** The program: the bundle, the console and the native modules (`/opt/tether`). */
  programDir: string;
  configFile: string;
  dataDir: string;
  unitFile: string;
  sysusersFile: string;
  /** The system account the server runs as. */
  user: string;
}

export const DEFAULT_LAYOUT: ServiceLayout = {
  programDir: '/opt/tether',
  configFile: '/etc/tether/config.json',
  dataDir: '/var/lib/tether',
  unitFile: '/etc/systemd/system/tether.service',
  sysusersFile: '/usr/lib/sysusers.d/tether.conf',
  user: 'tether',
};

/** The bundle's entry inside the program directory (the checkout's layout, kept). */
export const BUNDLE_ENTRY = 'packages/cli/dist/tether.mjs';

/**
 * The sandbox of the service: the server reads its program and config, writes only its data
 * directory, binds ports below 1024 with its one capability, and sees no home, no devices, no
 * other process. `MemoryDenyWriteExecute` is left out on purpose: V8's JIT writes machine code.
 */
export const HARDENING: readonly (readonly [string, string])[] = [
  ['NoNewPrivileges', 'yes'],
  ['ProtectSystem', 'strict'],
  ['ProtectHome', 'yes'],
  ['PrivateTmp', 'yes'],
  ['PrivateDevices', 'yes'],
  ['ProtectKernelTunables', 'yes'],
  ['ProtectKernelModules', 'yes'],
  ['ProtectKernelLogs', 'yes'],
  ['ProtectControlGroups', 'yes'],
  ['ProtectClock', 'yes'],
  ['ProtectHostname', 'yes'],
  ['ProtectProc', 'invisible'],
  ['RestrictNamespaces', 'yes'],
  ['RestrictRealtime', 'yes'],
  ['RestrictSUIDSGID', 'yes'],
  ['LockPersonality', 'yes'],
  ['RemoveIPC', 'yes'],
  ['RestrictAddressFamilies', 'AF_INET AF_INET6 AF_UNIX'],
  ['CapabilityBoundingSet', 'CAP_NET_BIND_SERVICE'],
  ['AmbientCapabilities', 'CAP_NET_BIND_SERVICE'],
  ['SystemCallArchitectures', 'native'],
  ['SystemCallFilter', '@system-service'],
  ['SystemCallErrorNumber', 'EPERM'],
  ['UMask', '0027'],
];

/** The file the first start writes the administrator's random password to (not the journal). */
export const initialPasswordFile = (layout: ServiceLayout): string =>
  `${layout.dataDir}/initial-admin-password`;

/** A systemd word: quoted when it holds a space (paths given by the administrator). */
const word = (value: string): string => (/[\s"\\]/.test(value) ? JSON.stringify(value) : value);

/**
 * The `tether.service` unit: `tether server` from the installed bundle, run by `node`, as the
 * service account, with the sandbox above.
 *
 * @example
 * renderUnit({ layout: DEFAULT_LAYOUT, node: '/usr/bin/node' });
 */
export function renderUnit(options: { layout: ServiceLayout; node: string }): string {
  const { layout } = options;
  const exec = [
    options.node,
    `${layout.programDir}/${BUNDLE_ENTRY}`,
    'server',
    '--config',
    layout.configFile,
    '--initial-password-file',
    initialPasswordFile(layout),
  ]
    .map(word)
    .join(' ');
  const service = [
    ['Type', 'simple'],
    ['User', layout.user],
    ['Group', layout.user],
    ['ExecStart', exec],
    ['WorkingDirectory', layout.dataDir],
    ['Environment', 'NODE_ENV=production'],
    ['Restart', 'on-failure'],
    ['RestartSec', '5'],
    // The server ends sessions and waits for agents' last writes on SIGTERM (server.ts close).
    ['TimeoutStopSec', '30'],
    ['LimitNOFILE', '65536'],
    ['ReadWritePaths', layout.dataDir],
    ...HARDENING,
  ];
  return [
    '# Written by `tether server install`; `tether server uninstall` removes it.',
    '[Unit]',
    'Description=Tether remote support server',
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    ...service.map(([key, value]) => `${key}=${value}`),
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

/** The sysusers.d line that declares the account (systemd creates it at boot if missing). */
export function renderSysusers(layout: ServiceLayout): string {
  return `# Written by \`tether server install\`.\nu ${layout.user} - "Tether server" ${layout.dataDir} /usr/sbin/nologin\n`;
}

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UNIT_NAME, type InstallPaths } from './install-paths.js';
import type { InstallProgress } from './install-progress.js';
import { isSystemdRunning, runSystem } from './system-commands.js';
import { commandLine, serviceCommand, UNINSTALL_UNIT } from './system-units.js';

/** Whether this user's systemd manager answers (a desktop or SSH session with lingering). */
function hasUserManager(env: NodeJS.ProcessEnv): boolean {
  const runtime = env.XDG_RUNTIME_DIR;
  return runtime !== undefined && existsSync(join(runtime, 'systemd'));
}

/**
 * Enables (and unless `--no-start`, starts) the unit when systemd runs this system; otherwise
 * says how to start the agent, since nothing else will until the next boot or login.
 */
export async function startInstalled(options: {
  root: string;
  paths: InstallPaths;
  shouldStart: boolean;
  env: NodeJS.ProcessEnv;
  progress: InstallProgress;
}): Promise<void> {
  const { root, paths, progress } = options;
  const isService = paths.mode === 'service';
  const scope = isService ? [] : ['--user'];
  const canUseSystemd = isSystemdRunning(root) && (isService || hasUserManager(options.env));
  const run = commandLine(serviceCommand(paths));
  if (canUseSystemd) {
    await runSystem('systemctl', [...scope, 'daemon-reload']);
    await runSystem('systemctl', [
      ...scope,
      'enable',
      ...(options.shouldStart ? ['--now'] : []),
      UNIT_NAME,
    ]);
    // Watches for the agent's uninstall request from now on, started or not (issue 15).
    if (isService) await runSystem('systemctl', ['enable', '--now', `${UNINSTALL_UNIT}.path`]);
    progress.step(
      options.shouldStart
        ? `Started ${UNIT_NAME}; it starts at every ${isService ? 'boot' : 'login'}.`
        : `Enabled ${UNIT_NAME}: it starts at the next ${isService ? 'boot' : 'login'} (or: systemctl ${scope.join('')} start ${UNIT_NAME}).`,
    );
    return;
  }
  if (root !== '/') {
    progress.step(`Installed under ${root}: the unit starts the agent when that system runs it.`);
    return;
  }
  const how = isService ? `runuser -u ${paths.account ?? 'tether-agent'} -- ${run}` : run;
  progress.step(
    isService
      ? `systemd is not running here, so the service is not started. Start the agent with: ${how}`
      : `The agent starts at your next desktop login. Start it now with: ${how}`,
  );
}

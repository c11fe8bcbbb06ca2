import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * The installer's voice: progress lines on stdout (none with `--silent`), failures on stderr,
 * and every line, time-stamped, in the install log once its place is known (the mode decides
 * it), so the log also says why an install that left nothing failed.
 */
export interface InstallProgress {
  step(line: string): void;
  warn(line: string): void;
  fail(line: string): void;
  /** Starts writing the log at `path` (on disk), with the lines so far. */
  logTo(path: string): Promise<void>;
  /** Waits until every line is in the log. */
  flush(): Promise<void>;
}

export function createInstallProgress(options: {
  isSilent: boolean;
  out: (line: string) => void;
  err: (line: string) => void;
  now?: () => Date;
}): InstallProgress {
  const now = options.now ?? (() => new Date());
  let pending: string[] = [];
  let logFile: string | undefined;
  let writing: Promise<void> = Promise.resolve();
  const record = (level: string, line: string): void => {
    pending.push(`${now().toISOString()} ${level} ${line}\n`);
    if (logFile) writing = writing.then(write);
  };
  const write = async (): Promise<void> => {
    if (!logFile || pending.length === 0) return;
    const lines = pending.join('');
    pending = [];
    await appendFile(logFile, lines, { mode: 0o600 });
  };
  return {
    step(line) {
      if (!options.isSilent) options.out(line);
      record('info', line);
    },
    warn(line) {
      options.err(`Warning: ${line}`);
      record('warn', line);
    },
    fail(line) {
      options.err(`Error: ${line}`);
      record('error', line);
    },
    async logTo(path) {
      await mkdir(dirname(path), { recursive: true });
      logFile = path;
      writing = writing.then(write);
      await writing;
    },
    async flush() {
      writing = writing.then(write);
      await writing;
    },
  };
}

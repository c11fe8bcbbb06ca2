import { type ChildProcess } from 'node:child_process';
/** Arguments that run the `tether` CLI from its TypeScript sources through tsx. */
export declare const sourceCliArgs: (args: string[]) => string[];
/** Arguments that run the real `tether` CLI in a child process. */
export declare const cliArgs: (args: string[]) => string[];
/** Runs `tether …` to completion and returns what it printed. */
export declare function runCli(args: string[], options?: {
    env?: NodeJS.ProcessEnv;
    input?: string;
}): Promise<{
    code: number;
    stdout: string;
    stderr: string;
}>;
/** Starts a long-running `tether …` (server, agent); the caller stops it with `stopProcess`. */
export declare function startCli(args: string[], options?: {
    env?: NodeJS.ProcessEnv;
}): ChildProcess & {
    output: () => string;
};
/** Stops a child process and waits until it is gone (SIGKILL after a grace period). */
export declare function stopProcess(child: ChildProcess, signal?: NodeJS.Signals): Promise<void>;
/**
 * Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. The deadline
 * is generous on purpose: it only matters when the awaited event never comes, and a loaded
 * machine (load average 19 was seen) can take many seconds for one that does.
 */
export declare function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs?: number): Promise<T>;

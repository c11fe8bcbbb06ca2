import { createReadStream } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { Sha256Hex } from '@tether/protocol/agent-package';
import type { AgentBuild, AgentBuilds } from '../ports/agent-builds.js';

const StoredBuild = z.object({
  version: z.string().min(1).max(64),
  platform: z.literal('linux'),
  arch: z.string().min(1).max(16),
  source: z.enum(['server', 'upload']),
  files: z.record(z.string().min(1).max(512), Sha256Hex),
  bodyBytes: z.int().nonnegative(),
  addedAt: z.string(),
});

/** The folder of one build: `<version>-linux-<arch>` (see the AgentBuilds port). */
export function buildFolder(root: string, build: Pick<AgentBuild, 'version' | 'arch'>): string {
  return join(root, `${build.version}-linux-${build.arch}`);
}

/**
 * The builds stored under `<dataDir>/agent-builds` (uploaded ones, and the server's own once
 * assembled), read from disk at each call: a handful of folders. `own` assembles the server's
 * own build (helper "package"'s part); it is passed in.
 *
 * @example
 * const builds = createStoredBuilds({ root: join(dataDir, 'agent-builds'), own });
 */
export function createStoredBuilds(options: {
  root: string;
  own: () => Promise<AgentBuild>;
}): AgentBuilds {
  const { root } = options;
  const list = async (): Promise<AgentBuild[]> => {
    const names = await readdir(root).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    });
    const builds: AgentBuild[] = [];
    for (const name of names) {
      const text = await readFile(join(root, name, 'build.json'), 'utf8').catch(() => undefined);
      if (text === undefined) continue; // a folder being written, or not a build
      const parsed = StoredBuild.safeParse(JSON.parse(text));
      if (parsed.success) builds.push(parsed.data);
    }
    return builds.sort((a, b) => b.addedAt.localeCompare(a.addedAt));
  };
  return {
    own: options.own,
    list,
    async find(version, arch = process.arch) {
      return (await list()).find((build) => build.version === version && build.arch === arch);
    },
    openBody: (build) => createReadStream(join(buildFolder(root, build), 'body.tar.gz')),
  };
}

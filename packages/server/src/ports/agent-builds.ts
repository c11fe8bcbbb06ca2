import type { Readable } from 'node:stream';

/**
 * Agent builds the server can ship (issue 14): its own version, assembled from the installation
 * it runs from, and builds an administrator uploaded. Packages (helper "package") and upgrades
 * (helper "upgrades") both read builds through this port.
 *
 * On disk, each build is a folder `<dataDir>/agent-builds/<version>-linux-<arch>/` with
 * `build.json` ({@link AgentBuild}) and `body.tar.gz`: gzip member(s) of the ustar entries of
 * the build's files (`tether-agent`, `versions/<version>/…`), WITHOUT the end-of-archive blocks,
 * so a package appends its own per-installer files (another gzip member) and the end.
 */
export interface AgentBuild {
  version: string;
  platform: 'linux';
  arch: string;
  /** `server`: the server's own installation; `upload`: uploaded by an administrator. */
  source: 'server' | 'upload';
  /** Path (relative, `/`-separated) → SHA-256 hex of every file in the body. */
  files: Record<string, string>;
  /** Size of `body.tar.gz` in bytes. */
  bodyBytes: number;
  addedAt: string;
}

export interface AgentBuilds {
  /**
   * The server's own build (its `TETHER_VERSION`), assembled on first use from the Node runtime
   * and the agent bundle the server runs with: the first call takes seconds, later ones none.
   */
  own(): Promise<AgentBuild>;
  find(version: string, arch?: string): Promise<AgentBuild | undefined>;
  /** Newest first. */
  list(): Promise<AgentBuild[]>;
  /** The build's `body.tar.gz` (see above). */
  openBody(build: AgentBuild): Readable;
}

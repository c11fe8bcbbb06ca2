import type { Installer } from '@tether/protocol';

/**
 * The downloads of an installer's agent package (issue 14): the `curl … | sudo sh` one-liner,
 * `.run`, `.deb` and `.tar.gz`. Placeholder until helper "package" builds it; the installers
 * page renders it for each active installer.
 *
 * @example
 * <InstallerDownloads installer={installer} />
 */
export function InstallerDownloads({ installer }: { installer: Installer }) {
  return <span data-installer={installer.id} hidden />;
}

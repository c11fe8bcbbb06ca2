import { chmod, cp, lchown, mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PACKAGE_LAYOUT } from '@tether/protocol/agent-package';

/** Undoes one step of an install; run newest first when a later step fails. */
export type Undo = () => Promise<void>;

const remove =
  (path: string): Undo =>
  () =>
    rm(path, { recursive: true, force: true });

/** Makes a folder (and its missing parents); the undo removes the topmost one it made. */
export async function makeFolder(path: string, mode: number): Promise<Undo> {
  const first = await mkdir(path, { recursive: true, mode });
  return first ? remove(first) : () => Promise.resolve();
}

/**
 * Copies the launcher and the package's one version into the install folder and points
 * `current` at it. A package unpacked in the install folder itself (the .deb) only gets the
 * link (its files belong to the package manager) and its installer.json made private. A copy
 * never takes installer.json along.
 */
export async function placeFiles(options: {
  packageDir: string;
  installDir: string;
  versionDir: string;
  isInPlace: boolean;
}): Promise<Undo[]> {
  const { packageDir, installDir, versionDir } = options;
  const undo: Undo[] = [];
  if (options.isInPlace) {
    // It carries the installer's token: an enrolment credential until it expires, for root only.
    await chmod(join(installDir, PACKAGE_LAYOUT.installerConfig), 0o600);
  } else {
    undo.push(await makeFolder(installDir, 0o755));
    await cp(join(packageDir, PACKAGE_LAYOUT.launcher), join(installDir, PACKAGE_LAYOUT.launcher));
    await cp(join(packageDir, versionDir), join(installDir, versionDir), { recursive: true });
  }
  const current = join(installDir, PACKAGE_LAYOUT.current);
  await symlink(versionDir, current);
  undo.push(remove(current));
  return undo;
}

/** Writes a file the install owns (unit, autostart entry), making its folder; undo removes both. */
export async function writeOwnFile(path: string, text: string): Promise<Undo[]> {
  const folder = await makeFolder(dirname(path), 0o755);
  await writeFile(path, text, { mode: 0o644 });
  return [folder, remove(path)];
}

/** Gives a folder and everything in it to the service account (links themselves, not targets). */
export async function chownTree(path: string, owner: { uid: number; gid: number }): Promise<void> {
  await lchown(path, owner.uid, owner.gid);
  for (const entry of await readdir(path, { withFileTypes: true })) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) await chownTree(child, owner);
    else await lchown(child, owner.uid, owner.gid);
  }
}

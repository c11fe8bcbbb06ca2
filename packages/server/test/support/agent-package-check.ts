import { execFile } from 'node:child_process';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import {
  PACKAGE_LAYOUT,
  PackageManifest,
  packageSigningInput,
  InstallerConfig,
} from '@tether/protocol/agent-package';
import { toBase64Url } from '@tether/protocol';

export const run = promisify(execFile);

/** Every regular file under a folder, relative and `/`-separated. */
export async function filesIn(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

/**
 * What the agent checks before it installs (the test's own reading of the package format, so
 * the server's side is checked independently of the agent's): the signer is the pinned key,
 * the signature is good, every file has its hash and no file is unlisted. Throws what is wrong.
 */
export async function checkPackageDir(
  dir: string,
  pinnedKeyHash: string,
): Promise<{ manifest: PackageManifest; config: InstallerConfig }> {
  const manifestText = await readFile(join(dir, PACKAGE_LAYOUT.manifest), 'utf8');
  const signature = (await readFile(join(dir, PACKAGE_LAYOUT.signature), 'utf8')).trim();
  const manifest = PackageManifest.parse(JSON.parse(manifestText));
  const signerHash = toBase64Url(
    createHash('sha256').update(Buffer.from(manifest.signer, 'base64url')).digest(),
  );
  if (signerHash !== pinnedKeyHash) throw new Error('signed by another key than the pinned one');
  const key = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: manifest.signer },
    format: 'jwk',
  });
  const input = Buffer.from(packageSigningInput(manifestText), 'utf8');
  if (!verify(null, input, key, Buffer.from(signature, 'base64url'))) {
    throw new Error('bad signature');
  }
  const present = (await filesIn(dir)).filter(
    (file) => file !== PACKAGE_LAYOUT.manifest && file !== PACKAGE_LAYOUT.signature,
  );
  const listed = Object.keys(manifest.files).sort();
  const extra = present.filter((file) => !(file in manifest.files));
  const missing = listed.filter((file) => !present.includes(file));
  if (extra.length > 0 || missing.length > 0) {
    throw new Error(`files differ: extra ${extra.join(', ')}; missing ${missing.join(', ')}`);
  }
  for (const file of listed) {
    const hash = createHash('sha256')
      .update(await readFile(join(dir, file)))
      .digest('hex');
    if (hash !== manifest.files[file]) throw new Error(`${file} was changed`);
  }
  const config = InstallerConfig.parse(
    JSON.parse(await readFile(join(dir, PACKAGE_LAYOUT.installerConfig), 'utf8')),
  );
  return { manifest, config };
}

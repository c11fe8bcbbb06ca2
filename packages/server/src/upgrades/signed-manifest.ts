import { packageSigningInput, type PackageManifest } from '@tether/protocol/agent-package';
import type { ServerIdentity } from '../keys/server-identity.js';
import type { AgentBuild } from '../ports/agent-builds.js';

/** manifest.json's text and the server key's signature over it, as an offer carries them. */
export interface SignedManifest {
  text: string;
  signature: string;
}

/**
 * Signs each build's manifest once per server key (a rotation signs again): a thousand offers
 * of one build carry the same text and signature.
 *
 * @example
 * const { text, signature } = manifests.of(build);
 */
export function createManifestSigner(options: {
  identity: Pick<ServerIdentity, 'publicKey' | 'sign'>;
  now: () => Date;
}): { of(build: AgentBuild): SignedManifest } {
  const cache = new Map<string, SignedManifest>();
  return {
    of(build) {
      const signer = options.identity.publicKey;
      const key = `${build.version}\n${build.arch}\n${build.addedAt}\n${signer}`;
      const known = cache.get(key);
      if (known) return known;
      const manifest: PackageManifest = {
        format: 1,
        version: build.version,
        platform: build.platform,
        arch: build.arch,
        files: build.files,
        signer,
        createdAt: options.now().toISOString(),
      };
      const text = JSON.stringify(manifest);
      const signed = { text, signature: options.identity.sign(packageSigningInput(text)) };
      if (cache.size > 16) cache.clear();
      cache.set(key, signed);
      return signed;
    },
  };
}

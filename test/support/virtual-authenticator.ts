import type { Page } from 'playwright-core';

/** A credential as Chromium's virtual authenticator holds it (CDP `WebAuthn.Credential`). */
export interface VirtualCredential {
  credentialId: string;
  isResidentCredential: boolean;
  rpId?: string;
  privateKey: string;
  userHandle?: string;
  signCount: number;
}

/**
 * Gives the page a virtual platform authenticator with user verification (Chromium's CDP
 * WebAuthn domain), as a laptop's fingerprint reader would be.
 *
 * @example
 * const authenticator = await withVirtualAuthenticator(page);
 * const [credential] = await authenticator.credentials();
 */
export async function withVirtualAuthenticator(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
    },
  });
  return {
    credentials: async (): Promise<VirtualCredential[]> =>
      (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials,
    /** Puts a copy of a credential (its private key included) in this authenticator. */
    add: async (credential: VirtualCredential): Promise<void> => {
      await cdp.send('WebAuthn.addCredential', { authenticatorId, credential });
    },
  };
}

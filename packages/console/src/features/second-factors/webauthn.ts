import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/browser';

// Loaded when a passkey is used: most sign-ins never need it.
const browser = () => import('@simplewebauthn/browser');

/**
 * Asks the browser to create a passkey with the server's options; resolves with the answer to
 * send back. The options come from the server as JSON, in the library's own shape.
 */
export async function createPasskey(
  options: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const { startRegistration } = await browser();
  const response = await startRegistration({
    optionsJSON: options as unknown as PublicKeyCredentialCreationOptionsJSON,
  });
  return { ...response };
}

/** Asks the browser to sign the server's challenge with a passkey (a sign-in step). */
export async function signWithPasskey(
  options: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const { startAuthentication } = await browser();
  const response = await startAuthentication({
    optionsJSON: options as unknown as PublicKeyCredentialRequestOptionsJSON,
  });
  return { ...response };
}

/** Whether this browser can use passkeys at all (a secure context with WebAuthn). */
export function hasWebAuthn(): boolean {
  return typeof window.PublicKeyCredential === 'function';
}

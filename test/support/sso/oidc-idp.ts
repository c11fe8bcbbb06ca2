import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stopProcess, waitFor } from '../cli.js';

const SCRIPT = fileURLToPath(new URL('./oidc-idp-process.mjs', import.meta.url));

/** A client registered at the test provider (oidc-provider's client metadata). */
export interface OidcTestClient {
  client_id: string;
  client_secret?: string;
  redirect_uris: string[];
  token_endpoint_auth_method?: 'client_secret_basic' | 'none';
}

export interface OidcTestProvider {
  readonly issuer: string;
  close(): Promise<void>;
}

/**
 * Starts a real OpenID Connect provider (oidc-provider) as its own process with the given
 * clients and accounts (claims by subject; its login form signs in any listed subject).
 */
export async function startOidcProvider(setup: {
  clients: OidcTestClient[];
  accounts: Record<string, Record<string, unknown>>;
}): Promise<OidcTestProvider> {
  const child = spawn(process.execPath, [SCRIPT], {
    env: { ...process.env, OIDC_IDP_SETUP: JSON.stringify(setup) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const issuer = await waitFor('the OpenID Connect provider to listen', () => {
    if (child.exitCode !== null) throw new Error(`oidc-provider exited: ${output}`);
    return Promise.resolve(/listening (\S+)/.exec(output)?.[1]);
  });
  return { issuer, close: () => stopProcess(child) };
}

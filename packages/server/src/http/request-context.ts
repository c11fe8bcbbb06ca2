import type { FastifyRequest } from 'fastify';
import { clientAddressOf } from './client-address.js';
import { AppError, SESSION_COOKIE, parseOrThrow } from '@tether/protocol';
import type { z } from 'zod';
import type { AuthService, Principal } from '../auth/auth-service.js';
import type { Permission } from '@tether/protocol';

/**
 * Reads one cookie from a Cookie header without a cookie library. A value whose %-escapes do
 * not decode (`%E0%A4%A`) is no cookie at all: the request is then unauthenticated (401), not
 * a server error.
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) {
      try {
        return decodeURIComponent(part.slice(index + 1).trim());
      } catch {
        return undefined; // URIError: a malformed escape, which no token of ours contains
      }
    }
  }
  return undefined;
}

/** The session cookie: HttpOnly, Secure, SameSite=Strict (issue 2 §3). */
export function sessionCookie(token: string, maxAgeSec: number): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=${maxAgeSec}`;
}

/**
 * The signed-in user, or AUTH_REQUIRED. With a `permission` (routes that are not endpoint
 * contracts, such as the admin listener's), also FORBIDDEN, audited, when their role lacks it.
 */
export async function requireUser(
  auth: AuthService,
  request: FastifyRequest,
  permission?: Permission,
): Promise<Principal> {
  const principal = await auth.authenticate(readCookie(request.headers.cookie, SESSION_COOKIE));
  if (!principal)
    throw new AppError('AUTH_REQUIRED', 'Sign in first (your session may have expired).');
  if (permission) {
    const target = `${request.method} ${request.routeOptions.url ?? request.url}`;
    await auth.requirePermission(principal, permission, {
      target,
      sourceAddress: sourceAddress(request),
    });
  }
  // The admin interface's calls too: a password alone must not reach them when a factor is due.
  if (permission && principal.mustEnrolSecondFactor) {
    throw new AppError(
      'SECOND_FACTOR_REQUIRED',
      'Add a second factor first (on My account in the console): your role requires one.',
    );
  }
  return principal;
}

/** Parses a request body or query with a protocol schema; INVALID_INPUT names the bad fields. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  return parseOrThrow(schema, value ?? {}, what);
}

/**
 * The client's address: the socket's, or behind a trusted reverse proxy the one it forwarded
 * (S-11, resolved once per request in client-address.ts; never on the admin listener).
 */
export function sourceAddress(request: FastifyRequest): string {
  return clientAddressOf(request.raw);
}

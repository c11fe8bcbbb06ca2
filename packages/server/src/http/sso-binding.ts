import type { FastifyReply, FastifyRequest } from 'fastify';
import { FLOW_TTL_MS, SsoFlows } from '../sso/sso-flows.js';
import { readCookie } from './request-context.js';

/**
 * The cookie binding a single sign-on to the browser that started it (no login CSRF: a code or
 * assertion obtained by someone else cannot be completed in this browser). SameSite=None: the
 * IdP brings the browser back cross-site, SAML by a POST that a Lax cookie would not join.
 * Its path is the user listener's return paths: an administrator's test starts on the admin
 * listener and comes back there (a cookie names a host, not a port).
 */
const BINDING_COOKIE = 'tether_sso';
const BINDING = /^[A-Za-z0-9_-]{32}$/;

export function bindingOf(request: FastifyRequest): string | undefined {
  const value = readCookie(request.headers.cookie, BINDING_COOKIE);
  return value && BINDING.test(value) ? value : undefined;
}

/** Keeps the browser's binding (several flows may be open) or gives it one. */
export function bindBrowser(request: FastifyRequest, reply: FastifyReply): string {
  const binding = bindingOf(request) ?? SsoFlows.randomId();
  void reply.header(
    'set-cookie',
    `${BINDING_COOKIE}=${binding}; Path=/api/v1/; HttpOnly; Secure; SameSite=None; Max-Age=${FLOW_TTL_MS / 1000}`,
  );
  return binding;
}

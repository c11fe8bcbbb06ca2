import { z } from 'zod';

/**
 * Which header a trusted reverse proxy writes the client's address into: `X-Forwarded-For`
 * (with `X-Forwarded-Proto` / `-Host`) or RFC 7239 `Forwarded`. Only the chosen one is read:
 * a proxy appends to its own header and passes the other through untouched, so believing both
 * would let a client forge its address in the one the proxy does not write.
 *
 * @example
 * ForwardedHeader.parse('x-forwarded-for');
 */
export const ForwardedHeader = z.enum(['x-forwarded-for', 'forwarded']);
export type ForwardedHeader = z.infer<typeof ForwardedHeader>;

/**
 * Reverse-proxy settings (S-11), edited on the admin listener.
 *
 * @example
 * const settings: ProxySettings = { behindProxy: true, trustedProxies: ['10.0.0.5'], forwardedHeader: 'x-forwarded-for' };
 */
export const ProxySettings = z.object({
  /**
   * A TLS-terminating reverse proxy stands between agents and the server: the agents' proof is
   * then no longer bound to the TLS certificate they see (see the README, "Behind a reverse proxy").
   */
  behindProxy: z.boolean(),
  /** Peer addresses or CIDR subnets whose forwarded headers are believed; others' are ignored. */
  trustedProxies: z.array(z.string().trim().min(1).max(64)).max(256),
  forwardedHeader: ForwardedHeader,
});
export type ProxySettings = z.infer<typeof ProxySettings>;

import type { FastifyReply } from 'fastify';

/**
 * Marks a response that carries a secret (a token, a device key, an encrypted secret, a
 * one-time link) as never to be kept by a browser, proxy or client cache.
 *
 * @example
 * noStore(reply).status(201);
 */
export function noStore<R extends FastifyReply>(reply: R): R {
  void reply.header('cache-control', 'no-store');
  return reply;
}

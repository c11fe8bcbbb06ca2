import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from 'node:https';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';

/** A Fastify application on an HTTPS server: both of the server's listeners are one. */
export type HttpsApp = FastifyInstance<Server, IncomingMessage, ServerResponse, FastifyBaseLogger>;

/** TLS settings shared by both listeners (S-5). */
export interface HttpsOptions {
  key: string;
  cert: string;
  minVersion: 'TLSv1.2' | 'TLSv1.3';
  ciphers?: string;
}

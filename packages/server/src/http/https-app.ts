import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from 'node:https';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { Logger } from '../logging.js';
import {
  guardConnections,
  serverCreationOptions,
  type ConnectionLimits,
} from './connection-guard.js';
import { frameworkErrorHandler, notFoundBody, routeErrorHandler } from './errors.js';

/** A Fastify application on an HTTPS server: both of the server's listeners are one. */
export type HttpsApp = FastifyInstance<Server, IncomingMessage, ServerResponse>;

/** One route of a listener, as registered (HEAD routes Fastify adds for GET are left out). */
export interface RouteInfo {
  method: string;
  path: string;
}

const routesOf = new WeakMap<HttpsApp, RouteInfo[]>();
const listenerOfApp = new WeakMap<HttpsApp, ListenerName>();

/** The server's two listeners: consoles, agents and integrations; and the admin console. */
export type ListenerName = 'user' | 'admin';

/** Which listener an app made by `createHttpsApp` is (endpoint registration checks it). */
export function listenerOf(app: HttpsApp): ListenerName {
  return listenerOfApp.get(app) ?? 'user';
}

/** Every route registered on an app made by `createHttpsApp` (contract coverage test). */
export function registeredRoutes(app: HttpsApp): readonly RouteInfo[] {
  return routesOf.get(app) ?? [];
}

/** TLS settings shared by both listeners (S-5). */
export interface HttpsOptions {
  key: string;
  cert: string;
  minVersion: 'TLSv1.2' | 'TLSv1.3';
  ciphers?: string;
  /** Deadlines and the per-source cap (slow-request hardening). */
  connections: ConnectionLimits;
  /** Reverse proxies (config `trustedProxies`): not capped, all their clients share an address. */
  trustedProxies: readonly string[];
}

/**
 * A Fastify application on HTTPS with the settings both listeners share: our logger without
 * per-request lines, no proxy trust (S-11 is explicit), connection deadlines and caps, and the
 * one error mapper.
 */
/**
 * Every route validates with the endpoint contracts' zod schemas (endpoint-route.ts), never with
 * Fastify's JSON schemas, so Fastify's default compilers (Ajv and fast-json-stringify) are never
 * built: given these, Fastify does not load them, and the production bundle leaves them out
 * (scripts/build.mjs), which keeps ~0.7 MiB of code out of the server's memory.
 */
const NO_FASTIFY_SCHEMAS = {
  buildValidator: () => () => {
    throw new Error('Fastify route schemas are not used: validate with the endpoint contract.');
  },
  buildSerializer: () => () => {
    throw new Error('Fastify response schemas are not used: send the endpoint contract body.');
  },
};

export function createHttpsApp(options: {
  https: HttpsOptions;
  log: Logger;
  /** Which listener this is (default `user`): only its endpoint contracts may be registered. */
  listener?: ListenerName;
  bodyLimit?: number;
  /** Serves GET requests no route matched (the console's History-API fallback). */
  fallback?: (request: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined;
}): HttpsApp {
  // Typed as Fastify's logger so the app gets Fastify's default logger type parameter.
  const loggerInstance: FastifyBaseLogger = options.log;
  const { connections, trustedProxies, ...tls } = options.https;
  const app = Fastify({
    https: { ...tls, ...serverCreationOptions(connections) },
    loggerInstance,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    trustProxy: false,
    frameworkErrors: frameworkErrorHandler(options.log),
    schemaController: { compilersFactory: NO_FASTIFY_SCHEMAS },
  });
  const routes: RouteInfo[] = [];
  routesOf.set(app, routes);
  listenerOfApp.set(app, options.listener ?? 'user');
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routes.push({ method, path: route.url });
    }
  });
  guardConnections(app.server, { ...connections, trustedProxies }, options.log);
  app.setErrorHandler(routeErrorHandler(options.log));
  app.setNotFoundHandler((request, reply) => {
    if (request.method === 'GET' && options.fallback?.(request, reply)) return reply;
    return reply.status(404).send(notFoundBody(request.method, request.url));
  });
  return app;
}

import { ssoEndpoints } from '@tether/protocol';
import type { FastifyReply } from 'fastify';
import { SESSION_IDLE_MS } from '../../auth/auth-service.js';
import type { SsoFinish, SsoService } from '../../sso/sso-service.js';
import type { ServerContext } from '../../ports/server-context.js';
import { registerEndpoint, type EndpointRouteOptions } from '../endpoint-route.js';
import type { HttpsApp } from '../https-app.js';
import { sessionCookie, sourceAddress } from '../request-context.js';
import { bindBrowser, bindingOf } from '../sso-binding.js';

/**
 * Why a single sign-on did not sign the browser in, for the login page to show once. A cookie,
 * not the URL: a link from anywhere could otherwise put its own words on our login page.
 */
const REFUSAL_COOKIE = 'tether_sso_error';

/** Leaves the reason for the login page; returns the login page's path. */
function loginPageSaying(message: string, reply: FastifyReply): string {
  const reason = encodeURIComponent(message.slice(0, 500));
  void reply.header(
    'set-cookie',
    `${REFUSAL_COOKIE}=${reason}; Path=/; Secure; SameSite=Strict; Max-Age=300`,
  );
  return '/';
}

/**
 * A browser that navigated here gets the login page with the reason, not a JSON error body (an
 * unknown or disabled provider, a provider that cannot be reached).
 */
const toLoginPage: EndpointRouteOptions = {
  answerRefusal: (error, _request, reply) =>
    reply.redirect(loginPageSaying(error.message, reply), 302),
};

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/**
 * The page a browser coming back from the provider gets. It moves on by itself: the session
 * cookie is SameSite=Strict, so the console must be loaded by a navigation our own page starts,
 * not by a redirect of the provider's cross-site one (which would not send the cookie).
 */
function finishPage(finish: SsoFinish, reply: FastifyReply): string {
  let next: string;
  if (finish.outcome === 'signed-in') {
    void reply.header('set-cookie', sessionCookie(finish.token, SESSION_IDLE_MS / 1000));
    next = '/';
  } else if (finish.outcome === 'tested') next = finish.location;
  else next = loginPageSaying(finish.message, reply);
  const href = escapeHtml(next);
  const text = finish.outcome === 'refused' ? escapeHtml(finish.message) : 'Signing in…';
  void reply.type('text/html; charset=utf-8');
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${href}"><title>Tether</title></head><body><p>${text}</p><p><a href="${href}">Continue</a></p></body></html>`;
}

/**
 * Single sign-on: the browser's round trip to the provider. The administrators' settings and
 * tests are on the admin listener (admin/sign-in-admin-routes.ts).
 */
export function ssoRoutes(app: HttpsApp, context: ServerContext): void {
  const sso: SsoService = context.sso;

  registerEndpoint(app, context.auth, ssoEndpoints.buttons, async () => ({
    providers: await sso.buttons(),
  }));

  registerEndpoint(
    app,
    context.auth,
    ssoEndpoints.start,
    async ({ params, request, reply }) => {
      const location = await sso.start({
        providerId: params.provider,
        binding: bindBrowser(request, reply),
      });
      void reply.redirect(location, 302);
    },
    toLoginPage,
  );

  registerEndpoint(
    app,
    context.auth,
    ssoEndpoints.callback,
    async ({ params, request, reply }) => {
      const finish = await sso.finishOidc({
        providerId: params.provider,
        // The URL as the provider sent it: openid-client checks its parameters itself.
        callbackUrl: new URL(request.url, context.publicUrl()),
        binding: bindingOf(request),
        sourceAddress: sourceAddress(request),
      });
      return finishPage(finish, reply);
    },
    toLoginPage,
  );

  // The IdP posts a form (HTTP-POST binding); JSON is all the rest of the API takes.
  void app.register((scoped: HttpsApp, _options, done) => {
    scoped.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 1024 * 1024 },
      (_request, body, parsed) => {
        parsed(null, Object.fromEntries(new URLSearchParams(String(body))));
      },
    );
    registerEndpoint(
      scoped,
      context.auth,
      ssoEndpoints.acs,
      async ({ params, body, request, reply }) => {
        const finish = await sso.finishSaml({
          providerId: params.provider,
          form: body,
          binding: bindingOf(request),
          sourceAddress: sourceAddress(request),
        });
        return finishPage(finish, reply);
      },
      toLoginPage,
    );
    done();
  });

  registerEndpoint(app, context.auth, ssoEndpoints.metadata, ({ params }) =>
    sso.metadata(params.provider),
  );
}

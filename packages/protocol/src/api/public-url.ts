import { z } from 'zod';

/**
 * An address the server can be reached at from other machines: `https://host[:port]`, nothing
 * after it (Tether serves from the root of its address), no user name or password. Saved as
 * its origin (`https://support.example.com:8443`, without a trailing slash).
 *
 * @example
 * PublicUrl.parse('https://support.example.com:8443/'); // 'https://support.example.com:8443'
 */
export const PublicUrl = z
  .string()
  .trim()
  .min(1, 'Give the address, e.g. https://support.example.com:8443')
  .max(2048)
  .transform((text, context) => {
    const problem = publicUrlProblem(text);
    if (problem === undefined) return new URL(text).origin;
    context.addIssue({ code: 'custom', message: problem });
    return z.NEVER;
  });
export type PublicUrl = z.infer<typeof PublicUrl>;

/** Why `text` is not a usable public URL, said for the person who typed it; undefined when it is. */
export function publicUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `"${text}" is not an address: write it as https://host:port, e.g. https://support.example.com:8443.`;
  }
  if (url.protocol !== 'https:')
    return `The public address must start with https:// (agents and browsers only reach Tether over TLS), not ${url.protocol}//.`;
  if (url.username !== '' || url.password !== '')
    return 'The public address must not carry a user name or password.';
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '')
    return `The public address is only https://host:port: Tether serves from the root of its address, so drop "${url.pathname === '/' ? '' : url.pathname}${url.search}${url.hash}".`;
  return undefined;
}

/**
 * Where the server's public URL comes from: the config file or `TETHER_PUBLIC_URL` (wins over
 * everything), the value saved in the admin console or with `tether admin public-url`, or,
 * with neither, this machine's name or address as the server found it at start.
 */
export const PublicUrlSource = z.enum(['config', 'saved', 'detected']);
export type PublicUrlSource = z.infer<typeof PublicUrlSource>;

/**
 * The public URL (the https address agents, packages and enrolment commands use), as the admin
 * console's editor shows it.
 *
 * @example
 * const view = await api.call(publicUrlEndpoints.get, {});
 * if (view.source === 'config') console.log(`set in the config file: ${view.configured}`);
 */
export const PublicUrlSettings = z.object({
  /** The URL in use now. */
  effective: z.string(),
  source: PublicUrlSource,
  /** The config file's (or `TETHER_PUBLIC_URL`'s) value; when set it wins over `saved`. */
  configured: z.string().nullable(),
  /** The value saved in the admin console or with the CLI; null when none. */
  saved: z.string().nullable(),
  /** What the server uses with nothing set: this machine's name or address, and its port. */
  detected: z.string(),
  /** Things an administrator should fix, e.g. an address other machines cannot reach. */
  warnings: z.array(z.string()),
});
export type PublicUrlSettings = z.infer<typeof PublicUrlSettings>;

/**
 * Saves the public URL (`url`), or removes the saved one (`null`: the detected address again).
 *
 * @example
 * const body: SetPublicUrlRequest = { url: 'https://support.example.com' };
 */
export const SetPublicUrlRequest = z.object({ url: PublicUrl.nullable() });
export type SetPublicUrlRequest = z.infer<typeof SetPublicUrlRequest>;

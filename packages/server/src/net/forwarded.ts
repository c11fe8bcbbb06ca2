import { isIP } from 'node:net';
import type { IncomingHttpHeaders } from 'node:http';
import type { ForwardedHeader } from '@tether/protocol';
import { normalizeAddress, type AddressList } from './address-list.js';

/** Who trusts which proxies, and which header they write (S-11). */
export interface ProxyTrust {
  readonly proxies: AddressList;
  readonly header: ForwardedHeader;
}

/** Ports, brackets and quotes stripped; undefined when what is left is no IP address. */
function addressOf(node: string): string | undefined {
  let text = node.trim();
  if (text.startsWith('"') && text.endsWith('"') && text.length >= 2) text = text.slice(1, -1);
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed?.[1]) text = bracketed[1];
  else if (/^[\d.]+:\d+$/.test(text)) text = text.slice(0, text.lastIndexOf(':'));
  return isIP(text) === 0 ? undefined : normalizeAddress(text);
}

/** Splits on commas outside quoted strings (RFC 7239 §4 values may be quoted). */
function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (const character of text) {
    if (character === '"') quoted = !quoted;
    if (character === separator && !quoted) {
      parts.push(current);
      current = '';
    } else current += character;
  }
  parts.push(current);
  return parts;
}

/** One RFC 7239 element's parameters, keys lower-cased, quotes kept on values. */
function forwardedElement(element: string): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const pair of splitOutsideQuotes(element, ';')) {
    const index = pair.indexOf('=');
    if (index > 0)
      pairs.set(pair.slice(0, index).trim().toLowerCase(), pair.slice(index + 1).trim());
  }
  return pairs;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The `for` nodes of a forwarded header, left (the first hop) to right (the last). */
function forwardedFor(headers: IncomingHttpHeaders, header: ForwardedHeader): string[] {
  if (header === 'x-forwarded-for') {
    const value = single(headers['x-forwarded-for']);
    return value === undefined ? [] : value.split(',');
  }
  const value = single(headers.forwarded);
  if (value === undefined) return [];
  return splitOutsideQuotes(value, ',').map(
    (element) => forwardedElement(element).get('for') ?? '',
  );
}

/**
 * The client's address: the socket peer's, unless that peer is a trusted proxy; then the
 * right-most address of the forwarded chain that is not itself a trusted proxy (everything left
 * of it was written by the client or by proxies we do not know, so it proves nothing). A node
 * that is no IP address (`unknown`, an obfuscated `_hidden`) ends the walk at the trusted hop
 * that reported it. With no trust configured the headers are never read.
 *
 * @example
 * clientAddress({ peer: '10.0.0.5', headers: { 'x-forwarded-for': '6.6.6.6, 203.0.113.9' }, trust });
 * // '203.0.113.9' when only 10.0.0.5 is trusted
 */
export function clientAddress(input: {
  peer: string;
  headers: IncomingHttpHeaders;
  trust: ProxyTrust;
}): string {
  const { trust } = input;
  let address = normalizeAddress(input.peer);
  if (trust.proxies.entries.length === 0) return address;
  const chain = forwardedFor(input.headers, trust.header);
  while (trust.proxies.has(address)) {
    const node = chain.pop();
    if (node === undefined) return address;
    const next = addressOf(node);
    if (next === undefined) return address;
    address = next;
  }
  return address;
}

import { AuditAction } from '@tether/protocol';
import type { AuditFilter } from '@tether/sdk';

/**
 * The audit page's filters as they stand in its URL (`/audit?device=…&action=a,b&from=…`), so
 * a filtered view is a link to share. Values the URL may hold but the API would refuse (an
 * unknown action, a malformed time) are left out instead of failing the page.
 *
 * @example
 * filtersFromSearch('?action=auth.login,nope') // { actions: ['auth.login'] }
 */
export function filtersFromSearch(search: string): AuditFilter {
  const params = new URLSearchParams(search);
  const text = (name: string) => params.get(name)?.trim() || undefined;
  const time = (name: string) => {
    const value = text(name);
    return value !== undefined && !Number.isNaN(Date.parse(value)) ? value : undefined;
  };
  const actions = (text('action') ?? '').split(',').flatMap((part) => {
    const parsed = AuditAction.safeParse(part.trim());
    return parsed.success ? [parsed.data] : [];
  });
  const filter: AuditFilter = {
    user: text('user'),
    device: text('device'),
    actions: actions.length > 0 ? actions : undefined,
    from: time('from'),
    until: time('until'),
    text: text('q'),
  };
  return Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined));
}

/** The audit page's path for filters (the inverse of `filtersFromSearch`). */
export function auditPath(filter: AuditFilter): string {
  const params = new URLSearchParams();
  if (filter.user) params.set('user', filter.user);
  if (filter.device) params.set('device', filter.device);
  if (filter.actions?.length) params.set('action', filter.actions.join(','));
  const instant = (value: Date | string) => (value instanceof Date ? value.toISOString() : value);
  if (filter.from) params.set('from', instant(filter.from));
  if (filter.until) params.set('until', instant(filter.until));
  if (filter.text) params.set('q', filter.text);
  const search = params.toString();
  return search === '' ? '/audit' : `/audit?${search}`;
}

/** An ISO instant as the value of a `datetime-local` input (the browser's time zone). */
export function toLocalInput(iso: Date | string | undefined): string {
  if (iso === undefined) return '';
  const date = new Date(iso);
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

/** A `datetime-local` input's value as an ISO instant (undefined when empty). */
export function fromLocalInput(value: string): string | undefined {
  return value === '' ? undefined : new Date(value).toISOString();
}

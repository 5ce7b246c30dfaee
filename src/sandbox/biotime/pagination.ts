import type { SandboxRequest, SandboxResponse } from '../common/httpServer';

/** Where `next`/`previous` links point: the server's own idea of its address (§3.2). */
export interface LinkBase {
  scheme: 'http' | 'https';
  /** Fixed host[:port] (the "internal" name), or undefined to echo the request's Host header. */
  internalHost: string | undefined;
  fallbackHost: string;
}

export interface PageRequest {
  page: number;
  size: number;
}

export interface ListEnvelope {
  count: number;
  next: string | null;
  previous: string | null;
  msg: string;
  code: number;
  data: unknown[];
}

export const invalidPage: SandboxResponse = { status: 404, body: { detail: 'Invalid page.' } };

// DRF's _positive_int(strict=True): a positive integer, else the caller falls back to the default.
function positiveInt(value: string | null): number | undefined {
  if (value === null || !/^\s*\+?\d+\s*$/.test(value)) return undefined;
  const number = Number(value.trim());
  return number > 0 ? number : undefined;
}

/**
 * Page size from `page_size` (documented) or `limit` (the 8.5 manual's name), else the default. The page
 * number stays raw here because its validity depends on the row count.
 */
export function pageSize(query: URLSearchParams, defaultSize: number): number {
  return positiveInt(query.get('page_size')) ?? positiveInt(query.get('limit')) ?? defaultSize;
}

/**
 * Resolves `page` like Django's Paginator: "last" is the last page, page 1 of an empty result is valid,
 * anything else out of range or not an integer is a 404 "Invalid page.".
 */
export function resolvePage(query: URLSearchParams, size: number, count: number): PageRequest | undefined {
  const raw = query.get('page') ?? '1';
  const pages = Math.max(1, Math.ceil(count / size));
  if (raw === 'last') return { page: pages, size };
  if (!/^\s*[+-]?\d+\s*$/.test(raw)) return undefined;
  const page = Number(raw.trim());
  return page >= 1 && page <= pages ? { page, size } : undefined;
}

// Python's urllib.parse.quote_plus: only letters, digits and "_.-~" stay unescaped; space becomes "+".
function quotePlus(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** DRF replace_query_param/remove_query_param: parameters re-encoded sorted by name. */
function pageLink(req: SandboxRequest, base: LinkBase, page: number | undefined): string {
  const grouped = new Map<string, string[]>();
  for (const [key, value] of req.query) {
    if (key === 'page') continue;
    grouped.set(key, [...(grouped.get(key) ?? []), value]);
  }
  if (page !== undefined) grouped.set('page', [String(page)]);
  const query = [...grouped.keys()]
    .sort()
    .flatMap((key) => (grouped.get(key) ?? []).map((value) => `${quotePlus(key)}=${quotePlus(value)}`))
    .join('&');
  const host = base.internalHost ?? req.headers.host ?? base.fallbackHost;
  return `${base.scheme}://${host}${encodeURI(req.path)}${query ? `?${query}` : ''}`;
}

export function envelope(
  req: SandboxRequest,
  base: LinkBase,
  at: PageRequest,
  count: number,
  data: unknown[],
): ListEnvelope {
  const pages = Math.max(1, Math.ceil(count / at.size));
  const next = at.page < pages ? pageLink(req, base, at.page + 1) : null;
  const previous = at.page > 1 ? pageLink(req, base, at.page === 2 ? undefined : at.page - 1) : null;
  return { count, next, previous, msg: '', code: 0, data };
}

/** Paginates an in-memory list (the small tables); transactions page through their own index instead. */
export function listPage(req: SandboxRequest, base: LinkBase, defaultSize: number, rows: unknown[]): SandboxResponse {
  const at = resolvePage(req.query, pageSize(req.query, defaultSize), rows.length);
  if (!at) return invalidPage;
  const start = (at.page - 1) * at.size;
  return { status: 200, body: envelope(req, base, at, rows.length, rows.slice(start, start + at.size)) };
}

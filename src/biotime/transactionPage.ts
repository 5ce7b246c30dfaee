// One page of /iclock/api/transactions/: request (page_size and limit, optional start_time), decoding, and the
// ascending-id check every page must pass.
import { BioTimeError } from '../core/errors';
import { HttpTransportError } from '../core/http';
import type { Logger } from '../core/ports';
import type { Punch } from '../core/types';
import { detailOf, expectJson, statusError } from './answers';
import type { BioTimeApi } from './api';
import { forEachYielding } from '../core/yieldLoop';
import { parseEnvelope, parsePunch, type ParseOptions } from './parse';

export const TRANSACTIONS_PATH = '/iclock/api/transactions/';

export interface PageRead {
  page: number;
  count: number | null;
  next: string | null;
  punches: Punch[];
  /** Lowest and highest id on the page (records without id ignored). */
  first?: number;
  last?: number;
  /** No rows: a 404 "Invalid page." past the end, or an empty list. */
  missing: boolean;
  /** Order of this read within one TransactionReader (unset outside one). */
  seq?: number;
}

export interface ReaderDeps {
  api: BioTimeApi;
  logger: Logger;
  parse: ParseOptions;
}

const MB = 1024 * 1024;

/**
 * Bound on one transaction page's answer. A transaction is under 1 KB of JSON (a 1,000-row page is well under
 * 2 MB), so 8 KB a row plus 2 MB leaves a wide margin, and a hostile or misrouted answer is cut long before the
 * client-wide 64 MB: 4 MB for the default 200 rows, 10 MB for 1,000.
 */
export function pageBodyLimit(size: number): number {
  return Math.min(64, 2 + Math.ceil((size * 8) / 1024)) * MB;
}

export function clampPageSize(n: number): number {
  return Number.isFinite(n) ? Math.min(10_000, Math.max(1, Math.floor(n))) : 100;
}

/** Fetches one page of the transaction list (page_size + limit, optional start_time). */
export async function fetchTransactionPage(
  d: ReaderDeps,
  page: number,
  size: number,
  startTime?: string,
  signal?: AbortSignal,
): Promise<PageRead & { rowCount: number }> {
  const { api } = d;
  const what = `GET ${TRANSACTIONS_PATH} (page ${page})`;
  const params = { page, page_size: size, limit: size, start_time: startTimeParam(startTime) };
  const limit = pageBodyLimit(size);
  const res = await api
    .send({ method: 'GET', url: TRANSACTIONS_PATH, params, retry: 'read', signal, maxBodyBytes: limit })
    .catch((e: unknown) => {
      if (BioTimeError.is(e, 'badResponse') && e.cause instanceof HttpTransportError && e.cause.kind === 'tooLarge')
        throw tooLargePage(api.server, page, size, limit, e);
      throw e;
    });
  if (res.status === 404) {
    // DRF answers a page past the end with 404 {"detail": "Invalid page."}.
    if (page > 1 || /invalid page/i.test(detailOf(res.text)))
      return { page, count: null, next: null, punches: [], missing: true, rowCount: 0 };
    throw statusError(res, api.server, what);
  }
  const env = parseEnvelope(expectJson(res, api.server, what), api.server, what);
  // A page holds up to 10,000 rows (pageSize): parsed in slices, so the extension host's loop is not held for it.
  const punches: Punch[] = [];
  await forEachYielding(env.rows, (r) => punches.push(parsePunch(r, d.parse)));
  let first: number | undefined;
  let last: number | undefined;
  for (const p of punches) {
    if (p.id === null) continue;
    if (last !== undefined && p.id <= last) {
      throw new BioTimeError(
        'order',
        `BioTime does not list transactions in id order; page ${page} lists id ${p.id} after id ${last} (${api.server}).`,
        'BioTime Sync relies on the default ascending-id order of /iclock/api/transactions/. Check for a proxy or customisation that sorts the list, and report the BioTime version.',
      );
    }
    first ??= p.id;
    last = p.id;
  }
  return {
    page,
    count: env.count,
    next: env.next,
    punches,
    first,
    last,
    missing: punches.length === 0,
    rowCount: env.rows.length,
  };
}

function tooLargePage(server: string, page: number, size: number, limit: number, cause: BioTimeError): BioTimeError {
  return new BioTimeError(
    'badResponse',
    `${server}: page ${page} of the transactions (${size} rows asked for) is larger than the ${limit / MB} MB limit; ${size} BioTime transactions are normally under ${Math.max(1, Math.ceil((size * 2) / 1024))} MB.`,
    `Something other than BioTime's transaction list may be answering (a proxy, a portal or debug page): check the device URL. If the rows really are that large, lower "pageSize" for this device in the configuration (the limit follows it).`,
    { cause },
  );
}

/** start_time is documented as `YYYY-MM-DD HH:MM:SS`; a bare date (allowed in importSince) gets midnight. */
export function startTimeParam(v: string | undefined): string | undefined {
  const t = v?.trim();
  if (!t) return undefined;
  return /^\d{4}-\d{2}-\d{2}$/.test(t) ? `${t} 00:00:00` : t;
}

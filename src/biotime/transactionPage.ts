// One page of /iclock/api/transactions/: request (page_size and limit, optional start_time), decoding, and the
// ascending-id check every page must pass.
import { BioTimeError } from '../core/errors';
import type { Logger, Punch } from '../core/ports';
import { detailOf, expectJson, statusError } from './answers';
import type { BioTimeApi } from './api';
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

export function clampPageSize(n: number): number {
  return Number.isFinite(n) ? Math.min(10_000, Math.max(1, Math.floor(n))) : 100;
}

/** Fetches one page of the transaction list (page_size + limit, optional start_time). */
export async function fetchTransactionPage(d: ReaderDeps, page: number, size: number, startTime?: string, signal?: AbortSignal): Promise<PageRead & { rowCount: number }> {
  const { api } = d;
  const what = `GET ${TRANSACTIONS_PATH} (page ${page})`;
  const params = { page, page_size: size, limit: size, start_time: startTimeParam(startTime) };
  const res = await api.send({ method: 'GET', url: TRANSACTIONS_PATH, params, retry: 'read', signal });
  if (res.status === 404) {
    // DRF answers a page past the end with 404 {"detail": "Invalid page."}.
    if (page > 1 || /invalid page/i.test(detailOf(res.text))) return { page, count: null, next: null, punches: [], missing: true, rowCount: 0 };
    throw statusError(res, api.server, what);
  }
  const env = parseEnvelope(expectJson(res, api.server, what), api.server, what);
  const punches = env.rows.map((r) => parsePunch(r, d.parse));
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
  return { page, count: env.count, next: env.next, punches, first, last, missing: punches.length === 0, rowCount: env.rows.length };
}

/** start_time is documented as `YYYY-MM-DD HH:MM:SS`; a bare date (allowed in importSince) gets midnight. */
export function startTimeParam(v: string | undefined): string | undefined {
  const t = v?.trim();
  if (!t) return undefined;
  return /^\d{4}-\d{2}-\d{2}$/.test(t) ? `${t} 00:00:00` : t;
}

// The BioTime side of the engine: an AttendanceSource over BioTime's REST API (§2, §3, §6 of the reference).
import type { DeviceConfig } from '../core/configTypes';
import { HttpClient, type RetryPolicy } from '../core/http';
import type { AttendanceSource, Clock, CredentialProvider, Logger } from '../core/ports';
import type { Punch, SourceProbe, TerminalInfo, TransactionPage, TransactionQuery } from '../core/types';
import { redactingLogger, type Redactor } from '../core/redact';
import { describeRequest, expectJson, looksLikeHtml } from './answers';
import { BioTimeApi } from './api';
import { BioTimeAuth, type LoginGuard } from './auth';
import { isObject, looseInt, parseEnvelope, parsePunch, parseTerminal, type ParseOptions } from './parse';
import { TRANSACTIONS_PATH, fetchTransactionPage, type ReaderDeps } from './transactionPage';
import { TransactionReader } from './transactions';

const TERMINALS_PATH = '/iclock/api/terminals/';
const TERMINAL_PAGE_SIZE = 100;
const MAX_LIST_PAGES = 1000;

export interface BioTimeClientOptions {
  device: DeviceConfig;
  credentials: CredentialProvider;
  clock: Clock;
  logger: Logger;
  /** When given, the password and tokens are registered with it and every log line passes through it. */
  redactor?: Redactor;
  /** Tuning and tests: HTTP retry policy (default: HttpClient's). */
  retry?: RetryPolicy;
  /** Tests: the refused-login memory (default: one shared by the whole process). */
  loginGuard?: LoginGuard;
}

export class BioTimeClient implements AttendanceSource {
  readonly device: DeviceConfig;
  /** "BioTime hq": how messages name this server. */
  readonly server: string;
  readonly api: BioTimeApi;
  readonly logger: Logger;
  readonly clock: Clock;
  private readonly parse: ParseOptions;

  constructor(opts: BioTimeClientOptions) {
    const { device, redactor, clock } = opts;
    this.device = device;
    this.clock = clock;
    this.server = `BioTime ${device.id}`;
    this.logger = redactor ? redactingLogger(opts.logger, redactor) : opts.logger;
    this.parse = { timeZone: device.timeZone };
    const http = new HttpClient({
      name: this.server,
      baseUrl: device.url,
      timeoutMs: Math.max(1, device.timeoutSeconds) * 1000,
      tls: { rejectUnauthorized: device.tls.verify !== false, caFile: device.tls.caFile },
      retry: opts.retry,
      clock,
      logger: this.logger,
      labels: { server: 'biotime', target: device.id },
    });
    const auth = new BioTimeAuth({
      device,
      server: this.server,
      http,
      credentials: opts.credentials,
      clock,
      logger: this.logger,
      redactor,
      loginGuard: opts.loginGuard,
    });
    this.api = new BioTimeApi(this.server, http, auth, this.logger);
  }

  readTransactions(query: TransactionQuery): AsyncIterable<TransactionPage> {
    return new TransactionReader(this.readerDeps(), query).pages();
  }

  async getTransaction(id: number, signal?: AbortSignal): Promise<Punch | null> {
    const url = `${TRANSACTIONS_PATH}${encodeURIComponent(String(id))}/`;
    const res = await this.api.send({ method: 'GET', url, retry: 'read', signal });
    if (res.status === 404) return null;
    if (res.status === 200 && looksLikeHtml(res.text)) {
      // Versions without the detail route answer the HTML "Page not found" page: treat as unsupported.
      this.logger.debug(`${this.server}: GET ${TRANSACTIONS_PATH}{id}/ is not supported (HTML answer)`);
      return null;
    }
    const value = expectJson(res, this.server, describeRequest('GET', url));
    let record: unknown = value;
    if (isObject(value) && Array.isArray(value.data))
      record = value.data.find((r) => isObject(r) && looseInt(r.id) === id);
    else if (isObject(value) && isObject(value.data)) record = value.data;
    if (!isObject(record)) return null;
    const punch = parsePunch(record, this.parse);
    return punch.id === id ? punch : null;
  }

  async listTerminals(signal?: AbortSignal): Promise<TerminalInfo[]> {
    const byKey = new Map<string, TerminalInfo>();
    for (let page = 1; page <= MAX_LIST_PAGES; page++) {
      const what = `GET ${TERMINALS_PATH} (page ${page})`;
      const res = await this.api.send({
        method: 'GET',
        url: TERMINALS_PATH,
        params: { page, page_size: TERMINAL_PAGE_SIZE, limit: TERMINAL_PAGE_SIZE },
        retry: 'read',
        signal,
      });
      if (res.status === 404 && page > 1) break;
      const env = parseEnvelope(expectJson(res, this.server, what), this.server, what);
      const before = byKey.size;
      for (const row of env.rows) {
        const t = parseTerminal(row);
        byKey.set(t.id !== null ? `id:${t.id}` : `sn:${t.sn}`, t);
      }
      // Stop on the last page, and when a page adds nothing new (a server that ignores `page`).
      if (env.next === null || env.rows.length === 0 || byKey.size === before) break;
      if (env.count !== null && byKey.size >= env.count) break;
    }
    return [...byKey.values()];
  }

  async probe(signal?: AbortSignal): Promise<SourceProbe> {
    const d = this.readerDeps();
    const first = await fetchTransactionPage(d, 1, 1, undefined, signal);
    const result: SourceProbe = {
      scheme: this.api.auth.scheme,
      tokenExpiresAt: this.api.auth.tokenExpiresAt,
      transactionCount: first.count ?? first.rowCount,
      newestTransactionId: null,
      newestUploadTime: null,
    };
    // Without a count the last page cannot be computed; the newest id then stays unknown rather than wrong.
    if (first.missing || (first.count === null && first.next !== null)) return result;
    // Newest = last row of the last page. The server may not honour page_size=1: follow the size it used.
    const size = first.next !== null && first.rowCount > 1 ? first.rowCount : 1;
    const lastPage = first.next === null || first.count === null ? 1 : Math.max(1, Math.ceil(first.count / size));
    const last = lastPage === 1 ? first : await fetchTransactionPage(d, lastPage, size, undefined, signal);
    const rows = last.missing ? first.punches : last.punches;
    const newest = rows.at(-1);
    result.newestTransactionId = newest?.id ?? null;
    const uploads = rows
      .map((p) => p.uploadTime)
      .filter((t): t is string => t !== null)
      .sort();
    result.newestUploadTime = uploads.at(-1) ?? null;
    return result;
  }

  private readerDeps(): ReaderDeps {
    return { api: this.api, logger: this.logger, parse: this.parse };
  }
}

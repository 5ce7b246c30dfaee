// One Frappe site as the rest of src/frappe sees it: token auth, JSON in and out, and every answer turned into
// either a parsed body or a classified FrappeError. Retries, TLS and limits are HttpClient's (core/http.ts).
import { CancelledError, CredentialsMissingError, FrappeError } from '../core/errors';
import { HttpClient, HttpTransportError, parseJsonBody, pathOf, type RetryMode, type RetryPolicy } from '../core/http';
import type { Clock, CredentialProvider, Logger } from '../core/ports';
import type { SiteConfig } from '../core/configTypes';
import { hintHost } from '../core/fixHints';
import { credentialsHint, decodeFrappeError, envId, frappeErrorFrom, type DecodedFrappeError } from './errors';

export interface FrappeApiOptions {
  site: SiteConfig;
  credentials: CredentialProvider;
  clock: Clock;
  logger: Logger;
  /** Retry policy for the HttpClient built here (default: HttpClient's). */
  retry?: RetryPolicy;
  /** Use this HttpClient instead of building one (tests, or sharing one between objects). */
  http?: HttpClient;
}

export interface FrappeRequest {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  data?: unknown;
  params?: Record<string, string | number | undefined>;
  retry: RetryMode;
  signal?: AbortSignal;
}

export type SendResult =
  | { ok: true; body: Record<string, unknown>; status: number }
  | {
      ok: false;
      error: FrappeError;
      decoded?: DecodedFrappeError;
      /** The request may have been processed (lost answer, 5xx): a write must be reconciled before any retry. */
      maybeProcessed: boolean;
      /** The failure answer came from Frappe itself (JSON with exc_type), not from a proxy or the network. */
      frappeAnswered: boolean;
    };

export class FrappeApi {
  readonly siteId: string;
  readonly baseUrl: string;
  readonly http: HttpClient;
  readonly logger: Logger;
  readonly clock: Clock;
  private auth?: Promise<string>;

  constructor(private readonly opts: FrappeApiOptions) {
    this.siteId = opts.site.id;
    this.baseUrl = opts.site.url.replace(/\/+$/, '');
    this.logger = opts.logger;
    this.clock = opts.clock;
    this.http =
      opts.http ??
      new HttpClient({
        name: `Frappe site ${opts.site.id}`,
        baseUrl: this.baseUrl,
        timeoutMs: Math.max(1, opts.site.timeoutSeconds) * 1000,
        tls: { rejectUnauthorized: opts.site.tls.verify, caFile: opts.site.tls.caFile },
        retry: opts.retry,
        clock: opts.clock,
        logger: opts.logger,
        labels: { server: 'frappe', target: opts.site.id },
      });
  }

  /** Sends a request; never throws a FrappeError (only CancelledError / CredentialsMissingError). */
  async send(req: FrappeRequest): Promise<SendResult> {
    assertReadOnlyGet(req);
    const authorization = await this.authorization();
    const action = `${req.method} ${pathOf(req.path)}`;
    let res;
    try {
      res = await this.http.request({
        ...req,
        url: req.path,
        headers: { Authorization: authorization, Accept: 'application/json' },
      });
    } catch (e) {
      if (e instanceof CancelledError) throw e;
      if (!(e instanceof HttpTransportError)) throw e;
      return { ok: false, error: transportError(e), maybeProcessed: e.maybeProcessed, frappeAnswered: false };
    }
    if (res.status >= 200 && res.status < 300) {
      const parsed = parseJsonBody(res.text);
      if (parsed.ok && parsed.value && typeof parsed.value === 'object' && !Array.isArray(parsed.value)) {
        return { ok: true, body: parsed.value as Record<string, unknown>, status: res.status };
      }
      const decoded = decodeFrappeError(res.status, res.text);
      const error = frappeErrorFrom(
        { ...decoded, notJson: decoded.notJson ?? 'malformed' },
        { siteId: this.siteId, action },
      );
      return { ok: false, error, decoded, maybeProcessed: req.method !== 'GET', frappeAnswered: false };
    }
    if (res.status === 401) this.auth = undefined; // keys may have been replaced since: read them again next time
    const decoded = decodeFrappeError(res.status, res.text);
    const error = frappeErrorFrom(decoded, { siteId: this.siteId, action, location: res.headers.location });
    return {
      ok: false,
      error,
      decoded,
      maybeProcessed: res.status >= 500,
      frappeAnswered: !decoded.notJson && !!decoded.excType,
    };
  }

  /** Sends and returns the body, or throws the classified FrappeError. */
  async call(req: FrappeRequest): Promise<Record<string, unknown>> {
    const r = await this.send(req);
    if (!r.ok) throw r.error;
    return r.body;
  }

  /** `frappe.client.get_list` by POST with a JSON body (no URL length limits). Always returns rows. */
  async getList(doctype: string, args: GetListArgs, signal?: AbortSignal): Promise<Record<string, unknown>[]> {
    const body = await this.call({
      method: 'POST',
      path: '/api/method/frappe.client.get_list',
      data: { doctype, ...args },
      retry: 'read',
      signal,
    });
    const rows = body.message ?? body.data;
    if (!Array.isArray(rows)) throw this.badShape(`the ${doctype} list`);
    return rows.filter((r): r is Record<string, unknown> => !!r && typeof r === 'object' && !Array.isArray(r));
  }

  badShape(what: string): FrappeError {
    return new FrappeError(
      'badResponse',
      `Frappe site ${this.siteId} answered ${what} in an unexpected shape — is this a Frappe HR site?`,
      'Check the site URL.',
    );
  }

  private authorization(): Promise<string> {
    this.auth ??= this.readCredentials().catch((e: unknown) => {
      this.auth = undefined;
      throw e;
    });
    return this.auth;
  }

  private async readCredentials(): Promise<string> {
    const key = (await this.opts.credentials.frappeApiKey(this.siteId))?.trim();
    const secret = (await this.opts.credentials.frappeApiSecret(this.siteId))?.trim();
    if (!key || !secret) {
      const id = envId(this.siteId);
      // Environment variable names mean something only to the CLI.
      const env = (name: string) => (hintHost() === 'vscode' ? '' : ` (${name}_${id})`);
      const what =
        !key && !secret
          ? `Frappe API key and secret for site ${this.siteId}`
          : !key
            ? `Frappe API key for site ${this.siteId}${env('FRAPPE_API_KEY')}`
            : `Frappe API secret for site ${this.siteId}${env('FRAPPE_API_SECRET')}`;
      throw new CredentialsMissingError('frappeApiKey', what, credentialsHint(this.siteId));
    }
    return `token ${key}:${secret}`;
  }
}

/**
 * The only methods this client sends with GET: they read. Frappe v16 refuses GET on methods that write (frappe
 * PR #34825) and v15 answers it 200 and rolls the write back (recording f7): a write sent as GET would look done.
 */
export const READ_ONLY_METHODS: ReadonlySet<string> = new Set([
  'frappe.auth.get_logged_user',
  'frappe.client.get_time_zone',
  'frappe.client.get_list',
  'frappe.client.get_count',
  'frappe.client.get_value',
  'frappe.client.get_single_value',
]);

/** A GET of any other `/api/method/…` is a programming error, refused before it reaches the site. */
export function assertReadOnlyGet(req: Pick<FrappeRequest, 'method' | 'path'>): void {
  if (req.method !== 'GET') return;
  const m = /^\/api(?:\/v1)?\/method\/([^/?#]+)/.exec(req.path);
  if (m && !READ_ONLY_METHODS.has(decodeURIComponent(m[1])))
    throw new TypeError(`Frappe method ${m[1]} must be called with POST: it is not a read-only method.`);
}

export interface GetListArgs {
  fields: string[];
  filters?: unknown;
  or_filters?: unknown;
  order_by?: string;
  /** 0 = no limit. */
  limit_page_length: number;
  limit_start?: number;
  /** Parent doctype: required for a child doctype such as Has Role (permission is checked on the parent). */
  parent?: string;
}

function transportError(e: HttpTransportError): FrappeError {
  if (e.kind === 'tls') {
    return new FrappeError(
      'tls',
      e.message,
      "Trust the site's CA (tls.caFile), or for a test site turn tls.verify off.",
      { cause: e },
    );
  }
  if (e.kind === 'tooLarge') return new FrappeError('badResponse', e.message, undefined, { cause: e });
  return new FrappeError('unreachable', e.message, 'Check the site URL and that this machine can reach it.', {
    cause: e,
  });
}

// Frappe's error answers (frappe-api.md §6) turned into FrappeError with a message an operator can act on.
// Read the status and `exc_type` first, then the first `_server_messages` entry (a JSON string of JSON strings,
// but accept every variant seen in the wild), then `_error_message`, `message`, `exception`. Tracebacks (`exc`)
// and raw JSON are never shown.
import { FrappeError } from '../core/errors';
import { setFrappeApiKeyHint } from '../core/fixHints';
import { parseJsonBody } from '../core/http';
import type { FailureCode } from '../shared/model';

export interface DecodedFrappeError {
  status: number;
  /** Frappe's exception class, e.g. ValidationError, InactiveEmployeeStatusError. */
  excType?: string;
  /** Plain text (tags stripped, entities decoded); '' when the body said nothing usable. */
  message: string;
  /** The same message as Frappe sent it, HTML kept (it may link the document a duplicate collides with). */
  rawMessage: string;
  /** Set when the body was not a JSON object: an HTML page, nothing, or garbage. */
  notJson?: 'html' | 'empty' | 'malformed' | 'tooDeep';
  /** `<title>` of an HTML page, to say which page answered. */
  pageTitle?: string;
}

interface ServerMessage {
  message: string;
  indicator?: string;
  raiseException?: boolean;
}

const DUPLICATE_TEXT = /already has a log with the same timestamp/i;
const CHECKIN_LINK = /(?:Employee(?: |%20|\+)Checkin|employee-checkin)\/([^"'<>?#\s]+)/i;

/** Decodes an error answer; never throws, whatever the body. */
export function decodeFrappeError(status: number, text: string): DecodedFrappeError {
  const parsed = parseJsonBody(text);
  if (!parsed.ok) {
    const title = parsed.problem === 'html' ? /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1] : undefined;
    return {
      status,
      message: '',
      rawMessage: '',
      notJson: parsed.problem,
      pageTitle: title ? htmlToText(title) : undefined,
    };
  }
  const body = parsed.value;
  if (typeof body === 'string') return { status, message: htmlToText(body), rawMessage: body };
  if (!body || typeof body !== 'object' || Array.isArray(body))
    return { status, message: '', rawMessage: '', notJson: 'malformed' };
  const b = body as Record<string, unknown>;
  const v2 = Array.isArray(b.errors) ? (b.errors[0] as Record<string, unknown> | undefined) : undefined;
  const cls = b.exc_type ?? v2?.type;
  const excType = typeof cls === 'string' && cls ? cls : undefined;
  const raw = pickRawMessage(b, v2);
  return { status, excType, message: htmlToText(raw), rawMessage: raw };
}

function pickRawMessage(b: Record<string, unknown>, v2: Record<string, unknown> | undefined): string {
  const server = chooseServerMessage(decodeServerMessages(b._server_messages));
  if (server) return server;
  for (const candidate of [v2?.message, b._error_message, b.message]) {
    if (typeof candidate === 'string' && candidate.trim()) return candidate;
  }
  return exceptionMessage(b.exception) ?? exceptionMessage(v2?.exception) ?? '';
}

/** `_server_messages`: normally a JSON string of JSON strings; also accepted once-encoded, as objects, or absent. */
export function decodeServerMessages(value: unknown): ServerMessage[] {
  let list = parseLoose(value);
  if (typeof list === 'string') list = parseLoose(list);
  if (list === undefined || list === null || list === '') return [];
  const items = Array.isArray(list) ? list : [list];
  const out: ServerMessage[] = [];
  for (const item of items) {
    const v = parseLoose(item);
    if (typeof v === 'string') {
      if (v.trim()) out.push({ message: v });
    } else if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      if (typeof o.message !== 'string' || !o.message.trim()) continue;
      out.push({
        message: o.message,
        indicator: typeof o.indicator === 'string' ? o.indicator : undefined,
        raiseException: !!o.raise_exception,
      });
    }
  }
  return out;
}

/** The message that raised: flagged raise_exception, else red, else the first one. */
function chooseServerMessage(list: ServerMessage[]): string | undefined {
  return (list.find((m) => m.raiseException) ?? list.find((m) => m.indicator === 'red') ?? list[0])?.message;
}

function parseLoose(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  if (!/^[[{"]/.test(t)) return v;
  try {
    return JSON.parse(t);
  } catch {
    return v;
  }
}

/** Last line of `exception`, without the `frappe.exceptions.X: ` prefix; undefined when it is only a class name. */
function exceptionMessage(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const line = v
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .pop();
  if (!line) return undefined;
  const m = /^(?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*:\s+([\s\S]+)$/.exec(line);
  if (m) return m[1];
  return /^[\w.]+$/.test(line) ? undefined : line;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Frappe messages carry HTML (<br>, <a>, <strong>): reduced to one line of plain text. */
export function htmlToText(s: string): string {
  return s
    .replace(/<\s*br\s*\/?\s*>/gi, ' ')
    .replace(/<\/\s*(p|div|li|tr|h\d)\s*>/gi, ' ')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, e: string) => {
      if (e[0] === '#') {
        const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : all;
      }
      return ENTITIES[e.toLowerCase()] ?? all;
    })
    .replace(/\s+/g, ' ')
    .trim();
}

/** "This employee already has a log with the same timestamp", or (any language) a 417 linking an Employee Checkin. */
export function isDuplicateCheckin(d: DecodedFrappeError): boolean {
  if (DUPLICATE_TEXT.test(d.message)) return true;
  return d.status === 417 && d.excType === 'ValidationError' && CHECKIN_LINK.test(d.rawMessage);
}

/** Name of the existing checkin a duplicate error links to, when the link is there. */
export function duplicateCheckinName(rawMessage: string): string | undefined {
  const m = CHECKIN_LINK.exec(rawMessage);
  if (m) {
    try {
      return decodeURIComponent(m[1]);
    } catch {
      return m[1];
    }
  }
  return /\bEMP-CKIN-[A-Za-z0-9-]*\d/.exec(rawMessage)?.[0];
}

/** `FRAPPE_API_KEY_<ENVID>`: the site id as the CLI spells it in environment variable names. */
export function envId(siteId: string): string {
  return siteId.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

export function credentialsHint(siteId: string): string {
  return `${setFrappeApiKeyHint(siteId)}.`;
}

export interface ErrorContext {
  siteId: string;
  /** What was being done, e.g. "POST /api/method/frappe.client.insert_many". */
  action: string;
  /** Location header of a redirect. */
  location?: string;
}

/** Classifies a decoded error answer. */
export function frappeErrorFrom(d: DecodedFrappeError, ctx: ErrorContext): FrappeError {
  const site = `Frappe site ${ctx.siteId}`;
  const opts = { status: d.status, excType: d.excType };
  const said = d.message ? `: ${d.message}` : '';
  const { status } = d;
  if (status === 429) {
    return new FrappeError(
      'http',
      sentence(`${site} is rate-limiting requests (HTTP 429)${said}`),
      'Lower the concurrency, or raise rate_limit in the site config.',
      opts,
    );
  }
  if (status >= 500) {
    return new FrappeError(
      'http',
      sentence(`${site} failed with HTTP ${status}${d.excType ? ` (${d.excType})` : ''} during ${ctx.action}${said}`),
      "Usually temporary; if it persists, check the site's Error Log.",
      opts,
    );
  }
  if (status >= 300 && status < 400) {
    const to = ctx.location ? ` to ${ctx.location}` : '';
    return new FrappeError(
      'http',
      `${site} redirected ${ctx.action}${to} (HTTP ${status}).`,
      'Set the site URL to the final address (for example https:// instead of http://).',
      opts,
    );
  }
  if (status === 401 || (status === 403 && /\bGuest\b/.test(d.message))) {
    return new FrappeError(
      'auth',
      `${site} refused the API key/secret (HTTP ${status}${d.excType ? `, ${d.excType}` : ''})${said}.`,
      `Generate new API keys for the integration user in Frappe (User › Settings › API Access) and store them. ${credentialsHint(ctx.siteId)}`,
      opts,
    );
  }
  if (d.notJson) {
    const what =
      d.notJson === 'html' ? 'an HTML page' : d.notJson === 'empty' ? 'an empty body' : 'something that is not JSON';
    const title = d.pageTitle ? ` ("${d.pageTitle}")` : '';
    return new FrappeError(
      'badResponse',
      `${site} answered ${what}${title} to ${ctx.action} (HTTP ${status}) — is the site URL right?`,
      "Use the site's base URL, e.g. https://hr.example.com (no /app, no path).",
      opts,
    );
  }
  if (status === 403) {
    return new FrappeError(
      'permission',
      `${site}: ${d.message || `permission denied for ${ctx.action}`}`,
      'Give the API user the HR Manager or HR User role.',
      opts,
    );
  }
  if (status === 404) {
    return new FrappeError(
      'http',
      d.message && d.excType
        ? `${site}: ${d.message}`
        : `${site}: ${ctx.action} was not found (HTTP 404) — is the site URL right and Frappe HR installed?`,
      undefined,
      opts,
    );
  }
  if (isDuplicateCheckin(d))
    return new FrappeError('duplicate', d.message || 'Duplicate Employee Checkin.', undefined, opts);
  if (status === 417 || status === 409 || status === 422) {
    const notFound = /Could not find Employee|No Employee found/i.test(d.message);
    return new FrappeError(
      notFound ? 'employeeNotFound' : 'validation',
      d.message || `${site} refused ${ctx.action} (${d.excType ?? `HTTP ${status}`}).`,
      undefined,
      opts,
    );
  }
  return new FrappeError(
    'http',
    sentence(`${site} answered HTTP ${status}${d.excType ? ` (${d.excType})` : ''} to ${ctx.action}${said}`),
    undefined,
    opts,
  );
}

function sentence(s: string): string {
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

/** 429 and 5xx: worth another try later. */
export function isTransientStatus(status: number | undefined): boolean {
  return status === 429 || (status !== undefined && status >= 500);
}

/** Errors that concern one document (so the others may still go through). */
export function isDocumentError(e: FrappeError): boolean {
  return (
    e.reason === 'validation' ||
    e.reason === 'employeeNotFound' ||
    e.reason === 'duplicate' ||
    e.reason === 'permission'
  );
}

/** The per-punch failure code for a FrappeError that ended a checkin write. */
export function failureCodeOf(e: FrappeError): FailureCode {
  switch (e.reason) {
    case 'validation':
    case 'employeeNotFound':
    case 'duplicate':
      return 'refused';
    case 'permission':
    case 'auth':
      return 'permission';
    default:
      return 'transient';
  }
}

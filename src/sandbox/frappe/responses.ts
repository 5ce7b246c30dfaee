import type { SandboxRequest, SandboxResponse } from '../common/httpServer';
import type { FrappeError } from './errors';
import { pyDumps } from './pyJson';

export interface WireStyle {
  /** System Settings `allow_error_traceback`: adds `exception` and `exc` to error bodies. */
  allowTraceback: boolean;
  /** Newer Frappe (orjson): compact inner JSON in `_server_messages`, raw UTF-8. */
  orjson: boolean;
  /** Source of `__frappe_exc_id` values (seeded, so bodies replay identically). */
  excId: () => string;
}

const jsonType = 'application/json';

export function jsonResponse(
  status: number,
  value: unknown,
  style: WireStyle,
  headers: Record<string, string> = {},
): SandboxResponse {
  const body = pyDumps(value, { spaced: false, ensureAscii: !style.orjson });
  return { status, headers: { 'Content-Type': jsonType, ...headers }, body };
}

/**
 * `respond_as_json` in `frappe/app.py handle_exception`: JSON for API paths unless the client asked for
 * text, or whenever Accept mentions application/json; an HTML error page otherwise.
 */
export function wantsJson(req: SandboxRequest): boolean {
  const accept = String(req.headers.accept ?? '');
  if (accept.includes('application/json')) return true;
  if (String(req.headers['x-requested-with'] ?? '') === 'XMLHttpRequest') return true;
  return req.path.startsWith('/api/') && !accept.startsWith('text');
}

function tracebackFor(err: FrappeError): string {
  const last = err.message ? `${err.excPath}: ${err.message}` : err.excPath;
  return (
    'Traceback (most recent call last):\n' +
    '  File "apps/frappe/frappe/app.py", line 114, in application\n' +
    '    response = frappe.api.handle(request)\n' +
    '  File "apps/frappe/frappe/api/__init__.py", line 49, in handle\n' +
    '    data = endpoint(**arguments)\n' +
    `${last}\n`
  );
}

/** The v1 error body of `report_error` + `_make_logs_v1` (frappe-api.md §6.2). */
export function errorBody(err: FrappeError, style: WireStyle): Record<string, unknown> {
  const body: Record<string, unknown> = { ...err.extraBody };
  // Tracebacks are never reported for 404s (unless conf.logging), even with allow_error_traceback on.
  const traceback = style.allowTraceback && err.status !== 404 && err.traceback;
  if (traceback) body.exception = err.message ? `${err.excPath}: ${err.message}` : err.excPath;
  body.exc_type = err.excType;
  if (traceback) body.exc = pyDumps([tracebackFor(err)], { spaced: true, ensureAscii: true });
  if (err.messages.length > 0) {
    const inner = { spaced: !style.orjson, ensureAscii: !style.orjson };
    const entries = err.messages.map((message) =>
      pyDumps(
        err.plain
          ? { message, title: err.title }
          : { message, title: err.title, indicator: 'red', raise_exception: 1, __frappe_exc_id: style.excId() },
        inner,
      ),
    );
    body._server_messages = pyDumps(entries, inner);
  }
  if (err.errorMessage) body._error_message = err.errorMessage;
  return body;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch] ?? ch);
}

function htmlPage(err: FrappeError): string {
  const title = err.status === 404 ? 'Not Found' : err.excType;
  const message = err.messages.join('<br>') || escapeHtml(err.message) || title;
  return (
    `<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>\n` +
    `<body>\n<div class="page-card"><h4 class="page-card-head">${escapeHtml(title)}</h4>\n` +
    `<p>${message}</p></div>\n</body>\n</html>\n`
  );
}

/** The v2 error envelope (k9): one entry per message, with the traceback as `exception` when allowed. */
export function errorBodyV2(err: FrappeError, style: WireStyle): Record<string, unknown> {
  const traceback = style.allowTraceback && err.status !== 404 && err.traceback;
  const base = { type: err.excType, ...(traceback ? { exception: tracebackFor(err) } : {}) };
  const entries = err.messages.length > 0 ? err.messages : [];
  if (entries.length === 0) return { errors: [base] };
  return { errors: entries.map((message) => ({ ...base, message, title: err.title, indicator: 'red' })) };
}

export function errorResponse(err: FrappeError, req: SandboxRequest, style: WireStyle, v2 = false): SandboxResponse {
  // Set-Cookie needs one header line per cookie; Node's writeHead accepts an array for that even though
  // SandboxResponse types header values as strings (see the note to src/sandbox/common in the report).
  const headers = err.headers as Record<string, string>;
  if (!wantsJson(req)) {
    return {
      status: err.status,
      headers: { 'Content-Type': 'text/html; charset=utf-8', ...headers },
      body: htmlPage(err),
    };
  }
  return jsonResponse(err.status, v2 ? errorBodyV2(err, style) : errorBody(err, style), style, headers);
}

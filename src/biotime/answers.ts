// Turning BioTime's HTTP answers into values or typed errors. BioTime is a Django REST Framework app, so errors
// mostly carry `detail`, `msg` or `non_field_errors`; but unknown paths (and modules missing from a version) answer
// an HTML "Page not found" page with status 200, and 5xx bodies can be tracebacks, which never reach a message.
import { BioTimeError, CancelledError } from '../core/errors';
import { HttpTransportError, parseJsonBody, pathOf, type HttpResponse } from '../core/http';

export const HTML_HINT = 'is the URL the BioTime server root, and is the API module installed?';

/** What a request was, for messages: "GET /iclock/api/transactions/". Never carries the query string. */
export function describeRequest(method: string, url: string): string {
  return `${method} ${pathOf(url)}`;
}

export function looksLikeHtml(text: string): boolean {
  return text.trimStart().startsWith('<');
}

/** Decodes a body that must be JSON; `server` is "BioTime hq", `what` is describeRequest(). */
export function decodeJson(text: string, server: string, what: string): unknown {
  const parsed = parseJsonBody(text);
  if (parsed.ok) return parsed.value;
  switch (parsed.problem) {
    case 'html':
      return fail(
        `${server} answered an HTML page instead of JSON for ${what} — ${HTML_HINT}`,
        'Open the device URL in a browser: the BioTime login page should appear at its root.',
      );
    case 'empty':
      return fail(`${server} answered ${what} with an empty body where JSON was expected.`);
    case 'tooDeep':
      return fail(`${server} answered ${what} with JSON nested too deeply to be a BioTime answer; it was not read.`);
    default:
      // No snippet: bodies can hold employee data (device passwords, card numbers).
      return fail(
        `${server} answered ${what} with malformed JSON (${text.length} characters; truncated or not JSON).`,
        'Retry later; if it persists, check for a proxy between this machine and BioTime.',
      );
  }
  function fail(message: string, hint?: string): never {
    throw new BioTimeError('badResponse', message, hint);
  }
}

/** A short, safe explanation from an error body: DRF `detail`, `msg`, `non_field_errors` or field errors. */
export function detailOf(text: string): string {
  const parsed = parseJsonBody(text, 16);
  if (!parsed.ok || parsed.value === null || typeof parsed.value !== 'object') return '';
  const v = parsed.value as Record<string, unknown>;
  const pick = (x: unknown): string => (Array.isArray(x) ? x.map(String).join(' ') : typeof x === 'string' ? x : '');
  let out = pick(v.detail) || pick(v.msg) || pick(v.non_field_errors) || pick(v.error);
  if (!out) {
    out = Object.entries(v)
      .filter(([, x]) => Array.isArray(x) && x.every((s) => typeof s === 'string'))
      .map(([k, x]) => `${k}: ${(x as string[]).join(' ')}`)
      .join('; ');
  }
  out = out.trim().replace(/\.+$/, '');
  return out.length > 200 ? `${out.slice(0, 200)}…` : out;
}

export function mentionsLicence(text: string): boolean {
  return /licen[cs]e/i.test(text);
}

/** The error for a non-2xx answer that the caller does not handle itself. */
export function statusError(res: HttpResponse, server: string, what: string): BioTimeError {
  const detail = looksLikeHtml(res.text) ? '' : detailOf(res.text);
  const tail = detail ? `: ${detail}` : '';
  const status = res.status;
  if (status === 403) {
    if (mentionsLicence(res.text)) {
      return new BioTimeError(
        'license',
        `${server} refused ${what}: the API module is not licensed (HTTP 403)${tail}.`,
        'Activate the BioTime API licence (BioTime → System → License), then try again.',
        { status },
      );
    }
    return new BioTimeError(
      'permission',
      `${server} refused ${what} (HTTP 403)${tail}.`,
      'Give the BioTime API user permission for this page (a superuser works), then try again.',
      { status },
    );
  }
  if (status === 401) {
    return new BioTimeError(
      'auth',
      `${server} refused the credentials for ${what} (HTTP 401)${tail}.`,
      'Set the BioTime password again and check the username.',
      { status },
    );
  }
  if (status >= 300 && status < 400) {
    const to = res.headers.location ? ` to ${safeLocation(res.headers.location)}` : '';
    return new BioTimeError(
      'http',
      `${server} redirected ${what}${to} (HTTP ${status}).`,
      'Set the device URL to the address BioTime redirects to (often https:// instead of http://).',
      { status },
    );
  }
  if (status === 404) {
    return new BioTimeError(
      'http',
      `${server} has no ${what} (HTTP 404)${tail}.`,
      `Check the device URL (the BioTime server root); ${HTML_HINT}`,
      { status },
    );
  }
  if (status >= 500) {
    return new BioTimeError(
      'http',
      `${server} failed on ${what} (HTTP ${status}); it is a BioTime server error.`,
      'Retry later; BioTime logs the cause on its server.',
      { status },
    );
  }
  return new BioTimeError('http', `${server} rejected ${what} (HTTP ${status})${tail}.`, undefined, { status });
}

/** Checks a 2xx JSON answer and decodes it; anything else becomes a BioTimeError. */
export function expectJson(res: HttpResponse, server: string, what: string): unknown {
  if (res.status < 200 || res.status >= 300) throw statusError(res, server, what);
  return decodeJson(res.text, server, what);
}

/** Maps a transport failure (or cancellation) from HttpClient to the engine's typed errors. */
export function transportError(e: unknown, origin: string): unknown {
  if (e instanceof CancelledError || e instanceof BioTimeError) return e;
  if (!(e instanceof HttpTransportError)) return e;
  switch (e.kind) {
    case 'tls':
      return new BioTimeError(
        'tls',
        e.message,
        `Set tls.caFile to the CA that signed the BioTime certificate (or, knowingly, tls.verify false for this device only).`,
        { cause: e },
      );
    case 'tooLarge':
      return new BioTimeError('badResponse', e.message, 'Lower the page size for this device.', { cause: e });
    case 'dns':
      return new BioTimeError('unreachable', e.message, `Check the host name in the device URL (${origin}).`, {
        cause: e,
      });
    default:
      return new BioTimeError(
        'unreachable',
        e.message,
        `Check that BioTime is running and reachable at ${origin} from this machine (firewall, VPN, port).`,
        { cause: e },
      );
  }
}

function safeLocation(location: string): string {
  try {
    const u = new URL(location, 'http://x');
    return /^https?:\/\//i.test(location) ? `${u.origin}${u.pathname}` : u.pathname;
  } catch {
    return '(unreadable location)';
  }
}

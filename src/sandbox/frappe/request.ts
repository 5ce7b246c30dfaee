import type { SandboxRequest } from '../common/httpServer';
import { pythonError, validationError } from './errors';

export type FormDict = Record<string, unknown>;

function isJsonRequest(req: SandboxRequest): boolean {
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  return type.includes('application/json') || /\+json\b/.test(type);
}

function isFormRequest(req: SandboxRequest): boolean {
  return String(req.headers['content-type'] ?? '')
    .toLowerCase()
    .includes('application/x-www-form-urlencoded');
}

function firstValues(params: URLSearchParams, into: FormDict): void {
  for (const [key, value] of params) if (!(key in into)) into[key] = value;
}

function decodeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw pythonError('JSONDecodeError', 'json.decoder.JSONDecodeError', (err as Error).message);
  }
}

/**
 * `make_form_dict`: a JSON body when the request is JSON, otherwise query string + form fields (first
 * value wins for repeated keys). JSON-valued parameters then arrive as strings.
 */
export function formDict(req: SandboxRequest): FormDict {
  const text = req.text();
  if (text && isJsonRequest(req)) {
    const args = decodeJson(text);
    if (!args || typeof args !== 'object' || Array.isArray(args)) throw validationError('Invalid request arguments');
    return { ...(args as FormDict) };
  }
  const args: FormDict = {};
  const form: FormDict = {};
  firstValues(req.query, args);
  if (text && isFormRequest(req)) firstValues(new URLSearchParams(text), form);
  return { ...args, ...form };
}

/**
 * `get_request_form_data` of `/api/resource` writes: the `data` form field, else the raw body, parsed as
 * JSON whatever the Content-Type (the sync tool PUTs a bare JSON string); the form dict when that fails.
 */
export function resourceBody(req: SandboxRequest, form: FormDict): FormDict {
  const raw = typeof form.data === 'string' ? form.data : req.text();
  try {
    const parsed: unknown = JSON.parse(raw);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as FormDict;
  } catch {
    // fall through to the form dict, like the ValueError branch in Frappe
  }
  return form;
}

/** The site's own origin as the client reached it, for absolute links in messages. */
export function siteUrl(req: SandboxRequest, fallback: string): string {
  const host = req.headers.host;
  return host ? `${fallback.split('://')[0]}://${host}` : fallback;
}

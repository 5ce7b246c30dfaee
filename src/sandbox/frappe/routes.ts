import type { SandboxRequest, SandboxResponse } from '../common/httpServer';
import { authenticate } from './auth';
import type { DocContext } from './documents';
import { FrappeError, notFoundError, pythonError } from './errors';
import { callMethod } from './methods';
import type { RateLimiter } from './rateLimiter';
import { formDict, resourceBody, siteUrl, type FormDict } from './request';
import { createDoc, deleteDoc, listDocs, readDoc, saveDoc } from './resources';
import { errorResponse, jsonResponse, type WireStyle } from './responses';
import { login } from './session';
import type { FrappeStore } from './store';

export interface SiteEnv {
  store: FrappeStore;
  style: WireStyle;
  permlevelTrap: boolean;
  baseUrl: string;
  limiter: RateLimiter;
}

export interface Outcome {
  response: SandboxResponse;
  committed: boolean;
  checkinsWritten: number;
  docsWritten: number;
  /** What the request read, for the cost model: rows of a list answer, or one document by name. */
  read: { rows: number; doc: boolean; insertMany: boolean };
}

type Route =
  { kind: 'method'; path: string } | { kind: 'list'; doctype: string } | { kind: 'doc'; doctype: string; name: string };

/**
 * `/api` and `/api/v1` are the same submount; `/api/v2` (present in 15.72: k7–k9) names resources `document` and
 * wraps every answer in `data`/`errors`. Trailing slashes are optional (`strict_slashes=False`).
 */
export function parseRoute(path: string): Route | undefined {
  const match =
    /^\/api(?:\/v1)?\/(method|resource)\/(.+?)\/*$/.exec(path) ?? /^\/api\/v2\/(method|document)\/(.+?)\/*$/.exec(path);
  if (!match) return undefined;
  if (match[1] === 'method') return { kind: 'method', path: match[2] };
  const slash = match[2].indexOf('/');
  if (slash < 0) return { kind: 'list', doctype: match[2] };
  return { kind: 'doc', doctype: match[2].slice(0, slash), name: match[2].slice(slash + 1) };
}

export function isV2(req: SandboxRequest): boolean {
  return req.path.startsWith('/api/v2/');
}

/** Stats key: one entry per endpoint, with document names folded to `{name}`. */
export function frappeRouteKey(req: SandboxRequest): string {
  const route = parseRoute(req.path);
  if (!route) return `${req.method} ${req.path}`;
  if (route.kind === 'method') return `${req.method} /api/method/${route.path}`;
  return `${req.method} /api/resource/${route.doctype}${route.kind === 'doc' ? '/{name}' : ''}`;
}

function methodNotAllowedVerb(): FrappeError {
  return new FrappeError('MethodNotAllowed', 405, '', { messages: [] });
}

function listArgs(form: FormDict): FormDict {
  // v1 `document_list` accepts `limit` as an alias of `limit_page_length`.
  return { ...form, limit_page_length: form.limit_page_length ?? form.limit };
}

function dispatch(route: Route, req: SandboxRequest, ctx: DocContext): { status: number; body: unknown } {
  const form = formDict(req);
  if (route.kind === 'method') {
    const message = callMethod(route.path, { verb: req.method, args: form, ctx });
    if (isV2(req)) return { status: 200, body: { data: message ?? null } };
    return { status: 200, body: message === undefined ? {} : { message } };
  }
  if (route.kind === 'list') {
    if (req.method === 'GET') return { status: 200, body: { data: listDocs(ctx, route.doctype, listArgs(form)) } };
    if (req.method === 'POST') {
      return { status: 200, body: { data: createDoc(ctx, route.doctype, resourceBody(req, form)) } };
    }
    throw methodNotAllowedVerb();
  }
  switch (req.method) {
    case 'GET':
      return { status: 200, body: { data: readDoc(ctx, route.doctype, route.name) } };
    case 'PUT':
    case 'PATCH':
      return { status: 200, body: { data: saveDoc(ctx, route.doctype, route.name, resourceBody(req, form)) } };
    case 'DELETE':
      deleteDoc(ctx, route.doctype, route.name);
      return { status: 202, body: { data: 'ok' } };
    default:
      throw methodNotAllowedVerb();
  }
}

const writeVerbs = new Set(['POST', 'PUT', 'DELETE', 'PATCH']);

/**
 * One request = one transaction (frappe-api.md §2): committed only for POST/PUT/DELETE/PATCH that
 * succeed; GETs and failures roll back, so a writing method called with GET answers 200 and stores nothing.
 */
export function handleRequest(env: SiteEnv, req: SandboxRequest, request = 0): Outcome {
  const ctx: DocContext = {
    store: env.store,
    user: 'Guest',
    siteUrl: siteUrl(req, env.baseUrl),
    permlevelTrap: env.permlevelTrap,
    checkinsWritten: 0,
    docsWritten: 0,
  };
  env.store.begin(request);
  let committed = false;
  let response: SandboxResponse;
  const read = { rows: 0, doc: false, insertMany: false };
  try {
    ctx.user = authenticate(env.store, req);
    env.limiter.check();
    const route = parseRoute(req.path);
    if (!route) throw notFoundError('');
    read.insertMany = route.kind === 'method' && route.path === 'frappe.client.insert_many';
    if (route.kind === 'method' && route.path === 'login') {
      const answer = login(env.store, formDict(req), req.headers['x-forwarded-for']?.toString() ?? '127.0.0.1');
      committed = writeVerbs.has(req.method);
      // Node sends one Set-Cookie line per array element (see errorResponse).
      const headers = { 'Set-Cookie': answer.cookies } as unknown as Record<string, string>;
      response = jsonResponse(200, answer.body, env.style, headers);
    } else {
      const { status, body } = dispatch(route, req, ctx);
      read.doc = route.kind === 'doc' && req.method === 'GET';
      const rows = (body as { data?: unknown; message?: unknown }).data ?? (body as { message?: unknown }).message;
      if (Array.isArray(rows) && !read.insertMany) read.rows = rows.length;
      committed = writeVerbs.has(req.method);
      response = jsonResponse(status, body, env.style, env.limiter.headers());
    }
  } catch (err) {
    // A sandbox bug still answers like a crashed Frappe worker would: a 500 with a Python-ish exc_type.
    const error = err instanceof FrappeError ? err : pythonError('Exception', 'Exception', String(err));
    response = errorResponse(error, req, env.style, isV2(req));
  }
  if (committed) env.store.commit();
  else env.store.rollback();
  return { response, committed, checkinsWritten: ctx.checkinsWritten, docsWritten: ctx.docsWritten, read };
}

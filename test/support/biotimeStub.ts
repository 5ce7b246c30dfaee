// A minimal scripted BioTime on loopback for the client's unit tests: just enough of §2, §3, §5 and §6 of the
// reference to drive edge cases, with hooks to change rows between page reads and to script any answer. It is not
// the product sandbox (src/sandbox/biotime); tests that need a faithful server use that one.
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Json = Record<string, unknown>;

export interface StubRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  body: unknown;
}

export interface StubReply {
  status?: number;
  /** JSON body; `text` wins when both are set. */
  body?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

/** Returns a reply to take over the request, or undefined to let the default behaviour answer. */
export type StubHandler = (req: StubRequest) => StubReply | undefined;

export const HTML_404 =
  '<!DOCTYPE html><html><head><title>Page not found</title></head><body><h1>Not Found</h1></body></html>';

export function b64url(v: unknown): string {
  return Buffer.from(JSON.stringify(v)).toString('base64url');
}

/** A JWT shaped like drf-jwt's (unsigned: the stub checks its own registry, not the signature). */
export function makeJwt(payload: Json): string {
  return `${b64url({ typ: 'JWT', alg: 'HS256' })}.${b64url(payload)}.${randomBytes(8).toString('base64url')}`;
}

/** A transaction record as BioTime lists it; override any field. */
export function tx(id: number | null, over: Json = {}): Json {
  const n = id ?? 0;
  return {
    id,
    emp: null,
    emp_code: String(1000 + (n % 7)),
    first_name: 'First',
    last_name: 'Last',
    punch_time: `2026-03-02 08:${String(n % 60).padStart(2, '0')}:00`,
    punch_state: String(n % 2),
    punch_state_display: n % 2 ? 'Check Out' : 'Check In',
    verify_type: 1,
    terminal_sn: 'CQUJ1',
    terminal_alias: 'Main gate',
    area_alias: 'Head office',
    upload_time: `2026-03-02 09:${String(n % 60).padStart(2, '0')}:00`,
    longitude: null,
    latitude: null,
    ...over,
  };
}

export interface StubOptions {
  /** The stub's clock (JWT `exp` and expiry checks). */
  now: () => Date;
  users?: Record<string, string>;
  jwtLifetimeSeconds?: number;
}

export class BioTimeStub {
  url = '';
  readonly calls: StubRequest[] = [];
  readonly users: Map<string, string>;
  jwtLifetimeSeconds: number;
  /** Host BioTime believes it has; used in `next` links. */
  internalOrigin = 'http://10.9.9.9:8081';
  defaultPageSize = 10;
  /** Serve pages of defaultPageSize whatever page_size/limit say. */
  ignorePageSize = false;
  transactions: Json[] = [];
  terminals: Json[] = [];
  employees: Json[] = [];
  areas: Json[] = [];
  resigns: Json[] = [];
  /** Called before each transactions page is served (1-based number of that page request). */
  beforeTransactionsPage?: (call: number, page: number) => void;
  private txPageCalls = 0;
  private nextResignId = 1;
  private readonly tokens = new Map<string, { scheme: 'JWT' | 'Token'; exp?: number }>();
  private readonly handlers: StubHandler[] = [];
  private server?: http.Server;

  constructor(private readonly opts: StubOptions) {
    this.users = new Map(Object.entries(opts.users ?? { api: 'secret-pass' }));
    this.jwtLifetimeSeconds = opts.jwtLifetimeSeconds ?? 300;
  }

  static async start(opts: StubOptions): Promise<BioTimeStub> {
    const stub = new BioTimeStub(opts);
    await stub.listen();
    return stub;
  }

  /** Scripts answers; handlers run newest first and may decline with undefined. */
  on(handler: StubHandler): void {
    this.handlers.unshift(handler);
  }

  revokeTokens(): void {
    this.tokens.clear();
  }

  /** Registers a token as if BioTime had issued it earlier (for stored-token tests). */
  acceptToken(token: string, scheme: 'JWT' | 'Token', exp?: number): void {
    this.tokens.set(token, { scheme, exp });
  }

  count(method: string, path: string): number {
    return this.calls.filter((c) => c.method === method && c.path === path).length;
  }

  pagesRequested(): number[] {
    return this.calls
      .filter((c) => c.method === 'GET' && c.path === '/iclock/api/transactions/')
      .map((c) => Number(c.query.get('page')));
  }

  async close(): Promise<void> {
    const s = this.server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }

  private listen(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const u = new URL(req.url ?? '/', 'http://stub');
        const raw = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = raw ? JSON.parse(raw) : undefined;
        } catch {
          body = raw;
        }
        const sreq: StubRequest = {
          method: req.method ?? 'GET',
          path: u.pathname,
          query: u.searchParams,
          authorization: req.headers.authorization,
          body,
        };
        this.calls.push(sreq);
        const reply = this.handlers.map((h) => h(sreq)).find((r) => r !== undefined) ?? this.route(sreq);
        const text = reply.text ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
        const isHtml = text.trimStart().startsWith('<');
        res.writeHead(reply.status ?? 200, {
          'Content-Type': isHtml ? 'text/html' : 'application/json',
          ...reply.headers,
        });
        res.end(text);
      });
    });
    return new Promise((resolve) => {
      this.server!.listen(0, '127.0.0.1', () => {
        this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
        resolve();
      });
    });
  }

  private route(r: StubRequest): StubReply {
    if (r.method === 'POST' && (r.path === '/jwt-api-token-auth/' || r.path === '/api-token-auth/'))
      return this.login(r);
    const known = /^\/(iclock|personnel)\/api\//.test(r.path);
    if (!known) return { text: HTML_404 };
    const denied = this.checkAuth(r.authorization);
    if (denied) return denied;
    const m = /^\/iclock\/api\/transactions\/(\d+)\/$/.exec(r.path);
    if (r.method === 'GET' && m) {
      const t = this.transactions.find((x) => x.id === Number(m[1]));
      return t ? { body: t } : { status: 404, body: { detail: 'Not found.' } };
    }
    if (r.method === 'GET' && r.path === '/iclock/api/transactions/') {
      const page = Number(r.query.get('page') ?? '1');
      this.beforeTransactionsPage?.(++this.txPageCalls, page);
      const start = r.query.get('start_time');
      return this.list(r, start ? this.transactions.filter((t) => String(t.punch_time) >= start) : this.transactions);
    }
    if (r.method === 'GET' && r.path === '/iclock/api/terminals/') return this.list(r, this.terminals);
    return this.personnel(r) ?? { text: HTML_404 };
  }

  private login(r: StubRequest): StubReply {
    const b = (r.body ?? {}) as Json;
    if (typeof b.username !== 'string' || this.users.get(b.username) !== b.password) {
      return { status: 400, body: { non_field_errors: ['Unable to log in with provided credentials.'] } };
    }
    if (r.path === '/api-token-auth/') {
      const key = randomBytes(20).toString('hex');
      this.tokens.set(key, { scheme: 'Token' });
      return { body: { token: key } };
    }
    const exp = Math.floor(this.opts.now().getTime() / 1000) + this.jwtLifetimeSeconds;
    const token = makeJwt({ user_id: 2, username: b.username, exp, email: '' });
    this.tokens.set(token, { scheme: 'JWT', exp });
    return { body: { token } };
  }

  private checkAuth(h: string | undefined): StubReply | undefined {
    if (!h) return { status: 401, body: { detail: 'Authentication credentials were not provided.' } };
    const [scheme, token] = h.split(' ');
    const t = this.tokens.get(token ?? '');
    if (!t || t.scheme !== scheme)
      return { status: 401, body: { detail: scheme === 'JWT' ? 'Error decoding signature.' : 'Invalid token.' } };
    if (t.exp !== undefined && t.exp * 1000 <= this.opts.now().getTime())
      return { status: 401, body: { detail: 'Signature has expired.' } };
    return undefined;
  }

  /** DRF page-number pagination with BioTime's envelope. */
  list(r: StubRequest, rows: Json[]): StubReply {
    const page = Number(r.query.get('page') ?? '1');
    const asked = Number(r.query.get('page_size') ?? r.query.get('limit') ?? this.defaultPageSize);
    const size = this.ignorePageSize || !(asked > 0) ? this.defaultPageSize : asked;
    const last = Math.max(1, Math.ceil(rows.length / size));
    if (!(page >= 1) || page > last) return { status: 404, body: { detail: 'Invalid page.' } };
    const link = (p: number) => `${this.internalOrigin}${r.path}?page=${p}&page_size=${size}`;
    return {
      body: {
        count: rows.length,
        next: page < last ? link(page + 1) : null,
        previous: page > 1 ? link(page - 1) : null,
        msg: '',
        code: 0,
        data: rows.slice((page - 1) * size, page * size),
      },
    };
  }

  private personnel(r: StubRequest): StubReply | undefined {
    const b = (r.body ?? {}) as Json;
    if (r.method === 'GET' && r.path === '/personnel/api/employees/') {
      const code = r.query.get('emp_code');
      return this.list(
        r,
        this.employees.filter((e) => code === null || e.emp_code === code).map((e) => this.employeeView(e)),
      );
    }
    if (r.method === 'GET' && r.path === '/personnel/api/areas/') {
      const code = r.query.get('area_code');
      return this.list(
        r,
        this.areas.filter((a) => code === null || a.area_code === code),
      );
    }
    if (r.method === 'POST' && r.path === '/personnel/api/employees/adjust_area/') {
      for (const id of b.employees as number[]) {
        const e = this.employees.find((x) => x.id === id);
        if (e) e.areas = [...(b.areas as number[])];
      }
      return { body: { code: 0, msg: '' } };
    }
    if (r.method === 'GET' && r.path === '/personnel/api/resigns/') {
      const emp = r.query.get('employee');
      return this.list(
        r,
        this.resigns.filter((x) => emp === null || x.employee === Number(emp)),
      );
    }
    if (r.method === 'POST' && r.path === '/personnel/api/resigns/') {
      const rec = {
        id: this.nextResignId++,
        employee: b.employee,
        resign_date: b.resign_date,
        resign_type: b.resign_type,
        disableatt: b.disableatt,
        reason: b.reason,
      };
      this.resigns.push(rec);
      return { status: 201, body: rec };
    }
    if (r.method === 'POST' && r.path === '/personnel/api/resigns/reinstatement/') {
      const ids = b.resigns as number[];
      this.resigns = this.resigns.filter((x) => !ids.includes(x.id as number));
      return { body: { code: 0, msg: '' } };
    }
    return undefined;
  }

  private employeeView(e: Json): Json {
    const areas = ((e.areas as number[]) ?? []).map((id) => this.areas.find((a) => a.id === id) ?? { id });
    const { areas: _omit, ...rest } = e;
    return { ...rest, area: areas };
  }
}

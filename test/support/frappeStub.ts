// A small scripted Frappe HR stand-in for the Frappe client's unit tests: a real loopback HTTP server with just
// enough of frappe-api.md (token auth, get_list filters, all-or-nothing insert_many, checkin validation, User and
// Employee resources) plus hooks to script edge cases (error bodies, dropped connections, held answers).
// Deliberately separate from the product sandbox (src/sandbox/frappe), which is written independently.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubEmployee {
  name: string;
  employee_name: string;
  attendance_device_id?: string | null;
  status: string;
  user_id?: string | null;
}

export interface StubCheckin {
  name: string;
  employee: string;
  employee_name: string;
  time: string;
  log_type: string;
  device_id?: string;
  latitude?: number;
  longitude?: number;
}

export interface StubUser {
  name: string;
  enabled: 0 | 1;
  roles: string[];
}

export interface StubRequest {
  method: string;
  /** Decoded path, e.g. "/api/resource/Employee Checkin". */
  path: string;
  route: string;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON as sent by the client
  headers: http.IncomingHttpHeaders;
}

export type StubReply =
  | { status?: number; json?: unknown; text?: string; contentType?: string; headers?: Record<string, string> }
  | { drop: true };
/** Returns a reply, or 'default' to let the stub answer normally (after e.g. recording or mutating state). */
export type StubHook = (req: StubRequest, stub: FrappeStub) => StubReply | 'default' | Promise<StubReply | 'default'>;

export interface ErrorBodyOptions {
  /** Add `exception` and `exc` as with System Settings allow_error_traceback. */
  traceback?: boolean;
  /** Inner JSON without spaces after ':' and ',' (newer Frappe with orjson). */
  orjson?: boolean;
}

/** A v1 error body as frappe/utils/response.py builds it (frappe-api.md §6.2). */
export function frappeErrorBody(excType: string, message: string, o: ErrorBodyOptions = {}): Record<string, unknown> {
  const dumps = o.orjson ? (v: unknown) => JSON.stringify(v) : pyDumps;
  const body: Record<string, unknown> = {};
  if (o.traceback) {
    body.exception = message ? `frappe.exceptions.${excType}: ${message}` : `frappe.exceptions.${excType}`;
    body.exc = dumps([
      `Traceback (most recent call last):\n  File "apps/frappe/frappe/app.py", line 114, in application\n    response = frappe.api.handle(request)\n${body.exception}\n`,
    ]);
  }
  body.exc_type = excType;
  if (message)
    body._server_messages = dumps([
      dumps({ message, title: 'Message', indicator: 'red', raise_exception: 1, __frappe_exc_id: 'stub0001' }),
    ]);
  return body;
}

/** Python json.dumps default separators (", " and ": "). */
function pyDumps(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(pyDumps).join(', ')}]`;
  if (v && typeof v === 'object')
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}: ${pyDumps(x)}`)
      .join(', ')}}`;
  return JSON.stringify(v);
}

export const STUB_KEY = 'stubkey01';
export const STUB_SECRET = 'stubsecret01';

export class FrappeStub {
  url = '';
  user = 'sync@example.com';
  timeZone = 'Asia/Kolkata';
  employees: StubEmployee[] = [];
  checkins: StubCheckin[] = [];
  users = new Map<string, StubUser>();
  /**
   * Doctypes the API user may not read (get_list / resource GET answer 403). 'Has Role' refuses the child list;
   * 'User' refuses User lists and other users' records, never the API user's own record (as on a real site).
   */
  denyRead = new Set<string>();
  /**
   * The permlevel trap of a real site (recordings g1, g2, g4): when set, every insert succeeds but stores this time
   * instead of the one sent, as Frappe does for an API user without HR User/HR Manager.
   */
  trapNow?: string;
  /** As on a real site (recording i8): the API user's own User record comes with `roles: []` (permlevel 1). */
  blankOwnRoles = true;
  errorOptions: ErrorBodyOptions = {};
  requests: StubRequest[] = [];
  inflight = 0;
  maxInflight = 0;
  private seq = 0;
  private hooks: { route: string; fn: StubHook; times: number }[] = [];
  private server?: http.Server;

  static async start(): Promise<FrappeStub> {
    const stub = new FrappeStub();
    stub.server = http.createServer((req, res) => void stub.handle(req, res));
    await new Promise<void>((resolve) => stub.server!.listen(0, '127.0.0.1', resolve));
    stub.url = `http://127.0.0.1:${(stub.server.address() as AddressInfo).port}`;
    return stub;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /**
   * Scripts a route ("POST /api/method/frappe.client.insert_many"): the hook runs `times` times, then normal answers
   * resume. The most recently added hook of a route wins.
   */
  hook(route: string, fn: StubHook, times = Infinity): void {
    this.hooks.push({ route, fn, times });
  }

  calls(route: string): StubRequest[] {
    return this.requests.filter((r) => r.route === route);
  }

  error(status: number, excType: string, message: string): StubReply {
    return { status, json: frappeErrorBody(excType, message, this.errorOptions) };
  }

  /** Validates and stores checkins all-or-nothing, as one insert_many transaction. */
  insertAll(docs: Record<string, unknown>[]): { names: string[] } | { reply: StubReply } {
    const added: StubCheckin[] = [];
    for (const sent of docs) {
      const d = this.trapNow ? { ...sent, time: this.trapNow } : sent;
      const problem = this.validateCheckin(d, [...this.checkins, ...added]);
      if (problem) return { reply: problem };
      const emp = this.employees.find((e) => e.name === d.employee)!;
      added.push({
        name: `EMP-CKIN-05-2024-${String(++this.seq).padStart(6, '0')}`,
        employee: emp.name,
        employee_name: emp.employee_name,
        time: String(d.time),
        log_type: typeof d.log_type === 'string' ? d.log_type : '',
        ...(typeof d.device_id === 'string' ? { device_id: d.device_id } : {}),
        ...(typeof d.latitude === 'number' ? { latitude: d.latitude } : {}),
        ...(typeof d.longitude === 'number' ? { longitude: d.longitude } : {}),
      });
    }
    this.checkins.push(...added);
    return { names: added.map((c) => c.name) };
  }

  private validateCheckin(d: Record<string, unknown>, existing: StubCheckin[]): StubReply | undefined {
    const emp = this.employees.find((e) => e.name === d.employee);
    if (!emp) return this.error(417, 'LinkValidationError', `Could not find Employee: ${String(d.employee)}`);
    if (emp.status === 'Inactive') {
      return this.error(
        417,
        'InactiveEmployeeStatusError',
        `Transactions cannot be created for an Inactive Employee <a href="https://hr.example.com/app/employee/${emp.name}">${emp.name}</a>.`,
      );
    }
    const lt = typeof d.log_type === 'string' ? d.log_type : '';
    const dup = existing.find((c) => c.employee === emp.name && c.time === d.time && c.log_type === lt);
    if (dup) {
      return this.error(
        417,
        'ValidationError',
        `This employee already has a log with the same timestamp.<Br><a href="/app/Form/Employee Checkin/${dup.name}" style="font-weight: bold;">Employee Checkin ${dup.employee_name}</a>`,
      );
    }
    return undefined;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    this.inflight++;
    this.maxInflight = Math.max(this.maxInflight, this.inflight);
    res.on('close', () => this.inflight--);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://stub').pathname).replace(/\/+$/, '');
    const sreq: StubRequest = {
      method: req.method ?? 'GET',
      path,
      route: `${req.method} ${path}`,
      body: text ? safeJson(text) : undefined,
      headers: req.headers,
    };
    this.requests.push(sreq);
    let reply: StubReply | 'default' = 'default';
    const hook = [...this.hooks].reverse().find((h) => h.route === sreq.route && h.times > 0);
    if (hook) {
      hook.times--;
      reply = await hook.fn(sreq, this);
    }
    if (reply === 'default') reply = this.route(sreq);
    if ('drop' in reply) {
      req.socket.destroy();
      return;
    }
    const body = reply.text ?? JSON.stringify(reply.json ?? {});
    res.writeHead(reply.status ?? 200, {
      'Content-Type': reply.contentType ?? (reply.text !== undefined ? 'text/html' : 'application/json'),
      ...reply.headers,
    });
    res.end(body);
  }

  private route(r: StubRequest): StubReply {
    if (r.headers.authorization !== `token ${STUB_KEY}:${STUB_SECRET}`)
      return { status: 401, json: { exc_type: 'AuthenticationError' } };
    const m = /^\/api\/resource\/(User|Employee)\/(.+)$/.exec(r.path);
    if (m) return this.resource(r, m[1], m[2]);
    switch (r.route) {
      case 'GET /api/method/frappe.auth.get_logged_user':
        return { json: { message: this.user } };
      case 'GET /api/method/frappe.client.get_time_zone':
        return { json: { message: { time_zone: this.timeZone } } };
      case 'POST /api/method/frappe.client.get_list':
        return this.getList(r.body);
      case 'POST /api/method/frappe.client.insert_many': {
        const docs = r.body?.docs as Record<string, unknown>[];
        if (docs.length > 200) return this.error(417, 'ValidationError', 'Only 200 inserts allowed in one request');
        const out = this.insertAll(docs);
        return 'names' in out ? { json: { message: out.names } } : out.reply;
      }
      case 'POST /api/resource/Employee Checkin': {
        const out = this.insertAll([r.body]);
        return 'names' in out
          ? { json: { data: { ...this.checkins.find((c) => c.name === out.names[0]), doctype: 'Employee Checkin' } } }
          : out.reply;
      }
    }
    return this.error(404, 'DoesNotExistError', 'Page not found');
  }

  private resource(r: StubRequest, doctype: string, name: string): StubReply {
    if (doctype === 'User') {
      const u = this.users.get(name);
      const own = name === this.user && r.method === 'GET';
      if (this.denyRead.has('User') && !own)
        return this.error(403, 'PermissionError', `No permission for User ${name}`);
      if (!u) return this.error(404, 'DoesNotExistError', `User ${name} not found`);
      if (r.method === 'PUT') u.enabled = Number(r.body?.enabled) ? 1 : 0;
      const roles = own && this.blankOwnRoles ? [] : u.roles.map((role) => ({ role, doctype: 'Has Role' }));
      return { json: { data: { name: u.name, enabled: u.enabled, roles } } };
    }
    const emp = this.employees.find((e) => e.name === name);
    if (!emp) return this.error(404, 'DoesNotExistError', `Employee ${name} not found`);
    if (r.method === 'PUT') {
      const id = r.body?.attendance_device_id;
      if (id && this.employees.some((e) => e !== emp && e.attendance_device_id === id)) {
        return this.error(417, 'UniqueValidationError', 'Attendance Device ID (Biometric/RF tag ID) must be unique');
      }
      emp.attendance_device_id = id;
    }
    return { json: { data: emp } };
  }

  private getList(args: {
    doctype: string;
    fields?: string[];
    filters?: unknown[];
    or_filters?: unknown[];
    limit_page_length?: number;
    parent?: string;
  }): StubReply {
    // A child doctype is listed only with `parent` naming its parent doctype, readable by the caller (bare 403).
    // Readable by any user with parent "User" on a real site (recordings i3, i6), even without read on User.
    if (args.doctype === 'Has Role' && (args.parent !== 'User' || this.denyRead.has('Has Role')))
      return this.error(403, 'PermissionError', '');
    if (this.denyRead.has(args.doctype)) {
      return this.error(
        403,
        'PermissionError',
        `User <strong>${this.user}</strong> does not have doctype access via role permission for document <strong>${args.doctype}</strong>`,
      );
    }
    const hasRole = () =>
      [...this.users.values()].flatMap((u) =>
        u.roles.map((role) => ({ parent: u.name, parenttype: 'User', parentfield: 'roles', role })),
      );
    const source =
      args.doctype === 'Employee'
        ? this.employees
        : args.doctype === 'Employee Checkin'
          ? this.checkins
          : args.doctype === 'User'
            ? [...this.users.values()]
            : args.doctype === 'Has Role'
              ? hasRole()
              : [];
    const table = source as unknown as Record<string, unknown>[];
    let rows = table.filter((row) => (args.filters ?? []).every((f) => matches(row, f as unknown[])));
    if (args.or_filters?.length)
      rows = rows.filter((row) => args.or_filters!.some((f) => matches(row, f as unknown[])));
    const limit = args.limit_page_length ?? 20;
    if (limit > 0) rows = rows.slice(0, limit);
    const fields = args.fields ?? ['name'];
    return { json: { message: rows.map((row) => Object.fromEntries(fields.map((f) => [f, row[f] ?? null]))) } };
  }
}

function matches(row: Record<string, unknown>, filter: unknown[]): boolean {
  const [field, op, value] = (filter.length === 4 ? filter.slice(1) : filter) as [string, string, unknown];
  const v = row[field];
  const s = (x: unknown) => String(x ?? '').replace('T', ' ');
  switch (op) {
    case '=':
      return v === value;
    case 'in':
      return (value as unknown[]).includes(v);
    case 'between': {
      const [from, to] = value as string[];
      return s(v) >= s(from) && s(v) <= s(to);
    }
    case 'is':
      return value === 'set' ? v !== null && v !== undefined && v !== '' : v === null || v === undefined || v === '';
    case 'like': {
      const needle = String(value).replace(/%/g, '').toLowerCase();
      return String(v ?? '')
        .toLowerCase()
        .includes(needle);
    }
  }
  throw new Error(`frappeStub: filter operator ${op} not supported`);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

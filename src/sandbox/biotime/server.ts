import { FaultInjector } from '../common/faults';
import type { SandboxRequest, SandboxResponse, ServerKnobs, ServerStats } from '../common/httpServer';
import { pageNotFound, startServer } from '../common/httpServer';
import { BioTimeAuth } from './auth';
import { assertTimeZone } from './clock';
import type { LinkBase } from './pagination';
import {
  adjustArea,
  employeeDetail,
  listAreas,
  listDepartments,
  listEmployees,
  reinstatement,
  resignDetail,
  resigns,
} from './personnelRoutes';
import { BioTimeStore } from './store';
import type { ListSettings } from './transactionRoutes';
import { listTerminals, listTransactions, terminalDetail, transactionDetail } from './transactionRoutes';

export interface BioTimeSandboxOptions {
  port?: number;
  host?: string;
  tls?: { key: string; cert: string };
  users?: Array<{ username: string; password: string }>;
  jwtLifetimeSeconds?: number;
  defaultPageSize?: number;
  /** Host used in `next`/`previous` links, e.g. "biotime.internal.invalid:8081"; must be a .invalid name. */
  internalHost?: string;
  latencyMs?: number;
  workers?: number;
  seed?: number;
  /** Server clock, for upload_time, last_activity and JWT exp. */
  now?: () => Date;
  /** IANA zone the server clock is rendered in (naive server-local timestamps); process zone by default. */
  timeZone?: string;
  /** false: the resign endpoints answer the HTML "Page not found" page, as on 8.0/9.0 (§5.1). */
  resignApi?: boolean;
  /** false: API calls get the 403 licence answer (§1, §7 #13). */
  license?: boolean;
}

export interface BioTimeSandbox {
  url: string;
  close(): Promise<void>;
  faults: FaultInjector;
  stats: ServerStats;
  store: BioTimeStore;
  /** Latency, workers and Retry-After of the running server; changes apply to the next request. */
  knobs: ServerKnobs;
}

type Run = (req: SandboxRequest, id: number) => SandboxResponse;

interface Route {
  pattern: RegExp;
  key: string;
  methods: string[];
  auth: boolean;
  resign?: boolean;
  run: Run;
}

const licenceAnswer: SandboxResponse = {
  status: 403,
  body: { detail: 'The API module is not licensed. Please activate the API license to use this function.' },
};

function routeTable(auth: BioTimeAuth, store: BioTimeStore, settings: ListSettings): Route[] {
  const route = (path: string, methods: string[], run: Run, extra: Partial<Route> = {}): Route => ({
    pattern: new RegExp(`^${path.replace('{id}', '(\\d+)')}$`),
    key: path,
    methods,
    auth: true,
    run,
    ...extra,
  });
  return [
    route('/jwt-api-token-auth/', ['POST'], (req) => auth.login('jwt', req), { auth: false }),
    route('/api-token-auth/', ['POST'], (req) => auth.login('token', req), { auth: false }),
    route('/iclock/api/transactions/', ['GET'], (req) => listTransactions(req, store, settings)),
    route('/iclock/api/transactions/{id}/', ['GET', 'DELETE'], (req, id) => transactionDetail(req, store, id)),
    route('/iclock/api/terminals/', ['GET'], (req) => listTerminals(req, store, settings)),
    route('/iclock/api/terminals/{id}/', ['GET'], (_req, id) => terminalDetail(store, id)),
    route('/personnel/api/employees/', ['GET', 'POST'], (req) => listEmployees(req, store, settings)),
    route('/personnel/api/employees/adjust_area/', ['POST'], (req) => adjustArea(req, store)),
    route('/personnel/api/employees/{id}/', ['GET', 'PUT', 'PATCH', 'DELETE'], (req, id) =>
      employeeDetail(req, store, id),
    ),
    route('/personnel/api/areas/', ['GET'], (req) => listAreas(req, store, settings)),
    route('/personnel/api/departments/', ['GET'], (req) => listDepartments(req, store, settings)),
    route('/personnel/api/resigns/', ['GET', 'POST'], (req) => resigns(req, store, settings), { resign: true }),
    route('/personnel/api/resigns/reinstatement/', ['POST'], (req) => reinstatement(req, store), { resign: true }),
    route('/personnel/api/resigns/{id}/', ['GET'], (_req, id) => resignDetail(store, id), { resign: true }),
  ];
}

function checkInternalHost(internalHost: string | undefined): void {
  if (internalHost === undefined) return;
  const hostname = internalHost.replace(/:\d+$/, '').toLowerCase();
  // Links must never point at a real address: tests check that clients do not follow them blindly.
  if (!hostname.endsWith('.invalid')) throw new Error(`internalHost must be a .invalid name, got "${internalHost}"`);
}

/** Starts a simulated BioTime 8.x/9.x server on loopback, written from biotime-api.md. */
export async function startBioTimeSandbox(opts: BioTimeSandboxOptions = {}): Promise<BioTimeSandbox> {
  checkInternalHost(opts.internalHost);
  assertTimeZone(opts.timeZone);
  const now = opts.now ?? ((): Date => new Date());
  const auth = new BioTimeAuth(
    opts.users ?? [{ username: 'admin', password: 'admin123' }],
    now,
    opts.jwtLifetimeSeconds ?? 3600,
  );
  const store = new BioTimeStore({ now, timeZone: opts.timeZone }, auth);
  const links: LinkBase = {
    scheme: opts.tls ? 'https' : 'http',
    internalHost: opts.internalHost,
    fallbackHost: '127.0.0.1',
  };
  const routes = routeTable(auth, store, { links, defaultPageSize: opts.defaultPageSize ?? 10 });
  const resignApi = opts.resignApi ?? true;
  const license = opts.license ?? true;

  const match = (path: string): { route: Route; id: number } | undefined => {
    for (const route of routes) {
      if (route.resign && !resignApi) continue;
      const found = route.pattern.exec(path);
      if (found) return { route, id: Number(found[1] ?? 0) };
    }
    return undefined;
  };

  const handler = (req: SandboxRequest): SandboxResponse => {
    const found = match(req.path);
    if (!found) {
      // Django's APPEND_SLASH: a known path without its trailing slash is redirected, anything else is unknown.
      if (!req.path.endsWith('/') && match(`${req.path}/`)) {
        const query = req.query.toString();
        return { status: 301, headers: { Location: `${req.path}/${query ? `?${query}` : ''}` } };
      }
      return pageNotFound();
    }
    const { route, id } = found;
    if (route.auth) {
      const result = auth.authenticate(req);
      if ('response' in result) return result.response;
      if (!license) return licenceAnswer;
    }
    if (!route.methods.includes(req.method))
      return { status: 405, body: { detail: `Method "${req.method}" not allowed.` } };
    return route.run(req, id);
  };

  const faults = new FaultInjector(opts.seed ?? 1);
  const knobs: ServerKnobs = { latencyMs: opts.latencyMs ?? 0, workers: opts.workers ?? 0, faults };
  const server = await startServer({
    name: 'biotime',
    host: opts.host,
    port: opts.port,
    tls: opts.tls,
    handler,
    knobs,
    routeKey: (req) => `${req.method} ${match(req.path)?.route.key ?? req.path}`,
  });
  links.fallbackHost = new URL(server.url).host;
  return { url: server.url, close: () => server.close(), faults, stats: server.stats, store, knobs };
}

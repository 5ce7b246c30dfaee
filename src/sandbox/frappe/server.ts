import { FaultInjector } from '../common/faults';
import { startServer, type ServerKnobs, type ServerStats } from '../common/httpServer';
import { createRng } from '../common/rng';
import type { FrappeVersion } from './doctypes';
import { RateLimiter, type RateLimit } from './rateLimiter';
import { REAL_SITE_TIME_ZONE, realSiteKeys, realSiteUsers, seedRealSiteEmployees } from './realSite';
import { handleRequest, frappeRouteKey, type Outcome, type SiteEnv } from './routes';
import { FrappeStore, type ApiKey } from './store';

export interface FrappeSandboxOptions {
  port?: number;
  host?: string;
  tls?: { key: string; cert: string };
  /** Default: one key for sync@example.com, whose user gets the HR Manager role unless `users` says otherwise. */
  apiKeys?: ApiKey[];
  users?: Array<{ name: string; enabled?: boolean; roles: string[] }>;
  /** System Settings time zone: naive datetimes (creation, "now") are rendered in it. */
  timeZone?: string;
  latencyMs?: number;
  /** Concurrent requests handled (gunicorn workers); 0 = unlimited. */
  workers?: number;
  /** Simulated server time per Employee Checkin written, spent inside the worker slot. */
  perDocCostMs?: number;
  /** The cost model of a real site (SiteCosts); every part defaults to 0, the cheap site of the tests. */
  costs?: Partial<SiteCosts>;
  /** The site's CPU shared by busy workers (ServerKnobs.cpuCapacity); unset: each worker works alone. */
  cpuCapacity?: number;
  seed?: number;
  now?: () => Date;
  /** Tracebacks (`exception`, `exc`) in error bodies. Default false; true in real-site mode, like the recorded site. */
  allowErrorTraceback?: boolean;
  /**
   * Without HR User/HR Manager/System Manager, `time` is silently replaced by server now on every insert path,
   * answering 200 (sync-tool #64; recordings g1, g2, g4). Default true, as on every real site: false turns it off.
   */
  permlevelTrap?: boolean;
  /**
   * 15 (default) or 16: v16 refuses GET on more writing methods (frappe PR #34825), links to `/desk` instead of
   * `/app` in duplicate and inactive-employee messages, and adds `overtime_type` to Employee Checkin.
   */
  frappeVersion?: FrappeVersion;
  /**
   * Seed the site recorded in docs/reference/frappe-wire/: zone Asia/Kolkata, employees HR-EMP-00001…00012, the API
   * users of `realSiteKeys` (src/sandbox/frappe/realSite.ts) with their roles, tracebacks on. `apiKeys`/`users`
   * given as well are added to those.
   */
  realSite?: boolean;
  /**
   * The duplicate check of a request does not see checkins committed by requests still being answered (their
   * `perDocCostMs` work still running), so two identical batches sent at once are both stored, as on the real site
   * (j2: 100 rows). Default: on in real-site mode, off otherwise (the check is then atomic).
   */
  racyDuplicates?: boolean;
  orjsonStyle?: boolean;
  /** Optional site-wide limiter (frappe-api.md §11); off by default like on a stock site. */
  rateLimit?: RateLimit;
}

/**
 * Server time per kind of work, spent inside the worker slot, on top of perDocCostMs. Measured on a real Frappe HR
 * v15 site (frappe-wire/README.md "Cost"): the benchmark's "real" profile sets them.
 */
export interface SiteCosts {
  /** Every request (routing, auth, session, commit): the cheapest call is network + this. */
  perRequestMs: number;
  /** Per Employee Checkin inside insert_many, with an empty table… */
  insertManyDocMs: number;
  /** …plus this per 1,000 checkins already in the table (the duplicate check and indexes grow)… */
  insertManyGrowthMsPer1k: number;
  /** …up to this. */
  insertManyDocMaxMs: number;
  /** Per document written by any other request (resource POST/PUT, add_log_based_on_employee_field). */
  singleWriteMs: number;
  /** GET of one document by name. */
  readDocMs: number;
  /** Per row of a list answer (resource list, get_list, get_all). */
  listRowMs: number;
}

export const NO_COSTS: SiteCosts = {
  perRequestMs: 0,
  insertManyDocMs: 0,
  insertManyGrowthMsPer1k: 0,
  insertManyDocMaxMs: 0,
  singleWriteMs: 0,
  readDocMs: 0,
  listRowMs: 0,
};

/** Simulated work of one request under `c` (perDocCostMs aside), given the checkins in the table before it. */
export function requestCostMs(c: SiteCosts, o: Pick<Outcome, 'docsWritten' | 'read'>, tableRows: number): number {
  const perDoc = Math.min(
    Math.max(c.insertManyDocMaxMs, c.insertManyDocMs),
    c.insertManyDocMs + (c.insertManyGrowthMsPer1k * tableRows) / 1000,
  );
  const writes = o.read.insertMany ? o.docsWritten * perDoc : o.docsWritten * c.singleWriteMs;
  return c.perRequestMs + writes + (o.read.doc ? c.readDocMs : 0) + o.read.rows * c.listRowMs;
}

/** Flags read on every request, so a test may flip them on a running sandbox. */
export interface FrappeSettings {
  perDocCostMs: number;
  costs: SiteCosts;
  allowErrorTraceback: boolean;
  permlevelTrap: boolean;
  orjsonStyle: boolean;
  rateLimit: RateLimit | undefined;
  /**
   * Awaited in the worker slot after the request committed, while it still counts as being answered: lets a test
   * make two requests overlap deterministically (the racy duplicate check, j2) instead of hoping for timing.
   */
  holdBeforeAnswer?: () => Promise<void>;
}

/** What the server did, for the benchmark and for tests that must not measure wall time. */
export interface FrappeCounters {
  /** Documents inserted or updated and committed. */
  docsWritten: number;
  /** Employee Checkins inserted and committed. */
  checkinsWritten: number;
  /** Documents written and then rolled back (failed batch, GET, later error). */
  rolledBack: number;
  /** Total simulated work requested from worker slots (perDocCostMs × checkins written). */
  workMs: number;
  /** Handlers running right now / the most seen at once (bounded by `workers`). */
  inFlight: number;
  maxInFlight: number;
  reset(): void;
}

export interface FrappeSandbox {
  url: string;
  close(): Promise<void>;
  faults: FaultInjector;
  stats: ServerStats;
  store: FrappeStore;
  knobs: ServerKnobs;
  settings: FrappeSettings;
  counters: FrappeCounters;
}

const defaultApiKeys: ApiKey[] = [{ key: 'demo-key', secret: 'demo-secret', user: 'sync@example.com' }];

function createCounters(): FrappeCounters {
  const counters: FrappeCounters = {
    docsWritten: 0,
    checkinsWritten: 0,
    rolledBack: 0,
    workMs: 0,
    inFlight: 0,
    maxInFlight: 0,
    reset(): void {
      const zero = { docsWritten: 0, checkinsWritten: 0, rolledBack: 0, workMs: 0 };
      Object.assign(counters, zero, { maxInFlight: counters.inFlight });
    },
  };
  return counters;
}

function seedStore(store: FrappeStore, opts: FrappeSandboxOptions): void {
  if (opts.realSite) {
    for (const user of realSiteUsers) store.addUser(user);
    for (const apiKey of Object.values(realSiteKeys)) store.addApiKey(apiKey);
    seedRealSiteEmployees(store);
  }
  for (const user of opts.users ?? []) store.addUser(user);
  // addApiKey creates a missing key user with HR Manager, so the default key works out of the box.
  for (const apiKey of opts.apiKeys ?? (opts.realSite ? [] : defaultApiKeys)) store.addApiKey(apiKey);
}

function excIdSource(seed: number): () => string {
  const rng = createRng(seed);
  const hex = (max: number, width: number): string =>
    Math.floor(rng() * max)
      .toString(16)
      .padStart(width, '0');
  return () => hex(0x100000000, 8) + hex(0x100, 2);
}

export { realSiteKeys } from './realSite';

/** Starts the simulated Frappe HR site (frappe-api.md) on loopback; see docs/sandbox-contract.md. */
export async function startFrappeSandbox(opts: FrappeSandboxOptions = {}): Promise<FrappeSandbox> {
  const now = opts.now ?? ((): Date => new Date());
  const zone = opts.timeZone ?? (opts.realSite ? REAL_SITE_TIME_ZONE : 'Asia/Dubai');
  const store = new FrappeStore(zone, now, opts.frappeVersion ?? 15);
  seedStore(store, opts);
  store.racyDuplicates = opts.racyDuplicates ?? opts.realSite ?? false;
  const settings: FrappeSettings = {
    perDocCostMs: opts.perDocCostMs ?? 0,
    costs: { ...NO_COSTS, ...opts.costs },
    allowErrorTraceback: opts.allowErrorTraceback ?? opts.realSite ?? false,
    permlevelTrap: opts.permlevelTrap ?? true,
    orjsonStyle: opts.orjsonStyle ?? false,
    rateLimit: opts.rateLimit,
  };
  const counters = createCounters();
  const faults = new FaultInjector(opts.seed ?? 1);
  const knobs: ServerKnobs = {
    latencyMs: opts.latencyMs ?? 0,
    workers: opts.workers ?? 0,
    faults,
    ...(opts.cpuCapacity !== undefined ? { cpuCapacity: opts.cpuCapacity } : {}),
  };
  const checkinTable = store.table('Employee Checkin');
  const limiter = new RateLimiter(() => settings.rateLimit, now);
  const excId = excIdSource(opts.seed ?? 1);
  let baseUrl = 'http://127.0.0.1';

  const env = (): SiteEnv => ({
    store,
    style: { allowTraceback: settings.allowErrorTraceback, orjson: settings.orjsonStyle, excId },
    permlevelTrap: settings.permlevelTrap,
    baseUrl,
    limiter,
  });

  const server = await startServer({
    name: 'frappe',
    host: opts.host,
    port: opts.port,
    tls: opts.tls,
    knobs,
    routeKey: frappeRouteKey,
    handler: async (req, ctx) => {
      counters.inFlight++;
      counters.maxInFlight = Math.max(counters.maxInFlight, counters.inFlight);
      const request = store.requestStarted();
      try {
        const tableRows = checkinTable.size;
        const outcome = handleRequest(env(), req, request);
        if (outcome.committed) {
          counters.docsWritten += outcome.docsWritten;
          counters.checkinsWritten += outcome.checkinsWritten;
        } else counters.rolledBack += outcome.docsWritten;
        // The rows are already committed; the simulated CPU time still delays the answer and holds the slot.
        const workMs =
          outcome.checkinsWritten * settings.perDocCostMs + requestCostMs(settings.costs, outcome, tableRows);
        counters.workMs += workMs;
        limiter.record(workMs);
        if (workMs > 0) await ctx.work(workMs);
        if (settings.holdBeforeAnswer) await settings.holdBeforeAnswer();
        return outcome.response;
      } finally {
        store.requestAnswered(request);
        counters.inFlight--;
      }
    },
  });
  baseUrl = server.url;
  const close = (): Promise<void> => server.close();
  return { url: server.url, close, faults, stats: server.stats, store, knobs, settings, counters };
}

// The per-cycle hooks on the sandboxes: the scenario's SIGKILL trigger (the k-th transactions page, checkin
// insert or Frappe request of the cycle), the mid-read changes, the start of a second CLI process, and the answer
// held past the client's timeout after the commit. All count requests, never time.
import type { SandboxRequest, SandboxResponse } from '../src/sandbox/common/httpServer';
import type { CycleSpec, FaultPlan } from './scenario';
import { CLIENT_TIMEOUT_MS, type ChaosWorld } from './world';

export interface TriggerActions {
  /** SIGKILL the cycle's first CLI process. */
  kill(at: string): void;
  /** Apply the cycle's mid-read changes (called once). */
  midRead(): void;
  /** A sandbox saw a request of the cycle (a second process may start now). */
  request(): void;
  count(kind: string): void;
}

export interface ArmedTriggers {
  readonly midReadDone: boolean;
  disarm(): void;
}

export function isInsert(req: SandboxRequest): boolean {
  return req.method === 'POST' && /frappe\.client\.insert_many$|^\/api\/resource\/Employee Checkin$/.test(req.path);
}

export function armTriggers(w: ChaosWorld, spec: CycleSpec, a: TriggerActions): ArmedTriggers {
  const kill = spec.kill;
  let armed = !!kill && kill.at !== 'stateWrite';
  let pages = 0;
  let inserts = 0;
  let frappeRequests = 0;
  let held = 0;
  const state = { midReadDone: false };
  const fire = (at: string) => {
    armed = false;
    a.kill(at);
  };
  w.onBiotime = (req) => {
    a.request();
    if (req.method !== 'GET' || req.path !== '/iclock/api/transactions/') return undefined;
    pages++;
    if (spec.midRead && !state.midReadDone && pages === spec.midRead.atPage) {
      state.midReadDone = true;
      a.midRead();
    }
    if (armed && kill?.at === 'biotimePage' && pages === kill.k) fire('BioTime page');
    return undefined;
  };
  w.onFrappe = (req): SandboxResponse | undefined => {
    a.request();
    frappeRequests++;
    const insert = isInsert(req);
    if (insert) inserts++;
    const hit =
      armed &&
      kill &&
      ((kill.at === 'frappeInsert' && insert && inserts === kill.k) ||
        (kill.at === 'frappeRequest' && frappeRequests === kill.k));
    if (!hit) return undefined;
    fire(kill.at === 'frappeInsert' ? 'Frappe insert' : 'Frappe request');
    // Killed with the request on the wire: either it still reaches the site (and commits), or it is lost.
    return kill.drop ? { status: 502, body: { detail: 'Bad Gateway' } } : undefined;
  };
  if (spec.lateAnswer) {
    const k = spec.lateAnswer.k;
    w.frappe.knobs.beforeAnswer = async (req) => {
      if (!isInsert(req) || ++held !== k) return;
      a.count('answer lost after commit (held past the timeout)');
      await new Promise((resolve) => setTimeout(resolve, CLIENT_TIMEOUT_MS + 1500));
    };
  }
  if (spec.trickle) {
    const { server, k, everyMs } = spec.trickle;
    let seen = 0;
    const matches =
      server === 'frappe'
        ? isInsert
        : (req: SandboxRequest) => req.method === 'GET' && req.path === '/iclock/api/transactions/';
    (server === 'frappe' ? w.frappe : w.biotime).knobs.trickleAnswer = (req) => {
      if (!matches(req) || ++seen !== k) return undefined;
      a.count(`answer trickling after the commit (${server})`);
      return everyMs;
    };
  }
  return {
    get midReadDone() {
      return state.midReadDone;
    },
    disarm() {
      w.onBiotime = undefined;
      w.onFrappe = undefined;
      w.frappe.knobs.beforeAnswer = undefined;
      w.frappe.knobs.trickleAnswer = undefined;
      w.biotime.knobs.trickleAnswer = undefined;
    },
  };
}

/** The requests an injected HTTP fault applies to. */
export function targetOf(plan: FaultPlan): RegExp | undefined {
  switch (plan.target) {
    case 'login':
      return /^POST \/(jwt-)?api-token-auth\/$/;
    case 'transactions':
      return /^\/iclock\/api\/transactions\//;
    case 'personnel':
      return /^\/personnel\/api\//;
    case 'insert':
      return /^POST \/api\/(method\/frappe\.client\.insert_many|resource\/Employee Checkin)$/;
    case 'lookup':
      return /^GET |frappe\.client\.get_(list|count)$/;
    case 'any':
      return undefined;
  }
}

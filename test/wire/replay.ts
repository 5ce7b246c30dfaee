// `npm run test:wire`: replays every recorded exchange of docs/reference/frappe-wire/ against the Frappe sandbox in
// real-site mode (same users, roles, employees, zone), in the order the real site saw them, with the sandbox clock
// set to each recorded answer's Date, and compares the answers (compare.ts). One line per exchange that differs;
// differences listed with their reason in docs/sandbox-contract.md ("Known differences") are reported as such,
// never hidden. Last line: "N passed, N failed"; exit 1 when any failed.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { startFrappeSandbox, type FrappeSandbox } from '../../src/sandbox/frappe/server';
import { realSiteKeys } from '../../src/sandbox/frappe/realSite';
import { differences, type Answer } from './compare';
import { loadExchanges, type Exchange, type RecordedRequest } from './recordings';

const root = path.resolve(__dirname, '../..');
const wireDir = path.join(root, 'docs/reference/frappe-wire');
const contract = path.join(root, 'docs/sandbox-contract.md');

const sync = `token ${realSiteKeys.sync.key}:${realSiteKeys.sync.secret}`;
const json = (): RecordedRequest['headers'] => ({ Authorization: sync, 'Content-Type': 'application/json' });

/** Checkins for the synthesised batches: active employees round-robin, one minute apart from `start`. */
function batch(count: number, day: string, device: string): object[] {
  const active = ['101', '102', '103', '104', '105', '106', '107', '108', '109', '007', '0042'];
  const employees = active.map((_, i) => `HR-EMP-${String(i < 9 ? i + 1 : i + 2).padStart(5, '0')}`);
  return Array.from({ length: count }, (_, i) => {
    const minutes = Math.floor(i / employees.length);
    const time = `${day} ${String(6 + Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}:00`;
    return {
      doctype: 'Employee Checkin',
      employee: employees[i % employees.length],
      time,
      log_type: 'IN',
      device_id: device,
    };
  });
}

/**
 * The files that hold only the answer: their requests, rebuilt from the README (j0: 201 documents; j1: the first
 * 200-document insert_many of the rate runs; k13: a password login of the sync user).
 */
const synthesised: Record<string, RecordedRequest> = {
  j0_insert_many_201_docs: {
    method: 'POST',
    path: '/api/method/frappe.client.insert_many',
    headers: json(),
    body: JSON.stringify({ docs: batch(201, '2026-11-25', 'RATE') }),
  },
  j1_insert_many_200_first: {
    method: 'POST',
    path: '/api/method/frappe.client.insert_many',
    headers: json(),
    body: JSON.stringify({ docs: batch(200, '2026-11-26', 'RATE') }),
  },
  k13_password_login_sync: {
    method: 'POST',
    path: '/api/method/login',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ usr: realSiteKeys.sync.user, pwd: 'sync-password' }),
  },
};

/** State changes made on the real site between exchanges, outside the API (bench console / desk). */
function before(name: string, sb: FrappeSandbox): void {
  if (name === 'k11_disabled_user_key') sb.store.addUser({ name: realSiteKeys.linked.user, enabled: false });
  if (name === 'k12_reenabled_user_key') sb.store.addUser({ name: realSiteKeys.linked.user, enabled: true });
}

function send(base: string, req: RecordedRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const url = new URL(req.path, base);
    const headers: Record<string, string | number> = { ...req.headers };
    if (req.body !== undefined) headers['Content-Length'] = Buffer.byteLength(req.body);
    const request = http.request(url, { method: req.method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    request.on('error', reject);
    request.end(req.body);
  });
}

/**
 * Two identical 50-document insert_many at the same moment (j2): the real site stored both (100 rows). The first
 * is held in flight until the second has been handled, so the two overlap as they did there (no timing involved).
 */
async function concurrentBatches(sb: FrappeSandbox): Promise<string[]> {
  let arrivals = 0;
  let releaseFirst = (): void => {};
  const secondHandled = new Promise<void>((resolve) => (releaseFirst = resolve));
  sb.settings.holdBeforeAnswer = async () => {
    arrivals++;
    if (arrivals === 1) await secondHandled;
    else releaseFirst();
  };
  const request: RecordedRequest = {
    method: 'POST',
    path: '/api/method/frappe.client.insert_many',
    headers: json(),
    body: JSON.stringify({ docs: batch(50, '2026-11-27', 'RACE') }),
  };
  const answers = await Promise.all([send(sb.url, request), send(sb.url, request)]);
  const stored = sb.store.checkins().filter((c) => c.device_id === 'RACE').length;
  const statuses = answers.map((a) => a.status).join(' and ');
  return statuses === '200 and 200' && stored === 100
    ? []
    : [`statuses 200 and 200 ≠ ${statuses}; rows 100 ≠ ${stored}`];
}

/** "Known differences" of docs/sandbox-contract.md: `| exchange | reason |` rows under that heading. */
function knownDifferences(): Map<string, string> {
  const text = fs.readFileSync(contract, 'utf8');
  const section = text.split(/^## Known differences/m)[1]?.split(/^## /m)[0] ?? '';
  const known = new Map<string, string>();
  for (const line of section.split('\n')) {
    const match = /^\| `([a-z0-9_]+)` \| (.+) \|$/.exec(line.trim());
    if (match) known.set(match[1], match[2]);
  }
  return known;
}

async function main(): Promise<number> {
  const exchanges: Exchange[] = loadExchanges(wireDir);
  let clock = new Date('2026-12-03T07:45:00Z');
  const sb = await startFrappeSandbox({ realSite: true, now: () => clock });
  const known = knownDifferences();
  let passed = 0;
  let failed = 0;
  let tolerated = 0;
  const report = (name: string, diffs: string[]): void => {
    const reason = known.get(name);
    if (diffs.length === 0 && !reason) passed++;
    else if (diffs.length === 0) {
      failed++;
      console.log(`${name}: now answers like the real site; remove it from the known differences`);
    } else if (reason) {
      tolerated++;
      console.log(`${name}: known difference (${reason}): ${diffs.join('; ')}`);
    } else {
      failed++;
      console.log(`${name}: ${diffs.join('; ')}`);
    }
  };
  try {
    for (const exchange of exchanges) {
      const request = exchange.request ?? synthesised[exchange.name];
      if (!request) throw new Error(`${exchange.name}: no request recorded or synthesised`);
      clock = exchange.response.date;
      before(exchange.name, sb);
      const answer = await send(sb.url, request);
      report(exchange.name, differences(exchange.response, answer));
    }
    report('j2_concurrent_duplicate_batches', await concurrentBatches(sb));
  } finally {
    await sb.close();
  }
  const total = passed + failed + tolerated;
  console.log(`${total} exchanges replayed; ${tolerated} known differences (docs/sandbox-contract.md)`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(2);
  },
);

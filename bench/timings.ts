// `npm run bench:timings`: the speed figures that used to be asserted in unit tests (and failed them on a loaded
// machine). Printed, never asserted: read them on a quiet machine and compare between commits.
//   - sandbox preciseWork: TimerSet.sleepPrecise(0.5) against setTimeout(0.5) (the benchmark's per-document cost)
//   - sandbox BioTime: one unfiltered transaction page deep inside 300,000 rows
//   - punch mapping panel: queries over a 50,000-row run
//   - configuration: the slowest of 800 fuzzed configuration files (chaos/configFuzz)
import { BASE_CONFIG, fuzzCase } from '../chaos/configFuzz';
import { parseConfigText } from '../src/core/config';
import { startBioTimeSandbox } from '../src/sandbox/biotime/server';
import { TimerSet } from '../src/sandbox/common/workerPool';
import { DEFAULT_QUERY, type MappingQuery } from '../src/shared/webviewProtocol';
import { MappingDataset } from '../src/vscode/webviews/mappingDataset';
import { outcomes } from '../test/unit/vscode/builders';

const ms = (t: number) => `${t.toFixed(2)} ms`;
const print = (label: string, value: string) => console.log(`${label.padEnd(58)} ${value}`);

async function time<T>(fn: () => Promise<T> | T): Promise<[T, number]> {
  const t = performance.now();
  const value = await fn();
  return [value, performance.now() - t];
}

async function preciseWork(): Promise<void> {
  const timers = new TimerSet();
  const average = async (sleep: () => Promise<void>, n = 200) =>
    (
      await time(async () => {
        for (let i = 0; i < n; i++) await sleep();
      })
    )[1] / n;
  print('sandbox: sleepPrecise(0.5), average of 200', ms(await average(() => timers.sleepPrecise(0.5))));
  print('sandbox: setTimeout(0.5), average of 200', ms(await average(() => timers.sleep(0.5))));
}

async function biotimePage(): Promise<void> {
  const sb = await startBioTimeSandbox({ users: [{ username: 'api', password: 'pw' }] });
  try {
    const area = sb.store.addArea({ area_code: '1', area_name: 'HQ' });
    sb.store.addEmployee({ emp_code: '1001', first_name: 'A', areas: [area] });
    sb.store.addTerminal({ sn: 'T1', alias: 'Gate', areaId: area });
    for (let i = 0; i < 300_000; i++) sb.store.addPunch({ emp_code: '1001', punch_time: '2026-03-01 08:00:00' });
    const login = await fetch(`${sb.url}/api-token-auth/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'api', password: 'pw' }),
    });
    const auth = { Authorization: `Token ${((await login.json()) as { token: string }).token}` };
    const page = (n: number) =>
      fetch(`${sb.url}/iclock/api/transactions/?page=${n}&page_size=100`, { headers: auth }).then((r) => r.json());
    await page(2);
    print('sandbox BioTime: page 2999 of 300,000 rows, unfiltered', ms((await time(() => page(2999)))[1]));
  } finally {
    await sb.close();
  }
}

async function mapping(): Promise<void> {
  const q = (patch: Partial<MappingQuery> = {}): MappingQuery => ({ ...DEFAULT_QUERY, ...patch });
  const rows = outcomes(50_000);
  const [ds, build] = await time(() => {
    const d = new MappingDataset(rows);
    d.query(q(), 200);
    return d;
  });
  print('mapping 50k rows: build + first page', ms(build));
  const queries: [string, MappingQuery][] = [
    ['next page (cached order)', q({ page: 1 })],
    ['last page (cached order)', q({ page: 249 })],
    ['filter failed', q({ outcome: 'failed' })],
    ['search "gate 3"', q({ search: 'gate 3' })],
    ['sort by name desc', q({ sort: 'name', descending: true })],
    ['sort by code', q({ sort: 'empCode' })],
  ];
  for (const [label, query] of queries)
    print(`mapping 50k rows: ${label}`, ms((await time(() => ds.query(query, 200)))[1]));
}

async function configFuzz(): Promise<void> {
  parseConfigText(JSON.stringify(BASE_CONFIG), '/tmp/biotime-sync.json');
  let worst = { seed: 0, ms: 0 };
  for (let seed = 1; seed <= 800; seed++) {
    const text = fuzzCase(seed).text;
    const [, t] = await time(() => {
      try {
        parseConfigText(text, '/tmp/biotime-sync.json');
      } catch {
        // every case is an error; only its time matters here
      }
    });
    if (t > worst.ms) worst = { seed, ms: t };
  }
  print('config: slowest of 800 fuzzed files', `${ms(worst.ms)} (seed ${worst.seed})`);
}

async function main(): Promise<void> {
  await preciseWork();
  await biotimePage();
  await mapping();
  await configFuzz();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

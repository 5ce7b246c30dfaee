// Oversized or hostile server answers are bounded and reported, not swallowed: a 100 MB body (BioTime and Frappe),
// JSON nested 200,000 deep, and a `count` of a million rows that are not there. The CLI runs as a child process;
// its peak memory is read from /proc (Linux) while it runs.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SandboxRequest, SandboxResponse } from '../../src/sandbox/common/httpServer';
import {
  addPunches,
  CLI,
  cliEnv,
  configFor,
  requireCli,
  startPair,
  tempDir,
  writeJson,
  type Pair,
} from './securityKit';

const MB = 1024 * 1024;
/** The CLI idles at about 70 MB; the 64 MB answer cap comes on top. A 100 MB body read whole goes far beyond. */
const PEAK_RSS_LIMIT = 230 * MB;

interface Observed {
  code: number | null;
  output: string;
  /** Peak resident memory (VmHWM), or undefined without /proc. */
  peakRss?: number;
}

function runObserved(args: string[]): Promise<Observed> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (output += d.toString('utf8')));
    let peak: number | undefined;
    const statusFile = `/proc/${child.pid}/status`;
    const poll = setInterval(() => {
      try {
        const kb = Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(statusFile, 'utf8'))?.[1]);
        if (kb) peak = Math.max(peak ?? 0, kb * 1024);
      } catch {
        // exited between two polls, or no /proc
      }
    }, 5);
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      resolve({ code, output, peakRss: peak });
    });
  });
}

const json = (body: string | Buffer): SandboxResponse => ({
  status: 200,
  headers: { 'Content-Type': 'application/json' },
  body,
});

describe('system: hostile server answers are bounded and reported', function () {
  this.timeout(120_000);
  let p: Pair | undefined;
  let huge: Buffer;
  before(() => {
    requireCli();
    // A valid beginning, then 100 MB of nothing: only reading it all would tell it is not JSON.
    huge = Buffer.alloc(100 * MB, 0x20);
    huge.write('{"count": 1, "next": null, "previous": null, "data": [', 0);
  });
  after(() => {
    huge = Buffer.alloc(0);
  });
  afterEach(async () => {
    await p?.close();
    p = undefined;
  });

  async function sync(
    on: 'biotime' | 'frappe',
    answer: (req: SandboxRequest) => SandboxResponse | undefined,
  ): Promise<Observed & { hostile: number }> {
    p = await startPair();
    addPunches(p, 3);
    let hostile = 0;
    (on === 'biotime' ? p.biotime : p.frappe).knobs.intercept = (req) => {
      const r = answer(req);
      if (r) hostile++;
      return r;
    };
    const dir = tempDir('bts-hostile-');
    const r = await runObserved([
      'run',
      '--config',
      writeJson(path.join(dir, 'config.json'), configFor(p)),
      '--state-dir',
      path.join(dir, 'state'),
    ]);
    assert.doesNotMatch(r.output, /Unexpected error|\n\s+at .+:\d+:\d+|heap out of memory/i, r.output);
    if (r.peakRss !== undefined) assert.ok(r.peakRss < PEAK_RSS_LIMIT, `peak RSS ${(r.peakRss / MB).toFixed(0)} MB`);
    return { ...r, hostile };
  }

  it('a 100 MB BioTime page is cut at the answer limit and reported', async () => {
    const r = await sync('biotime', (req) => (req.path === '/iclock/api/transactions/' ? json(huge) : undefined));
    assert.equal(r.code, 1, r.output);
    assert.ok(r.hostile >= 1);
    assert.match(r.output, /larger than the \d+ MB limit/, r.output);
    assert.equal(p!.frappe.store.checkins().length, 0);
  });

  it('a 100 MB Frappe answer is cut at the answer limit and reported', async () => {
    const r = await sync('frappe', (req) => (/get_list|^\/api\/resource\//.test(req.path) ? json(huge) : undefined));
    assert.equal(r.code, 1, r.output);
    assert.match(r.output, /larger than the \d+ MB limit/, r.output);
  });

  it('JSON nested 200,000 deep is refused unread, without a stack overflow', async () => {
    const deep = `{"count":1,"next":null,"data":${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
    const r = await sync('biotime', (req) => (req.path === '/iclock/api/transactions/' ? json(deep) : undefined));
    assert.equal(r.code, 1, r.output);
    assert.match(r.output, /nested too deeply/, r.output);
  });

  it('a count of a million rows that are not there costs a bounded number of requests and is reported', async () => {
    const row = (id: number) => ({
      id,
      emp_code: '1001',
      punch_time: `2026-11-20 08:${String(id % 60).padStart(2, '0')}:00`,
      punch_state: '0',
      terminal_sn: 'T1',
    });
    const r = await sync('biotime', (req) => {
      if (req.path !== '/iclock/api/transactions/') return undefined;
      const page = Number(req.query.get('page') ?? '1');
      if (page > 1) return { status: 404, body: { detail: 'Invalid page.' } };
      return json(
        JSON.stringify({
          count: 1_000_000,
          next: 'http://biotime.internal.invalid/iclock/api/transactions/?page=2',
          previous: null,
          msg: '',
          code: 0,
          data: [row(1)],
        }),
      );
    });
    assert.ok(r.hostile <= 60, `${r.hostile} requests for one real row`);
    assert.match(r.output, /WARN|ERROR|error:/, `nothing reported:\n${r.output}`);
    assert.ok(r.code === 0 || r.code === 1, r.output);
  });

  it('a million-row count over three real pages reads the three pages and stops', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({
      id: i + 1,
      emp_code: ['1001', '1002', '1003'][i % 3],
      punch_time: `2026-11-20 09:${String(i).padStart(2, '0')}:00`,
      punch_state: '0',
      terminal_sn: 'T1',
    }));
    const r = await sync('biotime', (req) => {
      if (req.path !== '/iclock/api/transactions/') return undefined;
      const page = Number(req.query.get('page') ?? '1');
      const size = Number(req.query.get('page_size') ?? '10');
      const data = rows.slice((page - 1) * size, page * size);
      if (!data.length) return { status: 404, body: { detail: 'Invalid page.' } };
      return json(
        JSON.stringify({
          count: 1_000_000,
          next: `http://biotime.internal.invalid/iclock/api/transactions/?page=${page + 1}`,
          previous: null,
          msg: '',
          code: 0,
          data,
        }),
      );
    });
    assert.ok(r.hostile <= 60, `${r.hostile} requests for three pages`);
    assert.equal(r.code, 0, r.output);
    assert.equal(p!.frappe.store.checkins().length, 30);
  });
});

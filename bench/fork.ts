// Runs one contender in a child process (the sandboxes stay in the parent) and waits for its report. The child is
// bundled with esbuild first, like dist/cli.js, and runs on plain node: under tsx its RSS and CPU would include
// the TypeScript loader, which the shipped CLI and extension do not carry.
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import type { Job, JobResult } from './job';

export interface ForkOptions {
  /** Directory for a V8 CPU profile of the child (node --cpu-prof), when profiling. */
  cpuProfDir?: string;
  /** Called in this process each time the child reports a page done (jobs with keepProgress). */
  onProgress?(processed: number): void;
  /** Called in this process when the child starts its sync (after loading and its idle event-loop sample). */
  onStart?(): void;
}

type ChildMessage =
  { type: 'started' } | { type: 'progress'; processed: number } | { type: 'result'; result: JobResult };

let bundled: string | undefined;

/** Bundles bench/child.ts once per benchmark run: next to the CPU profiles when profiling, else in a temp dir. */
export function childBundle(keepIn?: string): string {
  if (bundled) return bundled;
  const dir = keepIn ? path.resolve(keepIn) : fs.mkdtempSync(path.join(os.tmpdir(), 'bts-bench-child-'));
  const outfile = path.join(dir, 'child.js');
  buildSync({
    entryPoints: [path.join(__dirname, 'child.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    sourcesContent: false,
    logLevel: 'warning',
  });
  if (!keepIn) process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return (bundled = outfile);
}

export function runInChild(job: Job, o: ForkOptions = {}): Promise<JobResult> {
  const execArgv = [
    '--expose-gc',
    ...(o.cpuProfDir
      ? [
          '--cpu-prof',
          `--cpu-prof-dir=${path.resolve(o.cpuProfDir)}`,
          `--cpu-prof-name=${job.kind}-${Date.now()}.cpuprofile`,
        ]
      : []),
  ];
  const child = fork(childBundle(o.cpuProfDir), [JSON.stringify(job)], {
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let result: JobResult | undefined;
    child.on('message', (raw) => {
      const m = raw as ChildMessage;
      if (m.type === 'progress') o.onProgress?.(m.processed);
      else if (m.type === 'started') o.onStart?.();
      else result = m.result;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (result) resolve(result);
      else reject(new Error(`${job.kind} child exited (${signal ?? code}) without a report`));
    });
  });
}

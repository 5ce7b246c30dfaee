// The real CLI as a child process, the way an operator's cron runs it: config file, state directory, secrets in
// the environment. SIGKILL comes from outside (the sandbox-side triggers call `kill`) or, for state writes, from
// failpoint.cjs preloaded into the child.
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

export const FAILPOINT = path.join(__dirname, 'failpoint.cjs');
/** A CLI process still running after this long is hung: killed and reported. */
const HANG_MS = 180_000;

export interface CliResult {
  args: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
  /** Killed by the campaign on purpose (a SIGKILL fault), not by a crash. */
  killedByUs: boolean;
  hung: boolean;
}

export interface CliOptions {
  cli: string;
  env: NodeJS.ProcessEnv;
  /** SIGKILL the child at its k-th state write under `root`, before or after the operation. */
  failpoint?: { k: number; phase: 'before' | 'after'; root: string };
  /** Other faults of failpoint.cjs, by its environment variables (full disk, clock jump). */
  preload?: Record<string, string>;
  /** Close the reading end of stdout at once (a reader like `head -c 0` that goes away). */
  closeStdoutEarly?: boolean;
}

export class CliProcess {
  readonly child: ChildProcess;
  readonly done: Promise<CliResult>;
  private killedByUs = false;
  /** Set once the child made its first request to a sandbox (a second process can then be started beside it). */
  started = false;

  constructor(
    readonly args: string[],
    o: CliOptions,
  ) {
    const env: NodeJS.ProcessEnv = { ...o.env };
    if (o.failpoint) {
      env.NODE_OPTIONS = `--require "${FAILPOINT}"`;
      env.CHAOS_FS_KILL_AT = String(o.failpoint.k);
      env.CHAOS_FS_KILL_PHASE = o.failpoint.phase;
      env.CHAOS_FS_ROOT = o.failpoint.root;
    }
    if (o.preload && Object.keys(o.preload).length) {
      env.NODE_OPTIONS = `--require "${FAILPOINT}"`;
      Object.assign(env, o.preload);
    }
    this.child = spawn(process.execPath, [o.cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    this.child.stdout!.on('data', (d: Buffer) => (out += d.toString('utf8')));
    // Closed before the CLI writes anything: its first write meets a pipe with no reader (EPIPE).
    if (o.closeStdoutEarly) this.child.stdout!.destroy();
    this.child.stderr!.on('data', (d: Buffer) => (err += d.toString('utf8')));
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      this.child.kill('SIGKILL');
    }, HANG_MS);
    this.done = new Promise((resolve) => {
      this.child.on('close', (code, signal) => {
        clearTimeout(timer);
        const byFailpoint = !!o.failpoint && signal === 'SIGKILL';
        resolve({ args, code, signal, out, err, killedByUs: (this.killedByUs || byFailpoint) && !hung, hung });
      });
    });
  }

  /** SIGSTOP now, SIGCONT `ms` later (a laptop lid closed, a debugger, a container paused). */
  pause(ms: number): void {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGSTOP');
    setTimeout(() => this.child.kill('SIGCONT'), ms);
  }

  kill(): void {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.killedByUs = true;
    this.child.kill('SIGKILL');
  }
}

/** The CLI's environment: only what it needs, with the process zone chosen by the scenario. */
export function cliEnv(
  tz: string,
  secrets: { password: string; apiKey: string; apiSecret: string },
): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TZ: tz,
    BIOTIME_PASSWORD_HQ: secrets.password,
    FRAPPE_API_KEY_ACME: secrets.apiKey,
    FRAPPE_API_SECRET_ACME: secrets.apiSecret,
  };
}

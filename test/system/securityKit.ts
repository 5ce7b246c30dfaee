// Shared by the security system tests: planted secrets and the scanner that hunts for them (raw, JSON-escaped,
// URL-encoded, Basic-auth encoded, and any 10-character piece), the CLI as a child process, and both sandboxes.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BioTimeSandbox } from '../../src/sandbox/biotime/server';
import type { FrappeSandbox } from '../../src/sandbox/frappe/server';
import { startSandboxPair } from '../../src/sandbox/pair';
import { rawConfig, rawDevice, rawSite } from '../support/configBuilders';

export { CLI } from './cliPath';
import { CLI } from './cliPath';

/**
 * Recognisable values, with the characters that escaping and encoding change (quote, backslash, non-ASCII, %,
 * space), so a secret that slips out JSON-escaped or URL-encoded is still found.
 */
export const PLANTED = {
  password: 'Sesame-BT-pw "q" \\x é7%41',
  apiKey: 'planted-key-5c1f2a',
  apiSecret: 'hushhush-secret-9e8d7c',
  wrongPassword: 'Wrongful-guess-3b é',
  wrongSecret: 'mistyped-secret-77aa',
} as const;

export function cliEnv(over: Partial<Record<'password' | 'apiKey' | 'apiSecret', string>> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    BIOTIME_PASSWORD_HQ: over.password ?? PLANTED.password,
    FRAPPE_API_KEY_ACME: over.apiKey ?? PLANTED.apiKey,
    FRAPPE_API_SECRET_ACME: over.apiSecret ?? PLANTED.apiSecret,
  };
}

export interface CliRun {
  args: string[];
  code: number | null;
  out: string;
  err: string;
}

export function cli(args: string[], env: NodeJS.ProcessEnv = cliEnv(), timeoutMs = 60_000): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    p.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`biotime-sync ${args.join(' ')} did not finish within ${timeoutMs} ms\n${err.slice(-2000)}`));
    }, timeoutMs);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ args, code, out, err });
    });
  });
}

export function requireCli(): void {
  if (!fs.existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does).');
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function writeJson(file: string, value: unknown): string {
  fs.writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return file;
}

export function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** The forms a secret can take on its way out. */
function forms(secret: string): string[] {
  const out = new Set([
    secret,
    JSON.stringify(secret).slice(1, -1),
    encodeURIComponent(secret),
    JSON.stringify(JSON.stringify(secret)).slice(3, -3),
  ]);
  return [...out];
}

/**
 * Names of the secrets found in `text`, in any form; a piece of 10 characters or more counts too (a message cut
 * at 200 characters must not keep half a password). `extra` are values known only at run time (tokens).
 */
export function leaks(text: string, extra: Record<string, string> = {}): string[] {
  const found: string[] = [];
  const all: Record<string, string> = {
    ...PLANTED,
    basicAuth: Buffer.from(`${PLANTED.apiKey}:${PLANTED.apiSecret}`).toString('base64'),
    ...extra,
  };
  for (const [name, secret] of Object.entries(all)) {
    if (forms(secret).some((f) => text.includes(f))) {
      found.push(name);
      continue;
    }
    for (let i = 0; i + 10 <= secret.length; i++) {
      const piece = secret.slice(i, i + 10);
      if (text.includes(piece)) {
        found.push(`${name} (the piece "${piece}")`);
        break;
      }
    }
  }
  return found;
}

export interface Pair {
  biotime: BioTimeSandbox;
  frappe: FrappeSandbox;
  /** Frappe Employee name by Biometric ID. */
  emp: Record<string, string>;
  close(): Promise<void>;
}

export async function startPair(
  o: { biotimeTls?: { key: string; cert: string }; frappeTls?: { key: string; cert: string }; codes?: string[] } = {},
): Promise<Pair> {
  const { biotime, frappe, close } = await startSandboxPair({
    biotime: {
      users: [{ username: 'api', password: PLANTED.password }],
      timeZone: 'Asia/Dubai',
      ...(o.biotimeTls ? { tls: o.biotimeTls } : {}),
    },
    frappe: {
      apiKeys: [{ key: PLANTED.apiKey, secret: PLANTED.apiSecret, user: 'sync@example.com' }],
      timeZone: 'Asia/Dubai',
      ...(o.frappeTls ? { tls: o.frappeTls } : {}),
    },
  });
  const hq = biotime.store.addArea({ area_code: 'HQ', area_name: 'Head office' });
  biotime.store.addTerminal({ sn: 'T1', alias: 'Main gate', areaId: hq });
  const emp: Record<string, string> = {};
  for (const code of o.codes ?? ['1001', '1002', '1003']) {
    biotime.store.addEmployee({ emp_code: code, first_name: `First${code}`, last_name: 'Last', areas: [hq] });
    emp[code] = frappe.store.addEmployee({ employee_name: `Employee ${code}`, attendance_device_id: code });
  }
  return { biotime, frappe, emp, close };
}

export function configFor(p: Pair, device: Record<string, unknown> = {}, site: Record<string, unknown> = {}): object {
  return rawConfig(
    [rawDevice({ name: 'Head office', url: p.biotime.url, pageSize: 10, timeoutSeconds: 5, ...device })],
    [rawSite({ url: p.frappe.url, timeoutSeconds: 5, ...site })],
  );
}

export function addPunches(p: Pair, n: number, day = '2026-11-20'): void {
  const codes = Object.keys(p.emp);
  for (let i = 0; i < n; i++) {
    p.biotime.store.addPunch({
      emp_code: codes[i % codes.length],
      punch_time: `${day} ${String(7 + Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00`,
      punch_state: String(i % 2),
      terminal_sn: 'T1',
    });
  }
}

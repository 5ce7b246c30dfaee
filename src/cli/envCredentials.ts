// The CLI's CredentialProvider: secrets from the environment, BioTime tokens in `<stateDir>/tokens.json` (0600).
// Secrets are never cached here, never written anywhere and never part of a message; only env var names are.
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { SyncConfig } from '../core/configTypes';
import { errorMessage, type ConfigIssue } from '../core/errors';
import type { CredentialProvider, Logger } from '../core/ports';
import { writeFileAtomic } from '../core/state/atomicFile';
import { pidAlive } from '../core/state/lock';

export type SecretKind = 'biotimePassword' | 'frappeApiKey' | 'frappeApiSecret';
export type Env = Readonly<Record<string, string | undefined>>;

const BASE_NAMES: Record<SecretKind, string> = {
  biotimePassword: 'BIOTIME_PASSWORD',
  frappeApiKey: 'FRAPPE_API_KEY',
  frappeApiSecret: 'FRAPPE_API_SECRET',
};

export const TOKEN_FILE = 'tokens.json';
const MAX_TOKEN_FILE_BYTES = 1024 * 1024;

/**
 * The environment variable for a secret: `BIOTIME_PASSWORD_<DEVICE>` etc., the id upper-cased with every other
 * character as `_` (device "hq-2.a" → BIOTIME_PASSWORD_HQ_2_A). Without an id: the fallback shared by all.
 */
export function envNameFor(kind: SecretKind, id?: string): string {
  return id === undefined ? BASE_NAMES[kind] : `${BASE_NAMES[kind]}_${id.replace(/[^A-Za-z0-9]/g, '_').toUpperCase()}`;
}

/** The id's own variable, then the shared fallback. An empty value counts as unset (a half-written export). */
export function readSecret(env: Env, kind: SecretKind, id: string): string | undefined {
  for (const name of [envNameFor(kind, id), envNameFor(kind)]) {
    const value = env[name];
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}

/**
 * Every secret the given devices need that the environment lacks, keyed by the env var to set, so the CLI can
 * report them all before contacting anything. Devices: `deviceIds` when given, else every enabled device; sites:
 * those the devices feed.
 */
export function missingSecrets(config: SyncConfig, env: Env, deviceIds?: readonly string[]): ConfigIssue[] {
  const devices = config.devices.filter((d) => (deviceIds ? deviceIds.includes(d.id) : d.enabled));
  const issues: ConfigIssue[] = [];
  const need = (kind: SecretKind, id: string, what: string): void => {
    if (readSecret(env, kind, id) !== undefined) return;
    issues.push({
      key: envNameFor(kind, id),
      message: `not set (nor ${envNameFor(kind)}): ${what}`,
    });
  };
  for (const d of devices)
    need('biotimePassword', d.id, `the BioTime password of user "${d.username}" for device "${d.id}"`);
  for (const siteId of new Set(devices.map((d) => d.site))) {
    need('frappeApiKey', siteId, `the Frappe API key for site "${siteId}"`);
    need('frappeApiSecret', siteId, `the Frappe API secret for site "${siteId}"`);
  }
  return issues;
}

export class EnvCredentials implements CredentialProvider {
  private readonly file: string;
  /** Token writes are serialised: each is a read-modify-write of one file. */
  private queue: Promise<void> = Promise.resolve();
  private sweptTemps = false;

  /**
   * @param env where secrets are read, at each call (the CLI passes process.env)
   * @param stateDir the directory holding tokens.json (the CLI's --state-dir)
   * @param logger told when tokens.json is unreadable or had loose permissions
   */
  constructor(
    private readonly env: Env,
    stateDir: string,
    private readonly logger?: Logger,
  ) {
    this.file = path.join(stateDir, TOKEN_FILE);
  }

  async biotimePassword(deviceId: string): Promise<string | undefined> {
    return readSecret(this.env, 'biotimePassword', deviceId);
  }

  async frappeApiKey(siteId: string): Promise<string | undefined> {
    return readSecret(this.env, 'frappeApiKey', siteId);
  }

  async frappeApiSecret(siteId: string): Promise<string | undefined> {
    return readSecret(this.env, 'frappeApiSecret', siteId);
  }

  async getToken(deviceId: string): Promise<string | undefined> {
    await this.queue;
    return (await this.readTokens()).get(deviceId);
  }

  setToken(deviceId: string, token: string | undefined): Promise<void> {
    const write = async (): Promise<void> => {
      if (!this.sweptTemps) await this.removeStaleTemps();
      const tokens = await this.readTokens();
      if (token === undefined) {
        if (!tokens.delete(deviceId)) return;
      } else {
        if (tokens.get(deviceId) === token) return;
        tokens.set(deviceId, token);
      }
      const body = JSON.stringify({ version: 1, tokens: Object.fromEntries(tokens) }, null, 2) + '\n';
      await writeFileAtomic(this.file, body, 0o600);
    };
    const run = this.queue.then(write, write);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** A missing, oversized or corrupt file is an empty cache: the device logs in again and the file is rewritten. */
  private async readTokens(): Promise<Map<string, string>> {
    const tokens = new Map<string, string>();
    let text: string;
    try {
      const stat = await fsp.stat(this.file);
      if (stat.size > MAX_TOKEN_FILE_BYTES) throw new Error(`larger than ${MAX_TOKEN_FILE_BYTES} bytes`);
      await this.tightenMode(stat.mode);
      text = await fsp.readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
        this.warn(`cannot read ${this.file} (${describe(e)}); ignoring cached tokens`);
      return tokens;
    }
    try {
      const parsed = JSON.parse(text) as { tokens?: unknown };
      const entries = typeof parsed.tokens === 'object' && parsed.tokens !== null ? Object.entries(parsed.tokens) : [];
      for (const [id, value] of entries) if (typeof value === 'string') tokens.set(id, value);
    } catch {
      this.warn(`${this.file} is not valid JSON; ignoring cached tokens (devices will log in again)`);
    }
    return tokens;
  }

  /** Temporary files of writers killed mid-write (their pid is gone) would otherwise pile up. */
  private async removeStaleTemps(): Promise<void> {
    this.sweptTemps = true;
    const dir = path.dirname(this.file);
    const names = await fsp.readdir(dir).catch(() => [] as string[]);
    const pattern = /^\.tokens\.json\.(\d+)\.[0-9a-f]+\.tmp$/; // writeFileAtomic's names for TOKEN_FILE
    for (const name of names) {
      const pid = Number(pattern.exec(name)?.[1]);
      if (pid && pid !== process.pid && !pidAlive(pid))
        await fsp.rm(path.join(dir, name), { force: true }).catch(() => undefined);
    }
  }

  /** A copied or restored tokens.json may be readable by others: put it back to 0600. */
  private async tightenMode(mode: number): Promise<void> {
    if (process.platform === 'win32' || (mode & 0o077) === 0) return;
    this.warn(`${this.file} was readable by other users (mode ${(mode & 0o777).toString(8)}); setting it to 600`);
    await fsp.chmod(this.file, 0o600);
  }

  private warn(message: string): void {
    this.logger?.warn(message);
  }
}

export { writeFileAtomic };

function describe(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? errorMessage(e);
}

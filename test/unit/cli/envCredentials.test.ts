import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  EnvCredentials,
  TOKEN_FILE,
  envNameFor,
  missingSecrets,
  readSecret,
  writeFileAtomic,
  type SecretKind,
} from '../../../src/cli/envCredentials';
import { validateConfig } from '../../../src/core/config';
import type { Logger } from '../../../src/core/ports';

const isPosix = process.platform !== 'win32';
const modeOf = (file: string): number => fs.statSync(file).mode & 0o777;

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'biotime-env-creds-'));
}

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  const none = (): void => undefined;
  return { warnings, trace: none, debug: none, info: none, warn: (m) => void warnings.push(m), error: none };
}

const twoSiteConfig = () =>
  validateConfig({
    sites: [
      { id: 'acme', url: 'http://127.0.0.1:8000' },
      { id: 'beta-hr', url: 'http://127.0.0.1:8001' },
      { id: 'unused', url: 'http://127.0.0.1:8002' },
    ],
    devices: [
      { id: 'hq', url: 'http://127.0.0.1:8081', username: 'api', site: 'acme' },
      { id: 'gate-2.a', url: 'http://127.0.0.1:8082', username: 'sync', site: 'beta-hr' },
      { id: 'old', url: 'http://127.0.0.1:8083', username: 'api', site: 'unused', enabled: false },
    ],
  });

describe('cli/envCredentials: naming', () => {
  const table: [SecretKind, string | undefined, string][] = [
    ['biotimePassword', 'hq', 'BIOTIME_PASSWORD_HQ'],
    ['biotimePassword', 'hq-2.a', 'BIOTIME_PASSWORD_HQ_2_A'],
    ['biotimePassword', 'Main_Gate', 'BIOTIME_PASSWORD_MAIN_GATE'],
    ['frappeApiKey', 'acme', 'FRAPPE_API_KEY_ACME'],
    ['frappeApiSecret', 'beta-hr', 'FRAPPE_API_SECRET_BETA_HR'],
    ['frappeApiKey', '0site', 'FRAPPE_API_KEY_0SITE'],
    ['biotimePassword', undefined, 'BIOTIME_PASSWORD'],
    ['frappeApiKey', undefined, 'FRAPPE_API_KEY'],
    ['frappeApiSecret', undefined, 'FRAPPE_API_SECRET'],
  ];
  for (const [kind, id, name] of table) {
    it(`${kind} of ${id ?? '(fallback)'} is ${name}`, () => assert.equal(envNameFor(kind, id), name));
  }

  it('prefers the id variable, falls back to the shared one, treats empty as unset', () => {
    const env = { BIOTIME_PASSWORD_HQ: 'own', BIOTIME_PASSWORD: 'shared', BIOTIME_PASSWORD_GATE: '' };
    assert.equal(readSecret(env, 'biotimePassword', 'hq'), 'own');
    assert.equal(readSecret(env, 'biotimePassword', 'other'), 'shared');
    assert.equal(readSecret(env, 'biotimePassword', 'gate'), 'shared');
    assert.equal(readSecret({ BIOTIME_PASSWORD: '' }, 'biotimePassword', 'hq'), undefined);
    assert.equal(readSecret({}, 'frappeApiKey', 'acme'), undefined);
  });

  it('serves the CredentialProvider secrets from the environment', async () => {
    const env = {
      BIOTIME_PASSWORD_HQ_2_A: 'pw-hq2a',
      BIOTIME_PASSWORD: 'pw-any',
      FRAPPE_API_KEY_ACME: 'key-acme',
      FRAPPE_API_SECRET: 'secret-any',
    };
    const creds = new EnvCredentials(env, tempDir());
    assert.equal(await creds.biotimePassword('hq-2.a'), 'pw-hq2a');
    assert.equal(await creds.biotimePassword('hq'), 'pw-any');
    assert.equal(await creds.frappeApiKey('acme'), 'key-acme');
    assert.equal(await creds.frappeApiKey('beta'), undefined);
    assert.equal(await creds.frappeApiSecret('acme'), 'secret-any');
  });
});

describe('cli/envCredentials: missingSecrets', () => {
  it('lists every missing secret of the enabled devices and their sites, by variable name', () => {
    const issues = missingSecrets(twoSiteConfig(), {});
    assert.deepStrictEqual(
      issues.map((i) => i.key),
      [
        'BIOTIME_PASSWORD_HQ',
        'BIOTIME_PASSWORD_GATE_2_A',
        'FRAPPE_API_KEY_ACME',
        'FRAPPE_API_SECRET_ACME',
        'FRAPPE_API_KEY_BETA_HR',
        'FRAPPE_API_SECRET_BETA_HR',
      ],
    );
    assert.match(
      issues[0].message,
      /^not set \(nor BIOTIME_PASSWORD\): the BioTime password of user "api" for device "hq"$/,
    );
    assert.match(issues[2].message, /FRAPPE_API_KEY\b.*site "acme"/);
  });

  it('accepts the fallbacks and lists only what is still missing', () => {
    const env = { BIOTIME_PASSWORD: 'pw', FRAPPE_API_KEY: 'k', FRAPPE_API_SECRET_ACME: 's' };
    assert.deepStrictEqual(
      missingSecrets(twoSiteConfig(), env).map((i) => i.key),
      ['FRAPPE_API_SECRET_BETA_HR'],
    );
  });

  it('checks exactly the devices asked for, enabled or not', () => {
    const issues = missingSecrets(twoSiteConfig(), { FRAPPE_API_KEY: 'k' }, ['old']);
    assert.deepStrictEqual(
      issues.map((i) => i.key),
      ['BIOTIME_PASSWORD_OLD', 'FRAPPE_API_SECRET_UNUSED'],
    );
  });

  it('returns nothing when everything is set', () => {
    const env = { BIOTIME_PASSWORD: 'pw', FRAPPE_API_KEY: 'k', FRAPPE_API_SECRET: 's' };
    assert.deepStrictEqual(missingSecrets(twoSiteConfig(), env), []);
  });
});

describe('cli/envCredentials: tokens', () => {
  it('stores, reads back and removes tokens in <stateDir>/tokens.json', async () => {
    const dir = path.join(tempDir(), 'state', 'nested');
    const creds = new EnvCredentials({}, dir);
    assert.equal(await creds.getToken('hq'), undefined, 'no file yet');
    await creds.setToken('hq', 'tok-hq');
    await creds.setToken('gate', 'tok-gate');
    assert.equal(await creds.getToken('hq'), 'tok-hq');
    assert.equal(await new EnvCredentials({}, dir).getToken('gate'), 'tok-gate', 'persisted for the next process');
    await creds.setToken('hq', undefined);
    assert.equal(await creds.getToken('hq'), undefined);
    assert.deepStrictEqual(JSON.parse(fs.readFileSync(path.join(dir, TOKEN_FILE), 'utf8')), {
      version: 1,
      tokens: { gate: 'tok-gate' },
    });
    await creds.setToken('never-set', undefined);
  });

  it('writes tokens.json with mode 0600 whatever the umask', async function () {
    if (!isPosix) this.skip();
    const dir = tempDir();
    const previous = process.umask(0);
    try {
      await new EnvCredentials({}, dir).setToken('hq', 'tok');
    } finally {
      process.umask(previous);
    }
    assert.equal(modeOf(path.join(dir, TOKEN_FILE)), 0o600);
  });

  it('puts a tokens.json readable by others back to 0600 and says so', async function () {
    if (!isPosix) this.skip();
    const dir = tempDir();
    const file = path.join(dir, TOKEN_FILE);
    fs.writeFileSync(file, JSON.stringify({ version: 1, tokens: { hq: 'tok' } }), { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    const logger = recordingLogger();
    assert.equal(await new EnvCredentials({}, dir, logger).getToken('hq'), 'tok');
    assert.equal(modeOf(file), 0o600);
    assert.match(logger.warnings.join('\n'), /readable by other users \(mode 644\)/);
  });

  it('replaces the file by rename (a new inode), leaving no temporary file behind', async () => {
    const dir = tempDir();
    const file = path.join(dir, TOKEN_FILE);
    const creds = new EnvCredentials({}, dir);
    await creds.setToken('hq', 'one');
    const before = fs.statSync(file).ino;
    await creds.setToken('hq', 'two');
    assert.notEqual(fs.statSync(file).ino, before, 'the old file was replaced, not rewritten in place');
    assert.deepStrictEqual(fs.readdirSync(dir), [TOKEN_FILE]);
  });

  it('serialises concurrent writes: none is lost', async () => {
    const dir = tempDir();
    const creds = new EnvCredentials({}, dir);
    await Promise.all(Array.from({ length: 40 }, (_, i) => creds.setToken(`d${i}`, `t${i}`)));
    const fresh = new EnvCredentials({}, dir);
    for (let i = 0; i < 40; i++) assert.equal(await fresh.getToken(`d${i}`), `t${i}`);
  });

  it('treats a corrupt tokens.json as an empty cache and rewrites it on the next write', async () => {
    const dir = tempDir();
    const file = path.join(dir, TOKEN_FILE);
    fs.writeFileSync(file, '{"version": 1, "tokens": {"hq": "tok', { mode: 0o600 });
    const logger = recordingLogger();
    const creds = new EnvCredentials({}, dir, logger);
    assert.equal(await creds.getToken('hq'), undefined);
    assert.match(logger.warnings.join('\n'), /not valid JSON; ignoring cached tokens/);
    await creds.setToken('hq', 'fresh');
    assert.equal(await new EnvCredentials({}, dir).getToken('hq'), 'fresh');
  });

  it('never logs a token', async () => {
    const dir = tempDir();
    const file = path.join(dir, TOKEN_FILE);
    fs.writeFileSync(file, JSON.stringify({ tokens: { hq: 'SECRET-TOKEN-123' } }), { mode: 0o666 });
    fs.chmodSync(file, 0o666);
    const logger = recordingLogger();
    await new EnvCredentials({}, dir, logger).getToken('hq');
    fs.writeFileSync(file, 'SECRET-TOKEN-123 not json');
    await new EnvCredentials({}, dir, logger).getToken('hq');
    assert.ok(logger.warnings.length >= 1);
    assert.ok(!logger.warnings.join('\n').includes('SECRET-TOKEN-123'));
  });

  it('cleans up its temporary file when the rename fails', async () => {
    const dir = tempDir();
    const target = path.join(dir, TOKEN_FILE);
    fs.mkdirSync(path.join(target, 'occupied'), { recursive: true });
    await assert.rejects(writeFileAtomic(target, '{}', 0o600));
    assert.deepStrictEqual(fs.readdirSync(dir), [TOKEN_FILE]);
    assert.ok(fs.statSync(target).isDirectory(), 'the target is untouched');
  });

  it('leaves the old or the new tokens, never a torn file, when the process is killed mid-write', async function () {
    this.timeout(30000);
    const dir = tempDir();
    const file = path.join(dir, TOKEN_FILE);
    const moduleFile = path.resolve(__dirname, '../../../src/cli/envCredentials.ts');
    const script = `
      const { EnvCredentials } = require(${JSON.stringify(moduleFile)});
      const creds = new EnvCredentials({}, process.env.STATE_DIR);
      const big = 'x'.repeat(500000);
      (async () => {
        for (let n = 0; ; n++) {
          await creds.setToken('hq', 'T' + n + ':' + big);
          if (n === 0) process.stdout.write('ready\\n');
        }
      })();`;
    for (const delayMs of [2, 5, 10, 20, 40, 70, 100, 150]) {
      const child = spawn(process.execPath, ['-r', 'tsx/cjs', '-e', script], {
        cwd: path.resolve(__dirname, '../../..'),
        env: { ...process.env, STATE_DIR: dir },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await new Promise<void>((resolve, reject) => {
        child.once('error', reject);
        child.once('exit', (code) => reject(new Error(`writer exited early with ${code}`)));
        child.stdout.once('data', () => resolve());
      });
      child.removeAllListeners('exit');
      await new Promise((r) => setTimeout(r, delayMs));
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      const token = await new EnvCredentials({}, dir).getToken('hq');
      assert.match(token ?? '', /^T\d+:x{500000}$/, `torn or missing token after a kill at ${delayMs} ms`);
      if (isPosix) assert.equal(modeOf(file), 0o600);
    }
    await new EnvCredentials({}, dir).setToken('hq', 'after');
    assert.deepStrictEqual(fs.readdirSync(dir), [TOKEN_FILE], 'temporary files of the killed writers are swept');
  });
});

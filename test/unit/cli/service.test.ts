// The pieces of the headless service that need no process: readiness rules on a fixed clock, --listen parsing,
// JSON log lines with their run context, and keychain secrets behind the SecretStore port.
import * as assert from 'node:assert/strict';
import { formatLogLine } from '../../../src/cli/consoleLogger';
import { withKeychainSecrets, type SecretStore } from '../../../src/cli/keychain';
import { main } from '../../../src/cli/main';
import { parseListen } from '../../../src/cli/service/serviceServer';
import { readiness, type ReadinessInput } from '../../../src/cli/service/readiness';
import { validateConfig } from '../../../src/core/config';
import { setHintHost } from '../../../src/core/fixHints';
import { withLogContext } from '../../../src/core/logContext';
import type { DeviceStatus } from '../../../src/shared/model';

const NOW = new Date('2026-12-03T10:00:00Z');

function device(over: Partial<DeviceStatus> = {}): ReadinessInput['devices'][number] {
  return {
    deviceId: 'hq',
    name: 'HQ',
    enabled: true,
    health: 'ok',
    lastSyncAt: '2026-12-03T09:55:00.000Z',
    nextRunAt: null,
    cursor: 1,
    watchedGaps: [],
    failedCount: 0,
    consecutiveFailures: 0,
    lastRun: null,
    terminals: [],
    intervalMinutes: 5,
    ...over,
  };
}

const input = (over: Partial<ReadinessInput> = {}): ReadinessInput => ({
  now: NOW,
  startedAt: new Date('2026-12-03T08:00:00Z'),
  lockHeld: true,
  configProblems: [],
  devices: [device()],
  ...over,
});

class MemoryStore implements SecretStore {
  readonly values = new Map<string, string>();
  gets = 0;
  async get(name: string) {
    this.gets++;
    return this.values.get(name);
  }
  async set(name: string, value: string) {
    this.values.set(name, value);
  }
  async delete(name: string) {
    return this.values.delete(name);
  }
  async list() {
    return [...this.values.keys()];
  }
}

describe('cli/service: readiness', () => {
  it('is ready with the lock held and every enabled device within three intervals', () => {
    const r = readiness(input());
    assert.equal(r.ready, true);
    assert.deepEqual(r.devices, [{ device: 'hq', ready: true, reason: 'last success 2026-12-03T09:55:00.000Z' }]);
  });

  it('a device whose last success is older than three intervals holds readiness back, saying why', () => {
    const r = readiness(
      input({
        devices: [
          device({ lastSyncAt: '2026-12-03T09:44:59.000Z', lastError: { code: 'auth', message: 'password refused' } }),
          device({ deviceId: 'off', enabled: false, lastSyncAt: null }),
        ],
      }),
    );
    assert.equal(r.ready, false);
    assert.equal(r.devices[0].ready, false);
    assert.match(r.devices[0].reason, /more than 3 intervals \(15 min\) ago; last error: password refused/);
    assert.equal(r.devices[1].ready, true, 'a disabled device never holds readiness back');
    assert.match(r.checks[2].detail, /1 enabled device\(s\) without a recent success: hq/);
  });

  it('a device that never synced gets three intervals from the start of the process', () => {
    const fresh = device({ lastSyncAt: null });
    assert.equal(readiness(input({ startedAt: new Date('2026-12-03T09:50:00Z'), devices: [fresh] })).ready, true);
    assert.equal(readiness(input({ startedAt: new Date('2026-12-03T09:40:00Z'), devices: [fresh] })).ready, false);
  });

  it('is not ready without the state lock or with configuration problems', () => {
    const r = readiness(input({ lockHeld: false, lockHolder: 'VS Code window (pid 7 on pc)' }));
    assert.equal(r.ready, false);
    assert.match(r.checks[1].detail, /VS Code window \(pid 7 on pc\) syncs this state directory/);
    assert.equal(readiness(input({ configProblems: ['device hq: timeZone …'] })).checks[0].ok, false);
  });
});

describe('cli/service: --listen', () => {
  it('defaults to loopback and takes IPv4, IPv6 and bare ports', () => {
    assert.deepEqual(parseListen('9464'), { host: '127.0.0.1', port: 9464 });
    assert.deepEqual(parseListen(':9464'), { host: '127.0.0.1', port: 9464 });
    assert.deepEqual(parseListen('0.0.0.0:9464'), { host: '0.0.0.0', port: 9464 });
    assert.deepEqual(parseListen('[::1]:9464'), { host: '::1', port: 9464 });
  });
  it('refuses what is not [HOST:]PORT, saying the form', () => {
    for (const bad of ['', 'abc', '1.2.3.4', '127.0.0.1:70000', 'http://x:1'])
      assert.throws(() => parseListen(bad), /--listen takes \[HOST:\]PORT/);
  });
});

describe('cli/service: JSON log lines', () => {
  it('carry time, level, message, and the device and run of the run they were written in', async () => {
    const t = new Date('2026-12-03T10:00:00Z');
    assert.deepEqual(JSON.parse(formatLogLine('json', t, 'warn', 'outside')), {
      time: '2026-12-03T10:00:00.000Z',
      level: 'warn',
      message: 'outside',
    });
    const inside = await withLogContext({ device: 'hq', run: 'r1' }, async () => {
      await Promise.resolve();
      return formatLogLine('json', t, 'info', 'inside');
    });
    assert.deepEqual(JSON.parse(inside), {
      time: '2026-12-03T10:00:00.000Z',
      level: 'info',
      device: 'hq',
      run: 'r1',
      message: 'inside',
    });
    assert.equal(formatLogLine('text', t, 'info', 'x'), '2026-12-03T10:00:00.000Z INFO  x');
  });
});

describe('cli: secrets in the OS keychain (SecretStore port)', () => {
  // main() switches the fix texts to the CLI's wording for the process; other suites expect the default.
  after(() => setHintHost('both'));
  const config = validateConfig({
    sites: [{ id: 'acme', url: 'https://acme.example' }],
    devices: [{ id: 'hq', url: 'https://bt.example', username: 'api', site: 'acme' }],
  });

  it('fills what the environment lacks, id name first, then the shared one; the environment wins', async () => {
    const store = new MemoryStore();
    store.values.set('BIOTIME_PASSWORD_HQ', 'from-keychain');
    store.values.set('FRAPPE_API_KEY', 'shared-key');
    store.values.set('FRAPPE_API_SECRET_ACME', 'kc-secret');
    const m = await withKeychainSecrets(config, { FRAPPE_API_SECRET_ACME: 'env-secret' }, store);
    assert.equal(m.env.BIOTIME_PASSWORD_HQ, 'from-keychain');
    assert.equal(m.env.FRAPPE_API_KEY, 'shared-key');
    assert.equal(m.env.FRAPPE_API_SECRET_ACME, 'env-secret');
    assert.deepEqual(m.fromKeychain.sort(), ['BIOTIME_PASSWORD_HQ', 'FRAPPE_API_KEY']);
  });

  it('does not touch the keychain when the environment has everything', async () => {
    const store = new MemoryStore();
    const env = { BIOTIME_PASSWORD: 'a', FRAPPE_API_KEY: 'b', FRAPPE_API_SECRET: 'c' };
    await withKeychainSecrets(config, env, store);
    assert.equal(store.gets, 0);
  });

  it('an unavailable keychain is reported, not thrown', async () => {
    const broken: SecretStore = {
      get: () => Promise.reject(new Error('The OS keychain is not available here (no Secret Service)')),
      set: () => Promise.reject(new Error('x')),
      delete: () => Promise.reject(new Error('x')),
      list: () => Promise.reject(new Error('x')),
    };
    const m = await withKeychainSecrets(config, {}, broken);
    assert.match(m.unavailable!, /not available here/);
  });

  it('`secrets set|list|delete` store, list names only, and remove; values are never printed', async () => {
    const store = new MemoryStore();
    const out: string[] = [];
    const io = {
      out: (t: string) => out.push(t),
      err: (t: string) => out.push(t),
      env: {},
      secretStore: store,
      readSecret: async () => 's3cret-value',
    };
    assert.equal(await main(['secrets', 'set', 'BIOTIME_PASSWORD_HQ', '--config', '/nonexistent.json'], io), 0);
    assert.equal(store.values.get('BIOTIME_PASSWORD_HQ'), 's3cret-value');
    assert.equal(await main(['secrets', 'list', '--config', '/nonexistent.json'], io), 0);
    assert.match(out.join('\n'), /BIOTIME_PASSWORD_HQ\s+OS keychain/);
    assert.equal(await main(['secrets', 'set', 'PASSWORD', '--config', '/nonexistent.json'], io), 2);
    assert.equal(await main(['secrets', 'delete', 'BIOTIME_PASSWORD_HQ', '--config', '/nonexistent.json'], io), 0);
    assert.equal(await main(['secrets', 'delete', 'BIOTIME_PASSWORD_HQ', '--config', '/nonexistent.json'], io), 1);
    assert.ok(!out.join('\n').includes('s3cret-value'));
  });
});

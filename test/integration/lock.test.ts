import * as assert from 'node:assert';
import { createEngine } from '../../src/app/createEngine';
import { validateConfig } from '../../src/core/config';
import { nullLogger } from '../../src/core/redact';
import type { CredentialProvider } from '../../src/core/ports';
import { SecretStorageCredentials } from '../../src/vscode/adapters/secretStorageCredentials';
import { api, config, freshSandbox, render, setSetting, waitFor } from './helpers';

export function lockTests(): void {
  suite('multi-window lock (the state directory is shared by every window)', () => {
    // Its own configured device, with this window running the syncs, whatever ran before.
    suiteSetup(freshSandbox);
    suiteTeardown(async () => {
      await setSetting('scheduler.enabled', undefined);
    });

    test('a second process on the same state directory follows; it runs when this window stops; this window then follows', async () => {
      const a = await api();
      await waitFor('this window runs the syncs', () => a.host.role === 'runner');
      const credentials: CredentialProvider = new SecretStorageCredentials(a.secrets);
      const other = createEngine({
        config: validateConfig({ sites: config().get('sites'), devices: config().get('devices') }),
        stateDir: a.stateDir,
        credentials,
        logger: nullLogger,
        lockOwner: 'second window (test)',
        schedulerTickMs: 200,
      });
      try {
        // One pass of the second scheduler, awaited: it has tried the lock when this resolves (no sleep and hope).
        await other.scheduler.tick();
        assert.strictEqual(
          other.scheduler.isRunner,
          false,
          'the second one must follow while this window holds the lock',
        );
        other.scheduler.start();

        await setSetting('scheduler.enabled', false);
        await waitFor('the second one takes over', () => other.scheduler.isRunner);
        assert.strictEqual(a.host.role, 'stopped');

        await setSetting('scheduler.enabled', true);
        await waitFor('this window follows', () => a.host.role === 'follower');
        const roots = await render(a.trees.devices);
        assert.ok(
          roots.some((r) => r.label === 'Another window runs the scheduled syncs'),
          JSON.stringify(roots.map((r) => r.label)),
        );
        const deviceId = a.host.state.kind === 'ready' ? a.host.state.config.devices[0].id : '';
        const [refused] = await a.host.requireEngine().runAll();
        assert.strictEqual(refused.error?.code, 'state.locked', `${deviceId}: ${JSON.stringify(refused)}`);
      } finally {
        await other.dispose();
      }
    });
  });
}

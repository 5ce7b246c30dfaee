import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { SecretStorageCredentials, secretKeys } from '../../src/vscode/adapters/secretStorageCredentials';
import { api } from './helpers';

export function secretsTests(): void {
  suite('secrets (SecretStorage round trip)', () => {
    test('store, read through the engine credentials, delete', async () => {
      const a = await api();
      const creds = new SecretStorageCredentials(a.secrets);
      await a.secrets.store(secretKeys.biotimePassword('rt-device'), 'pa55-word!');
      await a.secrets.store(secretKeys.frappeApiKey('rt-site'), 'key-123');
      await a.secrets.store(secretKeys.frappeApiSecret('rt-site'), 'secret-456');
      assert.strictEqual(await creds.biotimePassword('rt-device'), 'pa55-word!');
      assert.strictEqual(await creds.frappeApiKey('rt-site'), 'key-123');
      assert.strictEqual(await creds.frappeApiSecret('rt-site'), 'secret-456');
      await creds.setToken('rt-device', 'tok-789');
      assert.strictEqual(await creds.getToken('rt-device'), 'tok-789');
      await a.secrets.deleteDevice('rt-device');
      await a.secrets.deleteSite('rt-site');
      assert.strictEqual(await creds.biotimePassword('rt-device'), undefined);
      assert.strictEqual(await creds.getToken('rt-device'), undefined);
      assert.strictEqual(await creds.frappeApiSecret('rt-site'), undefined);
    });

    test('overrides (Add Device test) are answered first and never stored', async () => {
      const a = await api();
      const creds = new SecretStorageCredentials(a.secrets).withOverrides(
        new Map([[secretKeys.biotimePassword('ov'), 'typed-in']]),
      );
      assert.strictEqual(await creds.biotimePassword('ov'), 'typed-in');
      await creds.setToken('ov', 'not-kept');
      assert.strictEqual(await a.secrets.get(secretKeys.biotimePassword('ov')), undefined);
      assert.strictEqual(await a.secrets.get(secretKeys.biotimeToken('ov')), undefined);
    });

    test('nothing secret is in the settings', () => {
      const text = JSON.stringify(vscode.workspace.getConfiguration('bioSync'));
      assert.ok(!/pa55-word|secret-456|tok-789/.test(text));
    });
  });
}

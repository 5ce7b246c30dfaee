// Secrets live only in SecretStorage (the OS keychain on desktop), behind keys from a closed union (style rule 12).
// The engine sees them through CredentialProvider; every value read is registered with the Redactor so that it is
// masked if it ever appears in a log line or an error.
import type * as vscode from 'vscode';
import type { CredentialProvider } from '../../core/ports';
import type { Redactor } from '../../core/redact';

export type SecretKey =
  | `bioSync.biotime.password:${string}`
  | `bioSync.biotime.token:${string}`
  | `bioSync.frappe.apiKey:${string}`
  | `bioSync.frappe.apiSecret:${string}`;

export const secretKeys = {
  biotimePassword: (deviceId: string): SecretKey => `bioSync.biotime.password:${deviceId}`,
  biotimeToken: (deviceId: string): SecretKey => `bioSync.biotime.token:${deviceId}`,
  frappeApiKey: (siteId: string): SecretKey => `bioSync.frappe.apiKey:${siteId}`,
  frappeApiSecret: (siteId: string): SecretKey => `bioSync.frappe.apiSecret:${siteId}`,
} as const;

/** Typed wrapper over SecretStorage. */
export class SecretStore {
  constructor(
    private readonly storage: vscode.SecretStorage,
    private readonly redactor?: Redactor,
  ) {}

  async get(key: SecretKey): Promise<string | undefined> {
    const value = (await this.storage.get(key)) || undefined;
    this.redactor?.add(value);
    return value;
  }

  async store(key: SecretKey, value: string): Promise<void> {
    this.redactor?.add(value);
    await this.storage.store(key, value);
  }

  async delete(key: SecretKey): Promise<void> {
    await this.storage.delete(key);
  }

  async has(key: SecretKey): Promise<boolean> {
    return (await this.storage.get(key)) !== undefined;
  }

  /** Removes every secret that belongs to a device (password and cached token). */
  async deleteDevice(deviceId: string): Promise<void> {
    await Promise.all([
      this.delete(secretKeys.biotimePassword(deviceId)),
      this.delete(secretKeys.biotimeToken(deviceId)),
    ]);
  }

  async deleteSite(siteId: string): Promise<void> {
    await Promise.all([this.delete(secretKeys.frappeApiKey(siteId)), this.delete(secretKeys.frappeApiSecret(siteId))]);
  }
}

/**
 * The engine's CredentialProvider backed by SecretStore. `overrides` (Add Device's connection test) are answered
 * first and never stored: the wizard tests the answers before anything is saved.
 */
export class SecretStorageCredentials implements CredentialProvider {
  constructor(
    private readonly secrets: SecretStore,
    private readonly overrides: ReadonlyMap<SecretKey, string> = new Map(),
  ) {}

  withOverrides(overrides: ReadonlyMap<SecretKey, string>): SecretStorageCredentials {
    return new SecretStorageCredentials(this.secrets, new Map([...this.overrides, ...overrides]));
  }

  private read(key: SecretKey): Promise<string | undefined> {
    const o = this.overrides.get(key);
    return o !== undefined ? Promise.resolve(o) : this.secrets.get(key);
  }

  biotimePassword(deviceId: string): Promise<string | undefined> {
    return this.read(secretKeys.biotimePassword(deviceId));
  }

  frappeApiKey(siteId: string): Promise<string | undefined> {
    return this.read(secretKeys.frappeApiKey(siteId));
  }

  frappeApiSecret(siteId: string): Promise<string | undefined> {
    return this.read(secretKeys.frappeApiSecret(siteId));
  }

  getToken(deviceId: string): Promise<string | undefined> {
    // A token cached for other credentials than the ones being tested would hide a wrong password.
    if (this.overrides.size) return Promise.resolve(undefined);
    return this.secrets.get(secretKeys.biotimeToken(deviceId));
  }

  async setToken(deviceId: string, token: string | undefined): Promise<void> {
    if (this.overrides.size) return;
    if (token) await this.secrets.store(secretKeys.biotimeToken(deviceId), token);
    else await this.secrets.delete(secretKeys.biotimeToken(deviceId));
  }
}

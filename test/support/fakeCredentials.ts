// The tests' one CredentialProvider: secrets given up front (and changeable mid-test, e.g. a rotated password),
// BioTime tokens kept in memory. The products' own providers (EnvCredentials,
// SecretStorageCredentials) have their own tests; this one stands in for them everywhere else.
import type { CredentialProvider } from '../../src/core/ports';

export interface FakeSecrets {
  biotimePassword?: string;
  frappeApiKey?: string;
  frappeApiSecret?: string;
}

export class FakeCredentials implements CredentialProvider {
  /** The secrets served for every device and site; undefined is a secret that is not stored. */
  readonly secrets: FakeSecrets;
  readonly tokens = new Map<string, string>();

  constructor(secrets: FakeSecrets = {}) {
    this.secrets = { ...secrets };
  }
  async biotimePassword(): Promise<string | undefined> {
    return this.secrets.biotimePassword;
  }
  async frappeApiKey(): Promise<string | undefined> {
    return this.secrets.frappeApiKey;
  }
  async frappeApiSecret(): Promise<string | undefined> {
    return this.secrets.frappeApiSecret;
  }
  async getToken(deviceId: string): Promise<string | undefined> {
    return this.tokens.get(deviceId);
  }
  async setToken(deviceId: string, token: string | undefined): Promise<void> {
    if (token === undefined) this.tokens.delete(deviceId);
    else this.tokens.set(deviceId, token);
  }
}

// Credentials held in memory: for the built-in sandbox demo and tests. Tokens stay in memory too.
import type { CredentialProvider } from '../core/ports';

export class StaticCredentials implements CredentialProvider {
  private readonly tokens = new Map<string, string>();
  constructor(private readonly s: { biotimePassword?: string; frappeApiKey?: string; frappeApiSecret?: string }) {}
  async biotimePassword(): Promise<string | undefined> {
    return this.s.biotimePassword;
  }
  async frappeApiKey(): Promise<string | undefined> {
    return this.s.frappeApiKey;
  }
  async frappeApiSecret(): Promise<string | undefined> {
    return this.s.frappeApiSecret;
  }
  async getToken(deviceId: string): Promise<string | undefined> {
    return this.tokens.get(deviceId);
  }
  async setToken(deviceId: string, token: string | undefined): Promise<void> {
    if (token) this.tokens.set(deviceId, token);
    else this.tokens.delete(deviceId);
  }
}

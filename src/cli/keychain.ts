// CLI secrets in the OS keychain (the Secret Service on Linux desktops and servers that run one, the macOS
// Keychain, the Windows Credential Manager), through @napi-rs/keyring, which ships its prebuilt binary inside its
// npm package. Entries are stored under the service "biotime-sync" with the environment variable's name as the
// account (BIOTIME_PASSWORD_HQ …), so one naming scheme serves both sources and the environment always wins.
// The binding is loaded only when a secret is looked up, so a machine without it still runs from the environment.
import type * as Keyring from '@napi-rs/keyring';
import type { SyncConfig } from '../core/configTypes';
import { errorMessage } from '../core/errors';
import { envNameFor, readSecret, type Env, type SecretKind } from './envCredentials';

export const KEYCHAIN_SERVICE = 'biotime-sync';

export interface SecretStore {
  get(name: string): Promise<string | undefined>;
  set(name: string, value: string): Promise<void>;
  delete(name: string): Promise<boolean>;
  /** Names only: values are never listed. */
  list(): Promise<string[]>;
}

/** The keychain could not be used; `message` says why and what to do instead. */
export class KeychainUnavailableError extends Error {
  constructor(detail: string) {
    super(
      `The OS keychain is not available here (${detail}). On a server without a Secret Service (gnome-keyring or ` +
        `KeePassXC in a D-Bus session), set the secrets as environment variables instead — ` +
        `see \`biotime-sync help\` for their names.`,
    );
    this.name = 'KeychainUnavailableError';
  }
}

type KeyringModule = typeof Keyring;

function load(): KeyringModule {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('@napi-rs/keyring') as KeyringModule;
  } catch (e) {
    throw new KeychainUnavailableError(`the keyring binding could not be loaded: ${errorMessage(e)}`);
  }
}

const unavailable = (e: unknown) => new KeychainUnavailableError(errorMessage(e) || String(e));

export function osKeychain(service = KEYCHAIN_SERVICE): SecretStore {
  return {
    async get(name) {
      const k = load();
      try {
        return (await new k.AsyncEntry(service, name).getPassword()) ?? undefined;
      } catch (e) {
        throw unavailable(e);
      }
    },
    async set(name, value) {
      const k = load();
      try {
        await new k.AsyncEntry(service, name).setPassword(value);
      } catch (e) {
        throw unavailable(e);
      }
    },
    async delete(name) {
      const k = load();
      try {
        return await new k.AsyncEntry(service, name).deletePassword();
      } catch (e) {
        throw unavailable(e);
      }
    },
    async list() {
      const k = load();
      try {
        return (await k.findCredentialsAsync(service)).map((c) => c.account).sort();
      } catch (e) {
        throw unavailable(e);
      }
    },
  };
}

/** The secret names a configuration can use: per device and site, and the shared fallbacks. */
export function secretNames(config: SyncConfig): string[] {
  const kinds: [SecretKind, string[]][] = [
    ['biotimePassword', config.devices.map((d) => d.id)],
    ['frappeApiKey', config.sites.map((s) => s.id)],
    ['frappeApiSecret', config.sites.map((s) => s.id)],
  ];
  return kinds.flatMap(([kind, ids]) => [...ids.map((id) => envNameFor(kind, id)), envNameFor(kind)]);
}

export interface KeychainMerge {
  env: Env;
  /** Names found in the keychain (never values). */
  fromKeychain: string[];
  /** Set when the keychain was needed but could not be read. */
  unavailable?: string;
}

/**
 * The environment, completed from the keychain for every secret of the configuration that no variable sets (the
 * id's own name first, then the shared fallback, exactly like the environment). The keychain is not touched when
 * the environment already has everything.
 */
export async function withKeychainSecrets(config: SyncConfig, env: Env, store: SecretStore): Promise<KeychainMerge> {
  const needs: [SecretKind, string][] = [
    ...config.devices.map((d) => ['biotimePassword', d.id] as [SecretKind, string]),
    ...config.sites.flatMap((s) => [
      ['frappeApiKey', s.id] as [SecretKind, string],
      ['frappeApiSecret', s.id] as [SecretKind, string],
    ]),
  ].filter(([kind, id]) => readSecret(env, kind, id) === undefined);
  if (!needs.length) return { env, fromKeychain: [] };
  const merged: Record<string, string | undefined> = { ...env };
  const fromKeychain: string[] = [];
  try {
    for (const [kind, id] of needs) {
      for (const name of [envNameFor(kind, id), envNameFor(kind)]) {
        if (merged[name]) break;
        const value = await store.get(name);
        if (value) {
          merged[name] = value;
          fromKeychain.push(name);
          break;
        }
      }
    }
    // The binding answers "no entry" when it cannot reach a Secret Service at all: when something is still
    // missing, ask for the list, which does fail there, so the operator hears the keychain is not available.
    if (fromKeychain.length < needs.length) await store.list();
  } catch (e) {
    return { env, fromKeychain: [], unavailable: errorMessage(e) };
  }
  return { env: merged, fromKeychain };
}

// `biotime-sync secrets set|delete|list`: the CLI's secrets in the OS keychain. Values are read from standard
// input (without echo on a terminal) and never printed; `list` shows names and where each would come from.
import type { SyncConfig } from '../core/configTypes';
import { KeychainUnavailableError, secretNames, type SecretStore } from './keychain';
import type { CliIo } from './main';

const NAME = /^(BIOTIME_PASSWORD|FRAPPE_API_KEY|FRAPPE_API_SECRET)(_[A-Z0-9_]+)?$/;

export interface SecretsIo extends CliIo {
  secretStore: SecretStore;
  /** The secret typed or piped in (one line, without its line break). */
  readSecret(prompt: string): Promise<string>;
}

export async function runSecrets(
  action: string,
  name: string | undefined,
  config: SyncConfig | undefined,
  io: SecretsIo,
): Promise<number> {
  try {
    if (action === 'list') return await list(config, io);
    if (!name || !NAME.test(name)) {
      io.err(
        `'${name ?? ''}' is not a secret name: use BIOTIME_PASSWORD_<DEVICE>, FRAPPE_API_KEY_<SITE> or ` +
          `FRAPPE_API_SECRET_<SITE> (ids upper-cased, other characters as _), or the shared BIOTIME_PASSWORD, ` +
          `FRAPPE_API_KEY, FRAPPE_API_SECRET.`,
      );
      return 2;
    }
    if (config && !secretNames(config).includes(name))
      io.err(`Note: no device or site of the configuration uses ${name}; stored anyway.`);
    if (action === 'delete') {
      const removed = await io.secretStore.delete(name);
      io.out(
        removed ? `Removed ${name} from the OS keychain.` : `${name} was not in the OS keychain; nothing removed.`,
      );
      return removed ? 0 : 1;
    }
    const value = await io.readSecret(`Value of ${name} (not shown): `);
    if (!value) {
      io.err(`No value was given for ${name}; nothing stored.`);
      return 2;
    }
    await io.secretStore.set(name, value);
    const shadowed = io.env[name] ? ` (the environment variable ${name} is set too, and wins)` : '';
    io.out(`Stored ${name} in the OS keychain${shadowed}.`);
    return 0;
  } catch (e) {
    if (!(e instanceof KeychainUnavailableError)) throw e;
    io.err(e.message);
    return 1;
  }
}

async function list(config: SyncConfig | undefined, io: SecretsIo): Promise<number> {
  const stored = new Set(await io.secretStore.list());
  const names = config ? secretNames(config) : [...stored];
  const rows = [...new Set([...names, ...stored])].sort().map((n) => {
    const source = io.env[n] ? 'environment' : stored.has(n) ? 'OS keychain' : '-';
    return `  ${n.padEnd(36)} ${source}${config && !names.includes(n) ? ' (not used by the configuration)' : ''}`;
  });
  io.out(rows.length ? `Secret${' '.repeat(33)}source\n${rows.join('\n')}` : 'No secrets in the OS keychain.');
  return 0;
}

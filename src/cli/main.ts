// Entry point of the `biotime-sync` CLI: parses arguments, loads and validates the configuration (reporting every
// problem before anything is contacted), wires the engine with env credentials, file state and a stderr logger.
import * as fs from 'node:fs';
import { createEngine, type EngineHandle } from '../app/createEngine';
import { parseConfigText } from '../core/config';
import type { SyncConfig } from '../core/configTypes';
import { ConfigError, SyncError } from '../core/errors';
import { Redactor } from '../core/redact';
import { parseCli, UsageError, USAGE, type CliArgs } from './args';
import { commands } from './commands';
import { consoleLogger } from './consoleLogger';
import { EnvCredentials, missingSecrets } from './envCredentials';
import { ProgressLine } from './progress';
import { osKeychain, withKeychainSecrets, type SecretStore } from './keychain';
import { runDemo, runSandbox } from './sandboxCommands';
import { readSecretFromStdin } from './secretInput';
import { runSecrets } from './secretsCommand';
import { processStdio } from './stdio';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  /** Where secrets no environment variable sets are looked up (default: the OS keychain). */
  secretStore?: SecretStore;
  /** Reads a secret for `secrets set` (default: standard input, without echo on a terminal). */
  readSecret?: (prompt: string) => Promise<string>;
}

const NEEDS_SECRETS = new Set(['run', 'watch', 'rerun']);

export async function main(argv: string[], io: CliIo): Promise<number> {
  let args: CliArgs;
  try {
    args = parseCli(argv, io.env);
  } catch (e) {
    io.err(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.command === 'help') return (io.out(USAGE), 0);
  if (args.command === 'sandbox') return runSandbox(args, io);
  if (args.command === 'demo') return runDemo(io);
  const secretStore = io.secretStore ?? osKeychain();
  if (args.command === 'secrets') return secretsCommand(args, io, secretStore);
  let config: SyncConfig;
  let env: NodeJS.ProcessEnv = io.env;
  try {
    config = loadConfig(args.config);
    if (NEEDS_SECRETS.has(args.command)) {
      const merged = await withKeychainSecrets(config, io.env, secretStore);
      env = merged.env;
      const missing = missingSecrets(config, env);
      if (missing.length)
        throw new ConfigError(
          missing,
          'environment',
          merged.unavailable
            ? merged.unavailable
            : 'Set them as environment variables, or store them with `biotime-sync secrets set NAME`.',
        );
    }
  } catch (e) {
    if (e instanceof ConfigError) return (io.err(e.message + (e.hint ? `\n${e.hint}` : '')), 2);
    throw e;
  }
  const redactor = new Redactor();
  const progress = new ProgressLine();
  const logger = consoleLogger({
    level: args.verbose ? 'debug' : args.quiet ? 'warn' : 'info',
    format: args.logFormat,
    beforeWrite: () => progress.clear(),
    write: (l) => io.err(l),
  });
  const handle: EngineHandle = createEngine({
    config,
    stateDir: args.stateDir,
    credentials: new EnvCredentials(env, args.stateDir),
    logger,
    redactor,
    lockOwner: `CLI ${args.command}`,
  });
  const sub = handle.engine.onEvent((e) => progress.on(e));
  try {
    return await commands[args.command](handle, args, {
      ...io,
      out: (t) => (progress.clear(), io.out(redactor.redact(t))),
    });
  } catch (e) {
    // Typed engine errors are translated here, at the edge: message and what to do, never a stack trace.
    if (e instanceof UsageError) return (progress.clear(), io.err(e.message), 2);
    if (!(e instanceof SyncError)) throw e;
    progress.clear();
    io.err(redactor.redact(`${e.message}${e.hint ? `\n${e.hint}` : ''}`));
    return e instanceof ConfigError ? 2 : 1;
  } finally {
    progress.clear();
    sub.dispose();
    await handle.dispose();
  }
}

async function secretsCommand(args: CliArgs, io: CliIo, secretStore: SecretStore): Promise<number> {
  let config: SyncConfig | undefined;
  try {
    config = loadConfig(args.config);
  } catch {
    config = undefined; // names are checked against the configuration only when there is one
  }
  return runSecrets(args.positional[0], args.positional[1], config, {
    ...io,
    secretStore,
    readSecret: io.readSecret ?? readSecretFromStdin,
  });
}

function loadConfig(file: string): SyncConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError([
      {
        key: '(file)',
        message:
          code === 'ENOENT'
            ? `${file} does not exist (pass --config FILE, or run \`biotime-sync sandbox --write-config ${file}\` to start from the demo)`
            : `cannot read ${file}: ${(e as Error).message}`,
      },
    ]);
  }
  return parseConfigText(text, file);
}

if (require.main === module) {
  const stdio = processStdio();
  main(process.argv.slice(2), stdio.io).then(
    (code) => stdio.exit(code),
    (e) => {
      stdio.io.err(`Unexpected error: ${(e as Error)?.stack ?? e}`);
      return stdio.exit(1);
    },
  );
}

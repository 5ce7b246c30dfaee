// Entry point of the `biotime-sync` CLI: parses arguments, loads and validates the configuration (reporting every
// problem before anything is contacted), wires the engine with env credentials, file state and a stderr logger.
import * as fs from 'node:fs';
import { createEngine, type EngineHandle } from '../app/createEngine';
import {
  checkConfigText,
  formatConfigProblem,
  stopDevices,
  type ConfigCheck,
  type ConfigProblem,
} from '../core/configCheck';
import type { SyncConfig } from '../core/configTypes';
import { ConfigError, errorMessage, SyncError, UnknownDeviceError } from '../core/errors';
import { setHintHost } from '../core/fixHints';
import { Redactor } from '../core/redact';
import { version } from '../../package.json';
import { helpText, parseCli, UsageError, USAGE, type CliArgs } from './args';
import { commands } from './commands';
import { consoleLogger } from './consoleLogger';
import { EnvCredentials, missingSecrets } from './envCredentials';
import { osKeychain, withKeychainSecrets, type SecretStore } from './keychain';
import { ProgressLine } from './progress';
import { runDemo, runSandbox } from './sandboxCommands';
import { readSecretFromStdin } from './secretInput';
import { runSecrets } from './secretsCommand';
import { processStdio } from './stdio';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  /** Problems of the configuration (set by main for the commands; `status --json` reports them). */
  configProblems?: ConfigProblem[];
  /** Where secrets no environment variable sets are looked up (default: the OS keychain). */
  secretStore?: SecretStore;
  /** Reads a secret for `secrets set` (default: standard input, without echo on a terminal). */
  readSecret?: (prompt: string) => Promise<string>;
}

const NEEDS_SECRETS = new Set(['run', 'watch', 'rerun']);

export async function main(argv: string[], io: CliIo): Promise<number> {
  // Fix texts name the CLI's way (environment variables, `biotime-sync …` commands), not the extension's palette.
  setHintHost('cli');
  let args: CliArgs;
  try {
    args = parseCli(argv, io.env);
  } catch (e) {
    io.err(`${errorMessage(e)}\n\n${USAGE}`);
    return 2;
  }
  if (args.command === 'help') return (io.out(helpText(args)), 0);
  if (args.command === 'version') return (io.out(`biotime-sync ${version}`), 0);
  if (args.command === 'sandbox') return runSandbox(args, io);
  if (args.command === 'demo') return runDemo(io);
  const secretStore = io.secretStore ?? osKeychain();
  if (args.command === 'secrets') return secretsCommand(args, io, secretStore);
  let check: ConfigCheck;
  try {
    check = loadConfig(args.config);
  } catch (e) {
    if (e instanceof ConfigError) return (io.err(e.message + (e.hint ? `\n${e.hint}` : '')), 2);
    throw e;
  }
  let env: NodeJS.ProcessEnv = io.env;
  if (NEEDS_SECRETS.has(args.command)) {
    // A secret no environment variable sets comes from the OS keychain (`biotime-sync secrets set NAME`).
    const merged = await withKeychainSecrets(check.config, io.env, secretStore);
    env = merged.env;
    check = stopWithoutSecrets(check, env, args.device);
    if (check.problems.some((p) => p.key.startsWith('BIOTIME_') || p.key.startsWith('FRAPPE_')))
      io.err(
        merged.unavailable ??
          'Set the missing secrets as environment variables, or store them with `biotime-sync secrets set NAME`.',
      );
  }
  // A problem stops only what it concerns: the other devices run. Exit 2 only when nothing can run.
  if (check.problems.length) io.err(problemReport(check, args.config));
  if (check.problems.some((p) => p.scope === 'all')) return 2;
  if (args.device && check.stopped.includes(args.device)) {
    io.err(`Device ${args.device} cannot run until the problems above are fixed; nothing was contacted.`);
    return 2;
  }
  const runsDevices = ['run', 'watch'].includes(args.command) && !args.device;
  if (runsDevices && check.stopped.length && !check.devices.some((d) => d.enabled)) {
    io.err('No device can run; nothing was contacted.');
    return 2;
  }
  const config = check.config;
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
    const code = await commands[args.command](handle, args, {
      ...io,
      configProblems: check.problems,
      out: (t) => (progress.clear(), io.out(redactor.redact(t))),
    });
    // Devices stopped by a configuration problem did not run: that is a device run that did not complete.
    return code === 0 && runsDevices && check.stopped.length ? 1 : code;
  } catch (e) {
    // Typed engine errors are translated here, at the edge: message and what to do, never a stack trace.
    if (e instanceof UsageError) return (progress.clear(), io.err(e.message), 2);
    if (!(e instanceof SyncError)) throw e;
    progress.clear();
    io.err(redactor.redact(`${e.message}${e.hint ? `\n${e.hint}` : ''}`));
    return e instanceof ConfigError || e instanceof UnknownDeviceError ? 2 : 1;
  } finally {
    progress.clear();
    sub.dispose();
    await handle.dispose();
  }
}

/** The problems, one line each, named by device (or site) and key. */
function problemReport(check: ConfigCheck, file: string): string {
  const lines = check.problems.map((p) => `  - ${formatConfigProblem(p)}`);
  // A hostile file may list thousands of entries: name the first ones, count the rest.
  const shown = check.stopped.slice(0, 20).join(', ');
  const more = check.stopped.length > 20 ? ` and ${check.stopped.length - 20} more` : '';
  const stopped = check.stopped.length
    ? `These devices do not run until fixed: ${shown}${more}.`
    : 'No device is stopped by them.';
  return `Configuration problems in ${file}:\n${lines.join('\n')}\n${stopped}`;
}

/** Devices whose secrets the environment lacks are stopped like devices with a configuration problem. */
function stopWithoutSecrets(check: ConfigCheck, env: NodeJS.ProcessEnv, only?: string): ConfigCheck {
  const problems: ConfigProblem[] = [];
  for (const d of check.devices) {
    if (only ? d.id !== only : !d.enabled) continue;
    for (const m of missingSecrets(check.config, env, [d.id]))
      problems.push({
        deviceId: d.id,
        deviceName: d.name,
        siteId: d.site,
        key: m.key,
        message: m.message,
        path: m.key,
        scope: 'device',
        stops: [d.id],
      });
  }
  return stopDevices(check, problems);
}

async function secretsCommand(args: CliArgs, io: CliIo, secretStore: SecretStore): Promise<number> {
  let config: SyncConfig | undefined;
  try {
    config = loadConfig(args.config).config;
  } catch {
    config = undefined; // names are checked against the configuration only when there is one
  }
  return runSecrets(args.positional[0], args.positional[1], config, {
    ...io,
    secretStore,
    readSecret: io.readSecret ?? readSecretFromStdin,
  });
}

function loadConfig(file: string): ConfigCheck {
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
            : `cannot read ${file}: ${errorMessage(e)}`,
      },
    ]);
  }
  return checkConfigText(text, file);
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

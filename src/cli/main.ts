// Entry point of the `biotime-sync` CLI: parses arguments, loads and validates the configuration (reporting every
// problem before anything is contacted), wires the engine with env credentials, file state and a stderr logger.
import * as fs from 'node:fs';
import { createEngine, type EngineHandle } from '../app/createEngine';
import { parseConfigText } from '../core/config';
import type { SyncConfig } from '../core/configTypes';
import { ConfigError, SyncError } from '../core/errors';
import { Redactor } from '../core/redact';
import { parseCli, USAGE, type CliArgs } from './args';
import { commands } from './commands';
import { consoleLogger } from './consoleLogger';
import { EnvCredentials, missingSecrets } from './envCredentials';
import { ProgressLine } from './progress';
import { runDemo, runSandbox } from './sandboxCommands';
import { processStdio } from './stdio';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
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
  let config: SyncConfig;
  try {
    config = loadConfig(args.config);
    if (NEEDS_SECRETS.has(args.command)) {
      const missing = missingSecrets(config, io.env);
      if (missing.length) throw new ConfigError(missing, 'environment');
    }
  } catch (e) {
    if (e instanceof ConfigError) return (io.err(e.message + (e.hint ? `\n${e.hint}` : '')), 2);
    throw e;
  }
  const redactor = new Redactor();
  const progress = new ProgressLine();
  const logger = consoleLogger({
    level: args.verbose ? 'debug' : args.quiet ? 'warn' : 'info',
    beforeWrite: () => progress.clear(),
    write: (l) => io.err(l),
  });
  const handle: EngineHandle = createEngine({
    config,
    stateDir: args.stateDir,
    credentials: new EnvCredentials(io.env, args.stateDir),
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

// Command-line parsing for `biotime-sync`. Usage errors exit with code 2, like configuration errors.
import { parseArgs } from 'node:util';

export const COMMANDS = [
  'run',
  'watch',
  'status',
  'failed',
  'rerun',
  'dismiss',
  'doctor',
  'show-run',
  'reset-cursor',
  'sandbox',
  'demo',
  'help',
] as const;
export type Command = (typeof COMMANDS)[number];

export interface CliArgs {
  command: Command;
  config: string;
  stateDir: string;
  device?: string;
  punch: string[];
  run?: string;
  /** rerun: move failed punches of the device's former site to this one (its current site) first. */
  toSite?: string;
  dryRun: boolean;
  json: boolean;
  verbose: boolean;
  quiet: boolean;
  writeConfig?: string;
  positional: string[];
}

export class UsageError extends Error {}

export const USAGE = `Usage: biotime-sync <command> [options]

Commands:
  run [--device ID] [--dry-run] [--json]   Sync now, whatever the schedule
  watch                                    Run the scheduler until SIGINT/SIGTERM
  status [--json]                          Devices, cursors, last runs, failed counts, terminals
  failed [--device ID] [--json]            Failed punches with their reasons
  rerun [--device ID] [--punch ID ...] [--run RUN_ID] [--to-site SITE] [--json]
                                           Reprocess failed punches against the current Frappe state;
                                           --to-site moves those of a device's former site to SITE first
  dismiss --device ID --punch ID ...       Drop failed punches the operator has dealt with
  show-run RUN_ID [--json]                 The punch-to-checkin mapping of a run
  doctor [--device ID] [--json]            Preflight checks, each with what to fix
  reset-cursor --device ID                 Read every transaction again (after a BioTime database restore)
  sandbox [--write-config FILE]            Start the simulated BioTime and Frappe HR servers with demo data
  demo                                     Start the sandbox, sync, and print what happened

Options:
  --config FILE      Configuration file (default: $BIOTIME_SYNC_CONFIG or ./biotime-sync.json)
  --state-dir DIR    State directory (default: $BIOTIME_SYNC_STATE_DIR or ./.biotime-sync)
  --verbose          Debug logging on stderr
  --quiet            Warnings and errors only

Secrets come from the environment: BIOTIME_PASSWORD_<DEVICE>, FRAPPE_API_KEY_<SITE>, FRAPPE_API_SECRET_<SITE>
(ids upper-cased, other characters as _), with BIOTIME_PASSWORD, FRAPPE_API_KEY, FRAPPE_API_SECRET as fallbacks.
Exit codes: 0 every device run completed (failed punches do not fail a run), 1 a device run failed,
2 bad configuration or usage, 3 standard output was closed before everything was written.`;

export function parseCli(argv: string[], env: NodeJS.ProcessEnv): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string' },
        'state-dir': { type: 'string' },
        device: { type: 'string' },
        punch: { type: 'string', multiple: true },
        run: { type: 'string' },
        'to-site': { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        'write-config': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const [cmd, ...positional] = parsed.positionals;
  const command = (parsed.values.help ? 'help' : (cmd ?? 'help')) as Command;
  if (!COMMANDS.includes(command)) throw new UsageError(`Unknown command '${cmd}'.`);
  const v = parsed.values;
  const punch = (v.punch ?? [])
    .flatMap((p) => p.split(','))
    .map((p) => p.trim())
    .filter(Boolean);
  if (command === 'dismiss' && (!v.device || !punch.length))
    throw new UsageError('dismiss needs --device ID and at least one --punch ID.');
  if (v['to-site'] !== undefined && (command !== 'rerun' || !v.device))
    throw new UsageError('--to-site goes with rerun --device ID (the device whose failed punches move).');
  if (command === 'reset-cursor' && !v.device) throw new UsageError('reset-cursor needs --device ID.');
  if (command === 'show-run' && !positional[0])
    throw new UsageError('show-run needs a run id (see `biotime-sync status`).');
  return {
    command,
    config: v.config ?? env.BIOTIME_SYNC_CONFIG ?? 'biotime-sync.json',
    stateDir: v['state-dir'] ?? env.BIOTIME_SYNC_STATE_DIR ?? '.biotime-sync',
    device: v.device,
    punch,
    run: v.run,
    toSite: v['to-site'],
    dryRun: !!v['dry-run'],
    json: !!v.json,
    verbose: !!v.verbose,
    quiet: !!v.quiet,
    writeConfig: v['write-config'],
    positional,
  };
}

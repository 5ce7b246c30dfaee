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
  'version',
] as const;
export type Command = (typeof COMMANDS)[number];

export interface CliArgs {
  command: Command;
  config: string;
  stateDir: string;
  device?: string;
  punch: string[];
  run?: string;
  dryRun: boolean;
  json: boolean;
  verbose: boolean;
  quiet: boolean;
  writeConfig?: string;
  positional: string[];
  /** `help` and `--help`: the command help is asked for (undefined: the overview). */
  helpFor?: Command;
}

export class UsageError extends Error {}

export const USAGE = `Usage: biotime-sync <command> [options]

Commands:
  run [--device ID] [--dry-run] [--json]   Sync now, whatever the schedule
  watch                                    Run the scheduler until SIGINT/SIGTERM
  status [--json]                          Devices, cursors, last runs (with their ids), failed counts, terminals
  failed [--device ID] [--json]            Failed punches with their reasons
  rerun [--device ID] [--punch ID ...] [--run RUN_ID] [--json]
                                           Reprocess failed punches against the current Frappe state
  dismiss --device ID --punch ID ... [--json]
                                           Drop failed punches the operator has dealt with (recorded as dismissed)
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
Run \`biotime-sync <command> --help\` for a command's options, \`biotime-sync --version\` for the version.
Times in human output are in this computer's local time zone (TZ) with the offset shown; --json keeps UTC ISO.
Exit codes: 0 every device run completed (failed punches do not fail a run), 1 a device run failed or a device
could not run (a configuration problem or a missing secret stops only that device), 2 bad configuration or usage
(an unknown device, or nothing could run).`;

const COMMON = `Common options: --config FILE, --state-dir DIR, --verbose, --quiet (see \`biotime-sync --help\`).`;

/** Per-command help: what it does, its options, and its exit codes. */
export const COMMAND_HELP: Record<Command, string> = {
  run: `Usage: biotime-sync run [--device ID] [--dry-run] [--json]

Syncs now, whatever the schedule: every enabled device, or only --device ID.
  --device ID   Only this device (exit 2 when no such device is configured)
  --dry-run     Read BioTime and look up Frappe, write nothing; prints the plan (what the run would do per punch)
  --json        Machine output (summaries, and the planned outcomes with --dry-run)
Exit codes: 0 completed, 1 a device run failed or a device could not run, 2 bad configuration or usage.`,
  watch: `Usage: biotime-sync watch

Runs the scheduler (each device every intervalMinutes) until SIGINT/SIGTERM; a first signal finishes the runs in
flight, a second abandons them safely. Devices with a configuration problem are reported and do not run.`,
  status: `Usage: biotime-sync status [--json]

Per device: state, last sync, next run, cursor, failed punches, offline terminals, and the last run with its id
(for \`biotime-sync show-run RUN_ID\`). Times are local (see \`biotime-sync --help\`).`,
  failed: `Usage: biotime-sync failed [--device ID] [--json]

Failed punches with their reasons; they are kept until a rerun succeeds or they are dismissed.`,
  rerun: `Usage: biotime-sync rerun [--device ID] [--punch ID ...] [--run RUN_ID] [--json]

Reprocesses failed punches against the current Frappe state (never creates a duplicate).
  --device ID   Only this device's failed punches
  --punch ID    Only these punches (repeat, or separate with commas)
  --run RUN_ID  Only the failed punches of this run
Exit codes: 0 rerun completed, 1 a rerun failed or a --punch was not a failed punch, 2 an unknown or removed device.`,
  dismiss: `Usage: biotime-sync dismiss --device ID --punch ID ... [--json]

Drops failed punches the operator has dealt with: they are never retried and no checkin is created for them; they
are recorded as dismissed (not resolved). Says which were dismissed and which ids were not failed punches.
Exit codes: 0 every id was dismissed, 1 an id was not a failed punch of the device, 2 no such device.`,
  doctor: `Usage: biotime-sync doctor [--device ID] [--json]

Preflight checks (configuration, secrets, both servers, clocks, permissions), each with what to fix.
Exit codes: 0 nothing failed, 1 a check failed, 2 bad configuration or usage.`,
  'show-run': `Usage: biotime-sync show-run RUN_ID [--json]

The punch-to-checkin mapping of a run. Run ids are listed by \`biotime-sync status\` (last run per device).`,
  'reset-cursor': `Usage: biotime-sync reset-cursor --device ID

Forgets the device's cursor: the next run reads every transaction again (after a BioTime database restore);
existing checkins are recognised as duplicates.`,
  sandbox: `Usage: biotime-sync sandbox [--write-config FILE]

Starts the simulated BioTime and Frappe HR servers with demo data until Ctrl+C; --write-config writes a
configuration file for them.`,
  demo: `Usage: biotime-sync demo

Starts the sandbox, syncs, and prints what happened.`,
  help: `Usage: biotime-sync help [COMMAND]

The overview, or one command's help.`,
  version: `Usage: biotime-sync --version

Prints the version.`,
};

export function helpText(a: CliArgs): string {
  return `${a.helpFor ? COMMAND_HELP[a.helpFor] : USAGE}${a.helpFor && a.helpFor !== 'help' && a.helpFor !== 'version' ? `\n\n${COMMON}` : ''}`;
}

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
        'dry-run': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        'write-config': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'V', default: false },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const [cmd, ...positional] = parsed.positionals;
  const v = parsed.values;
  if (cmd !== undefined && !(COMMANDS as readonly string[]).includes(cmd))
    throw new UsageError(`Unknown command '${cmd}'.`);
  // `run --help`, `help run`: the command's help; `--help` alone: the overview.
  const helpTopic = cmd === 'help' ? positional[0] : v.help ? cmd : undefined;
  if (helpTopic !== undefined && !(COMMANDS as readonly string[]).includes(helpTopic))
    throw new UsageError(`Unknown command '${helpTopic}'.`);
  const command = (v.version ? 'version' : v.help ? 'help' : (cmd ?? 'help')) as Command;
  const punch = (v.punch ?? [])
    .flatMap((p) => p.split(','))
    .map((p) => p.trim())
    .filter(Boolean);
  if (command === 'dismiss' && (!v.device || !punch.length))
    throw new UsageError('dismiss needs --device ID and at least one --punch ID.');
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
    dryRun: !!v['dry-run'],
    json: !!v.json,
    verbose: !!v.verbose,
    quiet: !!v.quiet,
    writeConfig: v['write-config'],
    positional,
    ...(helpTopic ? { helpFor: helpTopic as Command } : {}),
  };
}

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
  'secrets',
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
  dryRun: boolean;
  json: boolean;
  verbose: boolean;
  quiet: boolean;
  writeConfig?: string;
  /** watch: serve /metrics, /healthz and /readyz here (`[HOST:]PORT`, loopback by default). */
  listen?: string;
  logFormat: 'text' | 'json';
  /** `sandbox --real-site`: the simulated Frappe seeded like the recorded real v15 site (issue 11). */
  realSite: boolean;
  /** `sandbox --frappe-version 15|16`. */
  frappeVersion: 15 | 16;
  positional: string[];
}

export class UsageError extends Error {}

export const USAGE = `Usage: biotime-sync <command> [options]

Commands:
  run [--device ID] [--dry-run] [--json]   Sync now, whatever the schedule
  watch [--listen [HOST:]PORT]             Run the scheduler until SIGINT/SIGTERM; with --listen, serve
                                           /metrics (Prometheus), /healthz and /readyz (host: 127.0.0.1)
  status [--json]                          Devices, cursors, last runs, failed counts, terminals
  failed [--device ID] [--json]            Failed punches with their reasons
  rerun [--device ID] [--punch ID ...] [--run RUN_ID] [--json]
                                           Reprocess failed punches against the current Frappe state
  dismiss --device ID --punch ID ...       Drop failed punches the operator has dealt with
  show-run RUN_ID [--json]                 The punch-to-checkin mapping of a run
  doctor [--device ID] [--json]            Preflight checks, each with what to fix
  reset-cursor --device ID                 Read every transaction again (after a BioTime database restore)
  secrets set|delete|list [NAME]           Keep the secrets in the OS keychain instead of the environment
                                           (NAME: an environment variable name below; set reads standard input)
  sandbox [--write-config FILE] [--real-site] [--frappe-version 15|16]
                                           Start the simulated BioTime and Frappe HR servers with demo data
                                           (--real-site: Frappe seeded like a real HR site, with an HR Manager
                                           and an Employee-only API user)
  demo                                     Start the sandbox, sync, and print what happened

Options:
  --config FILE      Configuration file (default: $BIOTIME_SYNC_CONFIG or ./biotime-sync.json)
  --state-dir DIR    State directory (default: $BIOTIME_SYNC_STATE_DIR or ./.biotime-sync)
  --verbose          Debug logging on stderr
  --quiet            Warnings and errors only
  --log-format F     text (default) or json: one JSON object per log line on stderr

Secrets come from the environment: BIOTIME_PASSWORD_<DEVICE>, FRAPPE_API_KEY_<SITE>, FRAPPE_API_SECRET_<SITE>
(ids upper-cased, other characters as _), with BIOTIME_PASSWORD, FRAPPE_API_KEY, FRAPPE_API_SECRET as fallbacks;
a secret no variable sets is read from the OS keychain (\`biotime-sync secrets set NAME\`).
Exit codes: 0 every device run completed (failed punches do not fail a run), 1 a device run failed,
2 bad configuration or usage.`;

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
        listen: { type: 'string' },
        'log-format': { type: 'string' },
        'real-site': { type: 'boolean', default: false },
        'frappe-version': { type: 'string' },
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
  const logFormat = v['log-format'] ?? 'text';
  if (logFormat !== 'text' && logFormat !== 'json')
    throw new UsageError(`--log-format takes text or json, not '${logFormat}'.`);
  if (v.listen !== undefined && command !== 'watch') throw new UsageError('--listen goes with watch.');
  if (command === 'secrets' && !['set', 'delete', 'list'].includes(positional[0] ?? ''))
    throw new UsageError('secrets takes set NAME, delete NAME or list.');
  if (command === 'secrets' && positional[0] !== 'list' && !positional[1])
    throw new UsageError(`secrets ${positional[0]} needs the variable name, e.g. BIOTIME_PASSWORD_HQ.`);
  if (command === 'reset-cursor' && !v.device) throw new UsageError('reset-cursor needs --device ID.');
  const fv = v['frappe-version'];
  if (fv !== undefined && fv !== '15' && fv !== '16')
    throw new UsageError(`--frappe-version must be 15 or 16, not '${fv}'.`);
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
    listen: v.listen,
    logFormat,
    realSite: !!v['real-site'],
    frappeVersion: fv === '16' ? 16 : 15,
    positional,
  };
}

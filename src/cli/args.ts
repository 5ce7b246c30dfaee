// Command-line parsing for `biotime-sync`. Usage errors exit with code 2, like configuration errors.
import { parseArgs } from 'node:util';
import { errorMessage } from '../core/errors';
import { HISTORY_OUTCOMES, type HistoryOutcomeFilter } from '../shared/history';

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
  'history',
  'report',
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
  /** rerun: move failed punches of the device's former site to this one (its current site) first. */
  toSite?: string;
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
  /** `failed`, `history`: CSV instead of a table. */
  csv: boolean;
  /** `history` filters. */
  site?: string;
  code?: string;
  employee?: string;
  name?: string;
  from?: string;
  to?: string;
  outcome?: HistoryOutcomeFilter;
  terminal?: string;
  limit?: number;
  /** `report`: days back; `report missing-checkouts`: the date. */
  days?: number;
  date?: string;
  /** `help` and `--help`: the command help is asked for (undefined: the overview). */
  helpFor?: Command;
}

export class UsageError extends Error {}

export const USAGE = `Usage: biotime-sync <command> [options]

Commands:
  run [--device ID] [--dry-run] [--json]   Sync now, whatever the schedule
  watch [--listen [HOST:]PORT]             Run the scheduler until SIGINT/SIGTERM; with --listen, serve
                                           /metrics (Prometheus), /healthz and /readyz (host: 127.0.0.1)
  status [--json]                          Devices, cursors, last runs (with their ids), failed counts, terminals
  failed [--device ID] [--json|--csv]      Failed punches of every device (or one) with their reasons
  history [filters] [--json|--csv]         Every punch seen and its outcome, newest first; filters:
                                           --device ID --site ID --code EMP_CODE --employee HR-EMP-…
                                           --name TEXT --from YYYY-MM-DD --to YYYY-MM-DD (your zone)
                                           --outcome created|duplicate|failed|skipped|dismissed|rerun
                                           --terminal SN|ALIAS --limit N (default 100)
  report [--days 30] [--site ID] [--json]  Punches per day by outcome, failed waiting, terminal delays,
                                           punch-to-checkin time, cursors and watched ids
  report missing-checkouts --date YYYY-MM-DD [--site ID] [--json]
                                           Employees whose last punch of the day is an IN with no OUT
  rerun [--device ID] [--punch ID ...] [--run RUN_ID] [--to-site SITE] [--json]
                                           Reprocess failed punches against the current Frappe state;
                                           --to-site moves those of a device's former site to SITE first
  dismiss --device ID --punch ID ... [--json]
                                           Drop failed punches the operator has dealt with (recorded as dismissed)
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
Run \`biotime-sync <command> --help\` for a command's options, \`biotime-sync --version\` for the version.
Times in human output are in this computer's local time zone (TZ) with the offset shown; --json keeps UTC ISO.
Exit codes: 0 every device run completed (failed punches do not fail a run), 1 a device run failed or a device
could not run (a configuration problem or a missing secret stops only that device), 2 bad configuration or usage
(an unknown device, or nothing could run), 3 standard output was closed before everything was written.`;

const COMMON = `Common options: --config FILE, --state-dir DIR, --verbose, --quiet (see \`biotime-sync --help\`).`;

/** Per-command help: what it does, its options, and its exit codes. */
export const COMMAND_HELP: Record<Command, string> = {
  run: `Usage: biotime-sync run [--device ID] [--dry-run] [--json]

Syncs now, whatever the schedule: every enabled device, or only --device ID.
  --device ID   Only this device (exit 2 when no such device is configured)
  --dry-run     Read BioTime and look up Frappe, write nothing; prints the plan (what the run would do per punch)
  --json        Machine output (summaries, and the planned outcomes with --dry-run)
Exit codes: 0 completed, 1 a device run failed or a device could not run, 2 bad configuration or usage.`,
  watch: `Usage: biotime-sync watch [--listen [HOST:]PORT] [--log-format text|json]

Runs the scheduler (each device every intervalMinutes) until SIGINT/SIGTERM; a first signal finishes the runs in
flight, a second abandons them safely. Devices with a configuration problem are reported and do not run.
  --listen [HOST:]PORT   Serve /metrics (Prometheus), /healthz and /readyz (host: 127.0.0.1 unless given)
  --log-format json      One JSON object per log line on stderr (time, level, device, run, message)`,
  status: `Usage: biotime-sync status [--json]

Per device: state, last sync, next run, cursor, failed punches, offline terminals, and the last run with its id
(for \`biotime-sync show-run RUN_ID\`). Times are local (see \`biotime-sync --help\`).`,
  failed: `Usage: biotime-sync failed [--device ID] [--json|--csv]

Failed punches of every device (or one) with their reasons; they are kept until a rerun succeeds or they are
dismissed.`,
  history: `Usage: biotime-sync history [filters] [--json|--csv]

Every punch seen and its outcome, newest first, kept for historyDays (default 400). Filters:
  --device ID --site ID --code EMP_CODE --employee HR-EMP-… --name TEXT (substring)
  --from YYYY-MM-DD --to YYYY-MM-DD (days in your time zone)
  --outcome created|duplicate|failed|skipped|dismissed|rerun --terminal SN|ALIAS --limit N (default 100)`,
  report: `Usage: biotime-sync report [--days 30] [--site ID] [--json]
       biotime-sync report missing-checkouts --date YYYY-MM-DD [--site ID] [--json]

Punches per day by outcome, failed punches waiting, per terminal the upload delays and last activity, the time
from punch to checkin, cursors and watched ids; or the employees whose last punch of a day is an IN with no OUT.
Only reads.`,
  secrets: `Usage: biotime-sync secrets set NAME | delete NAME | list

Keeps the CLI's secrets in the OS keychain (used when no environment variable sets them). NAME is the variable's
name: BIOTIME_PASSWORD_<DEVICE>, FRAPPE_API_KEY_<SITE>, FRAPPE_API_SECRET_<SITE> (or the shared ones). \`set\` reads
the value from standard input (without echo at a terminal); \`list\` shows names and their source, never values.
Exit codes: 0 done, 1 the keychain is not available (or nothing to delete), 2 usage.`,
  rerun: `Usage: biotime-sync rerun [--device ID] [--punch ID ...] [--run RUN_ID] [--to-site SITE] [--json]

Reprocesses failed punches against the current Frappe state (never creates a duplicate).
  --device ID   Only this device's failed punches
  --punch ID    Only these punches (repeat, or separate with commas)
  --run RUN_ID  Only the failed punches of this run
  --to-site SITE  With --device: move the failed punches of the device's former site to SITE (its current one)
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
  sandbox: `Usage: biotime-sync sandbox [--write-config FILE] [--real-site] [--frappe-version 15|16]

Starts the simulated BioTime and Frappe HR servers with demo data until Ctrl+C; --write-config writes a
configuration file for them; --real-site seeds Frappe like a real HR site (an HR Manager and an Employee-only
API user); --frappe-version 16 answers like Frappe v16.`,
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
        'to-site': { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        'write-config': { type: 'string' },
        listen: { type: 'string' },
        'log-format': { type: 'string' },
        'real-site': { type: 'boolean', default: false },
        'frappe-version': { type: 'string' },
        csv: { type: 'boolean', default: false },
        site: { type: 'string' },
        code: { type: 'string' },
        employee: { type: 'string' },
        name: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        outcome: { type: 'string' },
        terminal: { type: 'string' },
        limit: { type: 'string' },
        days: { type: 'string' },
        date: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'V', default: false },
      },
    });
  } catch (e) {
    throw new UsageError(errorMessage(e));
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
  const logFormat = v['log-format'] ?? 'text';
  if (logFormat !== 'text' && logFormat !== 'json')
    throw new UsageError(`--log-format takes text or json, not '${logFormat}'.`);
  if (v.listen !== undefined && command !== 'watch') throw new UsageError('--listen goes with watch.');
  if (command === 'secrets' && !['set', 'delete', 'list'].includes(positional[0] ?? ''))
    throw new UsageError('secrets takes set NAME, delete NAME or list.');
  if (command === 'secrets' && positional[0] !== 'list' && !positional[1])
    throw new UsageError(`secrets ${positional[0]} needs the variable name, e.g. BIOTIME_PASSWORD_HQ.`);
  if (v['to-site'] !== undefined && (command !== 'rerun' || !v.device))
    throw new UsageError('--to-site goes with rerun --device ID (the device whose failed punches move).');
  if (command === 'reset-cursor' && !v.device) throw new UsageError('reset-cursor needs --device ID.');
  const fv = v['frappe-version'];
  if (fv !== undefined && fv !== '15' && fv !== '16')
    throw new UsageError(`--frappe-version must be 15 or 16, not '${fv}'.`);
  if (command === 'show-run' && !positional[0])
    throw new UsageError('show-run needs a run id (see `biotime-sync status`).');
  if (v.json && v.csv) throw new UsageError('--json and --csv cannot be combined: choose one output.');
  if (command === 'report') checkReport(positional, v.date);
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
    listen: v.listen,
    logFormat,
    realSite: !!v['real-site'],
    frappeVersion: fv === '16' ? 16 : 15,
    positional,
    csv: !!v.csv,
    site: v.site,
    code: v.code,
    employee: v.employee,
    name: v.name,
    from: date('--from', v.from),
    to: date('--to', v.to),
    outcome: outcomeOf(v.outcome),
    terminal: v.terminal,
    limit: positiveInt('--limit', v.limit, 1_000_000),
    days: positiveInt('--days', v.days, 3650),
    date: date('--date', v.date),
    ...(helpTopic ? { helpFor: helpTopic as Command } : {}),
  };
}

function checkReport(positional: string[], d: string | undefined): void {
  const [sub] = positional;
  if (sub !== undefined && sub !== 'missing-checkouts')
    throw new UsageError(`Unknown report '${sub}': use \`report\` or \`report missing-checkouts --date YYYY-MM-DD\`.`);
  if (sub === 'missing-checkouts' && !d) throw new UsageError('report missing-checkouts needs --date YYYY-MM-DD.');
}

function date(flag: string, v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`)))
    throw new UsageError(`${flag} '${v}' is not a date: write YYYY-MM-DD (a day in your time zone).`);
  return v;
}

function positiveInt(flag: string, v: string | undefined, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new UsageError(`${flag} '${v}' must be a whole number from 1 to ${max}.`);
  return n;
}

function outcomeOf(v: string | undefined): HistoryOutcomeFilter | undefined {
  if (v === undefined) return undefined;
  const all = [...HISTORY_OUTCOMES, 'rerun'];
  if (!all.includes(v)) throw new UsageError(`--outcome '${v}' is not one of ${all.join(', ')}.`);
  return v as HistoryOutcomeFilter;
}

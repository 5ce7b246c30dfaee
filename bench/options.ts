// Command line of `npm run bench`. Defaults are sized so the whole run takes a few minutes on 2 cores.
import { PROFILES, type ProfileName } from './profiles';

export interface BenchOptions {
  /** The site of the comparison: the measured real one (default) or the cheap one of the engine's own cost. */
  profile: ProfileName;
  /** Backlog synced by every contender of the comparison. */
  punches: number;
  /** Punches the seed contender syncs (≤ punches); when smaller, its rate is measured on that prefix of the run. */
  seedPunches: number;
  /** Engine-alone backlog for flat memory and linear time (0 skips it). */
  large: number;
  /** Engine-alone backlog with zero latency and zero server cost, for its CPU cost per punch (0 skips it). */
  zero: number;
  /** Network latency of both servers and Frappe workers, in every profile. */
  latencyMs: number;
  /** Frappe work per checkin of the engine profile (the large and zero-latency parts always use that profile). */
  perDocCostMs: number;
  workers: number;
  out?: string;
  /** Write V8 CPU profiles of the contenders' processes here (node --cpu-prof). */
  cpuProfDir?: string;
  /** Parts to run (all by default); for profiling one of them. */
  only: Part[];
  /** Contenders of the comparison to run (all by default), by name. */
  contenders?: string[];
}

export const PARTS = ['compare', 'large', 'zero'] as const;
export type Part = (typeof PARTS)[number];

export const DEFAULTS: BenchOptions = {
  profile: 'real',
  punches: 2000,
  seedPunches: 500,
  large: 200_000,
  zero: 50_000,
  latencyMs: 5,
  perDocCostMs: 0.5,
  workers: 2,
  only: [...PARTS],
};

/** Comparison sizes of the engine profile (the cheap site syncs 5,000 punches in seconds; the real one does not). */
export const ENGINE_SIZES = { punches: 5000, seedPunches: 5000 } as const;

export const USAGE = `npm run bench -- [--profile real|engine] [--punches N] [--seed-punches N] [--large N] [--zero N] [--latency MS] [--doc-cost MS]
                    [--workers N] [--out FILE] [--cpu-prof DIR] [--only compare,large,zero] [--quick]
  --profile P       the comparison's site: real (default; the measured Frappe HR site, where the site is the
                    limit) or engine (the cheap site, for the engine's own cost; the old issue-4 targets)
  --punches N       backlog of the comparison (default ${DEFAULTS.punches}; ${ENGINE_SIZES.punches} with --profile engine)
  --seed-punches N  the seed contender syncs only the first N punches (default ${DEFAULTS.seedPunches}; all with --profile engine)
  --large N         engine-alone backlog for memory and linearity (default ${DEFAULTS.large}; 0 skips)
  --zero N          engine-alone backlog with zero latency and server cost, for CPU per punch (default ${DEFAULTS.zero}; 0 skips)
  --latency MS      round-trip latency added by both servers, both profiles (default ${DEFAULTS.latencyMs})
  --doc-cost MS     engine profile: Frappe time per Employee Checkin written (default ${DEFAULTS.perDocCostMs})
  --workers N       Frappe workers (default ${DEFAULTS.workers})
  --out FILE        also write the figures as JSON
  --cpu-prof DIR    write a V8 CPU profile of each contender's process
  --only PARTS      run only some of compare, large, zero (comma-separated)
  --contenders LIST run only these comparison contenders: engine, engine-user-control, seed-per-punch,
                    add-log-per-punch (comma-separated; ratios need both sides)
  --quick           --punches 500 --seed-punches 200 --large 20000 --zero 10000 (real profile);
                    --punches 1000 --large 20000 --zero 10000 (engine profile)
  The large and zero-latency parts always run on the engine profile: they measure the engine (memory, event
  loop, CPU), and 200,000 punches at the real site's ~90 a second would take 40 minutes.`;

export class UsageError extends Error {}

export function parseBenchArgs(argv: string[]): BenchOptions {
  const o: BenchOptions = { ...DEFAULTS };
  let seedGiven = false;
  let punchesGiven = false;
  let quick = false;
  const num = (flag: string, v: string | undefined, min: number, integer = true): number => {
    const n = Number(v);
    if (v === undefined || v === '' || !Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
      throw new UsageError(`${flag} needs ${integer ? 'an integer' : 'a number'} ≥ ${min}, got ${v ?? 'nothing'}`);
    }
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] =
      a.startsWith('--') && a.includes('=')
        ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
        : [a, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--punches':
        o.punches = num(flag, value(), 1);
        punchesGiven = true;
        break;
      case '--seed-punches':
        o.seedPunches = num(flag, value(), 1);
        seedGiven = true;
        break;
      case '--large':
        o.large = num(flag, value(), 0);
        break;
      case '--zero':
        o.zero = num(flag, value(), 0);
        break;
      case '--latency':
        o.latencyMs = num(flag, value(), 0, false);
        break;
      case '--doc-cost':
        o.perDocCostMs = num(flag, value(), 0, false);
        break;
      case '--workers':
        o.workers = num(flag, value(), 1);
        break;
      case '--out':
        o.out = value();
        if (!o.out) throw new UsageError('--out needs a file name');
        break;
      case '--cpu-prof':
        o.cpuProfDir = value();
        if (!o.cpuProfDir) throw new UsageError('--cpu-prof needs a directory');
        break;
      case '--only': {
        const parts = (value() ?? '').split(',').filter(Boolean);
        const bad = parts.filter((x) => !(PARTS as readonly string[]).includes(x));
        if (!parts.length || bad.length)
          throw new UsageError(
            `--only takes ${PARTS.join(', ')} (comma-separated), got ${parts.join(',') || 'nothing'}`,
          );
        o.only = parts as Part[];
        break;
      }
      case '--contenders': {
        const names = (value() ?? '').split(',').filter(Boolean);
        if (!names.length) throw new UsageError('--contenders needs a comma-separated list of names');
        o.contenders = names;
        break;
      }
      case '--profile': {
        const v = value();
        if (!(PROFILES as readonly string[]).includes(v ?? ''))
          throw new UsageError(`--profile takes ${PROFILES.join(' or ')}, got ${v ?? 'nothing'}`);
        o.profile = v as ProfileName;
        break;
      }
      case '--quick':
        quick = true;
        Object.assign(o, { large: 20_000, zero: 10_000 });
        break;
      default:
        throw new UsageError(`unknown argument ${a}`);
    }
  }
  const engine = o.profile === 'engine';
  if (!punchesGiven) o.punches = quick ? (engine ? 1000 : 500) : engine ? ENGINE_SIZES.punches : DEFAULTS.punches;
  if (!seedGiven) o.seedPunches = engine ? o.punches : Math.min(o.punches, quick ? 200 : DEFAULTS.seedPunches);
  if (o.seedPunches > o.punches)
    throw new UsageError(`--seed-punches (${o.seedPunches}) cannot exceed --punches (${o.punches})`);
  return o;
}

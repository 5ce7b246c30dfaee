// `npm run chaos -- --runs N --seed S [--only I,J] [--jobs 2] [--out FILE] [--cli dist/cli.js] [--keep failed]`
// Exit 0 when every run holds every invariant, 1 on any violation, 2 on a usage error.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { runCampaign } from './campaign';
import { renderTable } from './report';
import { describeScenario, generateScenario } from './scenario';

const USAGE = `Usage: npm run chaos -- [--runs N] [--seed S] [--only I[,J...]] [--jobs J] [--out FILE] [--cli PATH] [--keep failed|always|never] [--quick] [--describe]
  --runs N      scenarios to run (default 20)
  --seed S      campaign seed (default 1); the same seed runs the same scenarios
  --only I,J    run only these run indexes of the seed (replay a failure)
  --jobs J      scenarios at a time (default 4)
  --out FILE    also write the totals as JSON
  --cli PATH    the CLI bundle to test (default dist/cli.js)
  --keep WHAT   keep state directories of failed runs (default), of all runs, or none
  --quick       leave out the faults that cost a full 5 s client timeout (the short campaign of npm test)
  --describe    print the scenarios and exit without running them`;

function int(v: string | undefined, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v)) throw new Error(`--${name} must be a non-negative integer, got '${v}'`);
  return Number(v);
}

async function main(argv: string[]): Promise<number> {
  let o;
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        runs: { type: 'string' },
        seed: { type: 'string' },
        only: { type: 'string', multiple: true },
        jobs: { type: 'string' },
        out: { type: 'string' },
        cli: { type: 'string' },
        keep: { type: 'string' },
        describe: { type: 'boolean' },
        quick: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    });
    if (values.help) return (console.log(USAGE), 0);
    const keep = (values.keep ?? 'failed') as 'failed' | 'always' | 'never';
    if (!['failed', 'always', 'never'].includes(keep)) throw new Error(`--keep must be failed, always or never`);
    const only = (values.only ?? [])
      .flatMap((x) => x.split(','))
      .filter(Boolean)
      .map((x) => int(x.trim(), 'only', 0));
    o = {
      runs: int(values.runs, 'runs', 20),
      seed: int(values.seed, 'seed', 1),
      only,
      jobs: Math.max(1, int(values.jobs, 'jobs', 4)),
      out: values.out,
      cli: path.resolve(values.cli ?? 'dist/cli.js'),
      keep,
      describe: !!values.describe,
      quick: !!values.quick,
    };
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (o.describe) {
    for (const i of o.only.length ? o.only : Array.from({ length: o.runs }, (_, k) => k))
      console.log(describeScenario(generateScenario(o.seed, i, { quick: o.quick })));
    return 0;
  }
  if (!fs.existsSync(o.cli)) {
    console.error(`${o.cli} does not exist: run \`npm run build\` first (npm run chaos does).`);
    return 2;
  }
  const total = o.only.length || o.runs;
  console.error(
    `fault campaign: seed ${o.seed}, ${total} run(s), ${o.jobs} at a time, CLI ${path.relative(process.cwd(), o.cli) || o.cli}`,
  );
  const result = await runCampaign({
    ...o,
    onRun: (r, _s, done, all) => {
      const kills = Object.entries(r.faults)
        .filter(([k]) => k.startsWith('SIGKILL'))
        .reduce((a, [, n]) => a + n, 0);
      console.error(
        `  run ${String(r.index).padStart(4)} ${r.passed ? 'ok  ' : 'FAIL'} ${(r.ms / 1000).toFixed(1).padStart(5)} s  punches ${r.punches}, created ${r.created}, SIGKILLs ${kills}${r.passed ? '' : `, ${r.violations.length} violation(s): ${[...new Set(r.violations.map((v) => v.kind))].join(', ')}`}  [${done}/${all}]`,
      );
    },
  });
  console.log(renderTable(result, `BioTime Sync fault campaign — seed ${o.seed}${o.quick ? ' (quick)' : ''}`));
  if (o.out) fs.writeFileSync(o.out, JSON.stringify(result.totals, null, 2) + '\n');
  return result.totals.failed ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);

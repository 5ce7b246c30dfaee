// The CLI commands that work on a configured engine. Each returns the process exit code.
import type { EngineHandle } from '../app/createEngine';
import type { RunSummary } from '../shared/model';
import { formatConfigProblem } from '../core/configCheck';
import { DRY_RUN_UNPREDICTABLE } from '../core/engineApi';
import type { CliArgs } from './args';
import { doctorReport, failedTable, mappingTable, shiftTable, statusTable, summaryLine } from './format';
import { failedCsv, history, report } from './historyCommands';
import type { CliIo } from './main';
import { parseListen, startServiceServer } from './service/serviceServer';

type Cmd = (h: EngineHandle, a: CliArgs, io: CliIo) => Promise<number>;

const exitFor = (runs: RunSummary[]) => (runs.some((r) => r.status !== 'completed') ? 1 : 0);

function printRuns(runs: RunSummary[], a: CliArgs, io: CliIo): number {
  if (a.json) io.out(JSON.stringify({ runs }, null, 2));
  else if (!runs.length) io.out('Nothing to do.');
  else for (const r of runs) io.out(summaryLine(r));
  return exitFor(runs);
}

const run: Cmd = async (h, a, io) => {
  if (!a.dryRun) await h.lock.acquire();
  const ac = abortOnSignals();
  const runs = a.device
    ? [await h.engine.runDevice(a.device, { dryRun: a.dryRun, signal: ac.signal })]
    : await h.engine.runAll({ dryRun: a.dryRun, signal: ac.signal });
  if (a.dryRun && !a.json) for (const r of runs) io.out(mappingTable(await collect(h.engine.runOutcomes(r.runId))));
  if (a.dryRun && a.json) {
    const plans = await Promise.all(
      runs.map(async (r) => ({ ...r, outcomes: await collect(h.engine.runOutcomes(r.runId)) })),
    );
    io.out(JSON.stringify({ runs: plans, unpredictable: DRY_RUN_UNPREDICTABLE }, null, 2));
    return exitFor(runs);
  }
  const code = printRuns(runs, a, io);
  if (a.dryRun)
    io.out(
      `\nA dry run cannot predict:\n${DRY_RUN_UNPREDICTABLE.map((x) => `  - ${x}`).join('\n')}\nEverything else above is what the run would do now.`,
    );
  return code;
};

const watch: Cmd = async (h, a, io) => {
  io.err(`Watching ${h.engine.config.devices.filter((d) => d.enabled).length} device(s); Ctrl+C to stop.`);
  // Bind before the first run, so a port already in use is a clear error before anything is synced.
  // /readyz counts the configuration problems that stop devices (reported on stderr at start) as not ready.
  const configProblems = () => (io.configProblems ?? []).map(formatConfigProblem);
  const service = a.listen
    ? await startServiceServer({ handle: h, listen: parseListen(a.listen), configProblems })
    : undefined;
  if (service) io.err(`Serving ${service.url}/metrics, /healthz and /readyz.`);
  h.scheduler.start();
  // The scheduler's timers do not hold the process open (they must not in the extension host): this does.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  await new Promise<void>((resolve) => {
    const stop = (sig: string) => {
      io.err(`${sig}: finishing the runs in flight (a second signal abandons them safely)…`);
      process.once('SIGINT', () => void h.scheduler.stop(true).then(resolve));
      process.once('SIGTERM', () => void h.scheduler.stop(true).then(resolve));
      void h.scheduler.stop(false).then(resolve);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  clearInterval(keepAlive);
  await service?.close();
  return 0;
};

const status: Cmd = async (h, a, io) => {
  const list = await h.engine.status();
  const shifts = await h.engine.shiftStatus();
  // Asks Frappe: a device synced by another installation too gets duplicate checkins (issue 11, j2).
  const others = await h.engine.otherRunners(a.device, abortOnSignals().signal);
  if (a.json) {
    const configProblems = io.configProblems ?? [];
    const body = { devices: list, shifts, otherInstallations: others, problems: h.store.problems, configProblems };
    return (io.out(JSON.stringify(body, null, 2)), 0);
  }
  const parts = [statusTable(list)];
  const warned = others.filter((o) => o.warning || o.error);
  if (warned.length)
    parts.push(
      `Other installations:\n${warned
        .map((o) =>
          o.warning
            ? `  ! ${o.deviceId}: ${o.warning.detail}\n    → ${o.warning.fix}`
            : `  ! ${o.deviceId}: could not check whether another installation syncs it: ${o.error}`,
        )
        .join('\n')}`,
    );
  const records = shifts.flatMap((s) => s.records);
  if (records.length) parts.push(`Shift Types (Last Sync of Checkin):\n${shiftTable(records)}`);
  if (h.store.problems.length) parts.push(`State problems:\n${h.store.problems.map((p) => `  - ${p}`).join('\n')}`);
  io.out(parts.join('\n\n'));
  return 0;
};

const failed: Cmd = async (h, a, io) => {
  const list = await h.engine.listFailed(a.device);
  // "No failed punches." for a mistyped device would claim something about a device that does not exist.
  if (a.device && !list.length) h.engine.device(a.device);
  if (a.json) io.out(JSON.stringify({ failed: list }, null, 2));
  else if (a.csv) io.out(failedCsv(list));
  else io.out(list.length ? failedTable(list) : 'No failed punches.');
  return 0;
};

const rerun: Cmd = async (h, a, io) => {
  await h.lock.acquire();
  // Asked-for punches that are not failed ones are said, not silently skipped ("0 created" would look like a rerun).
  const failedKeys = new Set((await h.engine.listFailed(a.device)).map((f) => f.key));
  const notFailed = a.punch.filter((k) => !failedKeys.has(k));
  const runs = await h.engine.rerun({
    deviceId: a.device,
    keys: a.punch.length ? a.punch : undefined,
    runId: a.run,
    toSite: a.toSite,
    signal: abortOnSignals().signal,
  });
  if (notFailed.length)
    io.err(
      `Not rerun: ${notFailed.join(', ')} ${notFailed.length === 1 ? 'is not a failed punch' : 'are not failed punches'}${a.device ? ` of ${a.device}` : ''} (see \`biotime-sync failed\`).`,
    );
  if (!runs.length && !a.json) {
    io.out('No failed punches to rerun.');
    return notFailed.length ? 1 : 0;
  }
  const code = printRuns(runs, a, io);
  return code || (notFailed.length ? 1 : 0);
};

/** Says exactly what happened; exits 1 when nothing was dismissed (0 only when every id was dismissed). */
const dismiss: Cmd = async (h, a, io) => {
  await h.lock.acquire();
  const r = await h.engine.dismiss(a.device!, a.punch);
  if (a.json) io.out(JSON.stringify(r, null, 2));
  else {
    if (r.dismissed.length)
      io.out(
        `Dismissed ${r.dismissed.length} failed punch(es) of ${r.deviceId} (${r.dismissed.join(', ')}): no checkin was created for them.`,
      );
    if (r.notFailed.length)
      io.err(
        `Not dismissed: ${r.notFailed.join(', ')} ${r.notFailed.length === 1 ? 'is not a failed punch' : 'are not failed punches'} of ${r.deviceId} (see \`biotime-sync failed --device ${r.deviceId}\`).`,
      );
  }
  return r.notFailed.length ? 1 : 0;
};

const showRun: Cmd = async (h, a, io) => {
  const id = a.positional[0];
  const summary = await h.engine.getRun(id);
  if (!summary) return (io.err(`No run ${id} (see \`biotime-sync status\`).`), 2);
  const outcomes = await collect(h.engine.runOutcomes(id));
  if (a.json) io.out(JSON.stringify({ run: summary, outcomes }, null, 2));
  else io.out(`${summaryLine(summary)}\n\n${mappingTable(outcomes)}`);
  return 0;
};

const doctor: Cmd = async (h, a, io) => {
  const checks = await h.engine.doctor(a.device, abortOnSignals().signal);
  if (a.json) io.out(JSON.stringify({ checks }, null, 2));
  else io.out(doctorReport(checks));
  return checks.some((c) => c.status === 'fail') ? 1 : 0;
};

const resetCursor: Cmd = async (h, a, io) => {
  await h.lock.acquire();
  await h.engine.resetCursor(a.device!);
  io.out(
    `The cursor of ${a.device} was reset: the next run reads every transaction again${h.engine.device(a.device!).importSince ? ` since ${h.engine.device(a.device!).importSince}` : ''}; existing checkins are recognised as duplicates.`,
  );
  return 0;
};

export const commands: Record<string, Cmd> = {
  run,
  watch,
  status,
  failed,
  rerun,
  dismiss,
  'show-run': showRun,
  doctor,
  'reset-cursor': resetCursor,
  history,
  report,
};

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** SIGINT/SIGTERM cancel a run at its next safe point instead of killing it mid-write. */
function abortOnSignals(): AbortController {
  const ac = new AbortController();
  const onSig = () => ac.abort();
  process.once('SIGINT', onSig);
  process.once('SIGTERM', onSig);
  return ac;
}

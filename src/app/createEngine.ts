// The composition root shared by both hosts (CLI and extension): file state in a directory, the state lock,
// the real BioTime and Frappe clients, one redaction step for everything logged, and the scheduler.
import { systemClock } from '../core/clock';
import type { SyncConfig } from '../core/configTypes';
import { SyncEngine } from '../core/engine';
import type { Clock, Connectors, CredentialProvider, Logger } from '../core/ports';
import { Redactor, redactingLogger } from '../core/redact';
import { Scheduler } from '../core/scheduler';
import { DEFAULT_HISTORY_DAYS, PunchHistory } from '../core/history/punchHistory';
import { FileStateStore, RUNS_KEPT_PER_DEVICE } from '../core/state/fileStateStore';
import { StateDirLock } from '../core/state/lock';
import { realConnectors } from './connectors';

export interface CreateEngineOptions {
  config: SyncConfig;
  stateDir: string;
  credentials: CredentialProvider;
  logger: Logger;
  clock?: Clock;
  redactor?: Redactor;
  /** Shown to other processes that find the state directory locked. */
  lockOwner?: string;
  connectors?: Connectors;
  schedulerTickMs?: number;
  /** Devices this installation syncs on a schedule (default: all); see SchedulerOptions.runsHere. */
  runsHere?: (deviceId: string) => boolean;
  /** Keep the punch history (default true; the benchmark turns it off to measure its cost). */
  history?: boolean;
}

export interface EngineHandle {
  engine: SyncEngine;
  scheduler: Scheduler;
  lock: StateDirLock;
  store: FileStateStore;
  history: PunchHistory;
  redactor: Redactor;
  logger: Logger;
  dispose(): Promise<void>;
}

export function createEngine(options: CreateEngineOptions): EngineHandle {
  const clock = options.clock ?? systemClock;
  const redactor = options.redactor ?? new Redactor();
  const logger = redactingLogger(options.logger, redactor);
  const credentials = redactingCredentials(options.credentials, redactor);
  const store = new FileStateStore(options.stateDir, () => clock.now());
  const lock = new StateDirLock(options.stateDir, {
    owner: options.lockOwner ?? 'BioTime Sync',
    onAcquire: () =>
      store.sweepStaleTemps().then(
        (removed) =>
          void (
            removed.length &&
            logger.info(
              `Removed ${removed.length} temporary state file(s) left by a process stopped mid-write: ${removed.join(', ')}`,
            )
          ),
        (e: Error) => logger.warn(`Could not remove stale temporary files in ${options.stateDir}: ${e.message}`),
      ),
  });
  const history = new PunchHistory(options.stateDir, {
    now: () => clock.now(),
    historyDays: () => options.config.historyDays ?? DEFAULT_HISTORY_DAYS,
    listRuns: (id) => store.listRuns(id, RUNS_KEPT_PER_DEVICE + 50),
  });
  const connectors = options.connectors ?? realConnectors({ credentials, clock, logger, redactor });
  const engine = new SyncEngine({
    config: options.config,
    store,
    credentials,
    connectors,
    clock,
    logger,
    redactor,
    lock,
    history: options.history === false ? undefined : history,
  });
  const scheduler = new Scheduler({
    engine,
    store,
    lock,
    clock,
    logger,
    tickMs: options.schedulerTickMs,
    runsHere: options.runsHere,
  });
  return {
    engine,
    scheduler,
    lock,
    store,
    history,
    redactor,
    logger,
    async dispose() {
      await scheduler.stop(true);
      await lock.release();
      engine.dispose();
    },
  };
}

/** Every secret handed to the engine is registered with the redactor first, so it can never be printed. */
export function redactingCredentials(inner: CredentialProvider, redactor: Redactor): CredentialProvider {
  const seen = async (p: Promise<string | undefined>) => {
    const v = await p;
    redactor.add(v);
    return v;
  };
  return {
    biotimePassword: (id) => seen(inner.biotimePassword(id)),
    frappeApiKey: (id) => seen(inner.frappeApiKey(id)),
    frappeApiSecret: (id) => seen(inner.frappeApiSecret(id)),
    getToken: (id) => seen(inner.getToken(id)),
    setToken: async (id, token) => {
      redactor.add(token);
      await inner.setToken(id, token);
    },
  };
}

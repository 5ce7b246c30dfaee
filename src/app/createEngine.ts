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

export function createEngine(o: CreateEngineOptions): EngineHandle {
  const clock = o.clock ?? systemClock;
  const redactor = o.redactor ?? new Redactor();
  const logger = redactingLogger(o.logger, redactor);
  const credentials = redactingCredentials(o.credentials, redactor);
  const store = new FileStateStore(o.stateDir, () => clock.now());
  const lock = new StateDirLock(o.stateDir, {
    owner: o.lockOwner ?? 'BioTime Sync',
    onAcquire: () =>
      store.sweepStaleTemps().then(
        (removed) =>
          void (
            removed.length &&
            logger.info(
              `Removed ${removed.length} temporary state file(s) left by a process stopped mid-write: ${removed.join(', ')}`,
            )
          ),
        (e: Error) => logger.warn(`Could not remove stale temporary files in ${o.stateDir}: ${e.message}`),
      ),
  });
  const history = new PunchHistory(o.stateDir, {
    now: () => clock.now(),
    historyDays: () => o.config.historyDays ?? DEFAULT_HISTORY_DAYS,
    listRuns: (id) => store.listRuns(id, RUNS_KEPT_PER_DEVICE + 50),
  });
  const connectors = o.connectors ?? realConnectors({ credentials, clock, logger, redactor });
  const engine = new SyncEngine({
    config: o.config,
    store,
    credentials,
    connectors,
    clock,
    logger,
    redactor,
    lock,
    history: o.history === false ? undefined : history,
  });
  const scheduler = new Scheduler({
    engine,
    store,
    lock,
    clock,
    logger,
    tickMs: o.schedulerTickMs,
    runsHere: o.runsHere,
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

// Step 1: the scheduler. Every tick, each enabled device whose interval has passed since its last sync (or last
// failed attempt, so a broken device is retried once per interval rather than every tick) gets a run. Runs of one
// device never overlap: a tick that finds the device running is skipped and logged. Only the holder of the
// state-directory lock runs syncs; other windows/processes stay followers and take over when it goes away.
import { errorMessage } from './errors';
import { withLogContext } from './logContext';
import type { DeviceConfig } from './configTypes';
import type { SyncEngineApi } from './engineApi';
import { Emitter, type Disposable, type Event } from './events';
import type { Clock, Logger, SchedulerLock, SyncStateStore } from './ports';
import type { DeviceState } from './types';

/** What the scheduler needs of the engine. */
export interface ScheduledEngine extends Pick<SyncEngineApi, 'config' | 'runDevice' | 'isRunning'> {
  /** Closes the runs a dead process left "running"; called when this process becomes the runner. */
  closeInterruptedRuns(): Promise<void>;
}

/**
 * When a device is due next: one interval after its last sync or its last failed attempt, whichever is later (a
 * broken device is retried once per interval, not every tick); `now` when it never ran. The one place this is
 * computed: the scheduler starts runs by it and the engine's status reports it (only syncs update these times, so
 * a rerun does not postpone the schedule).
 */
export function nextDueAt(
  device: Pick<DeviceConfig, 'intervalMinutes'>,
  state: Pick<DeviceState, 'lastSyncAt' | 'lastAttemptAt'>,
  now: Date,
): Date {
  const base = [state.lastSyncAt, state.lastAttemptAt]
    .filter((x): x is string => !!x)
    .sort()
    .pop();
  return base ? new Date(Date.parse(base) + device.intervalMinutes * 60_000) : now;
}

export interface SchedulerOptions {
  engine: ScheduledEngine;
  store: SyncStateStore;
  lock: SchedulerLock;
  clock: Clock;
  logger: Logger;
  /** How often due devices are looked for (ms). */
  tickMs?: number;
  /**
   * Whether this installation is the scheduled runner of a device (default: every device). A device shared
   * through a workspace is synced on a schedule only by the machine chosen as its runner: two runners duplicate
   * checkins (Frappe's duplicate check is not atomic). Asked at every tick, so a new choice applies at once.
   */
  runsHere?: (deviceId: string) => boolean;
}

export type SchedulerRole = 'runner' | 'follower';

export class Scheduler implements Disposable {
  private timer: Disposable | undefined;
  private stopped = true;
  /** Set by stop(): no new run starts, even from a tick already under way. */
  private halted = false;
  private readonly abort = new Set<AbortController>();
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly roleEmitter = new Emitter<SchedulerRole>({
    onListenerError: (e) => this.options.logger.error(`A scheduler role listener failed: ${errorMessage(e)}`),
  });
  readonly onDidChangeRole: Event<SchedulerRole> = this.roleEmitter.event;
  private role: SchedulerRole = 'follower';
  private readonly next = new Map<string, Date>();

  constructor(private readonly options: SchedulerOptions) {}

  get isRunner(): boolean {
    return this.role === 'runner';
  }

  nextRunAt(deviceId: string): Date | null {
    return this.next.get(deviceId) ?? null;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.halted = false;
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = this.options.clock.setTimer(() => {
      const t = this.tick().catch((e) => this.options.logger.error(`Scheduler tick failed: ${errorMessage(e)}`));
      this.track(t.finally(() => this.schedule(this.options.tickMs ?? 30_000)));
    }, ms);
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    p.finally(() => this.inflight.delete(p)).catch(() => undefined);
    return p;
  }

  /** One pass: take (or keep) the runner role, then start every due device that is not running. */
  async tick(): Promise<void> {
    if (this.halted) return;
    const runner = this.options.lock.isHeld || (await this.options.lock.tryAcquire());
    const became = runner && this.role !== 'runner';
    this.setRole(runner ? 'runner' : 'follower');
    if (became) await this.options.engine.closeInterruptedRuns();
    const now = this.options.clock.now();
    for (const dev of this.options.engine.config.devices) {
      if (!dev.enabled || !(this.options.runsHere?.(dev.id) ?? true)) {
        this.next.delete(dev.id);
        continue;
      }
      const due = nextDueAt(dev, await this.options.store.loadDevice(dev.id), now);
      this.next.set(dev.id, due);
      if (!runner || due > now || this.halted) continue;
      if (this.options.engine.isRunning(dev.id)) {
        this.options.logger.info(`Device ${dev.id}: tick skipped, the previous run is still in progress.`);
        continue;
      }
      const ac = new AbortController();
      this.abort.add(ac);
      this.track(
        withLogContext({ device: dev.id }, () =>
          this.options.engine
            .runDevice(dev.id, { signal: ac.signal })
            .then((s) =>
              this.options.logger.info(
                `Device ${dev.id}: ${s.status} — ${s.counts.created} created, ${s.counts.duplicate} duplicates, ${s.counts.failed} failed, ${s.counts.skipped} skipped.`,
              ),
            )
            .catch((e) => this.options.logger.error(`Device ${dev.id}: ${errorMessage(e)}`)),
        ).finally(() => this.abort.delete(ac)),
      );
    }
  }

  /** Resolves when no tick or run started by this scheduler is in flight. */
  async whenIdle(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  /** `stopping`: the role is given up because this scheduler stops, not because another process took it. */
  private setRole(role: SchedulerRole, stopping = false): void {
    if (role === this.role) return;
    this.role = role;
    if (!stopping)
      this.options.logger.info(
        role === 'runner'
          ? 'This process now runs the scheduled syncs.'
          : 'Another process runs the scheduled syncs; this one follows.',
      );
    this.roleEmitter.fire(role);
  }

  /**
   * Stops ticking. With `abandon`, runs in flight are cancelled at their next safe point (between requests; the
   * page being written completes or is repeated next time); otherwise they are awaited.
   */
  async stop(abandon = false): Promise<void> {
    const wasStarted = !this.stopped;
    this.stopped = true;
    this.halted = true;
    this.timer?.dispose();
    if (abandon) for (const ac of this.abort) ac.abort();
    await Promise.allSettled([...this.inflight]);
    const wasRunner = this.role === 'runner';
    await this.options.lock.release();
    this.setRole('follower', true);
    if (wasStarted || wasRunner)
      this.options.logger.info(
        wasRunner
          ? 'Stopped: this process no longer runs the scheduled syncs (the state directory lock is released).'
          : 'Stopped: this process no longer follows the scheduled syncs.',
      );
  }

  dispose(): void {
    void this.stop(true);
    this.roleEmitter.dispose();
  }
}

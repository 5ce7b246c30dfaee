// Owns the engine for the extension: builds it from the settings, rebuilds it when they change, starts the
// scheduler (which takes the state-directory lock: one window syncs, the others follow), forwards the engine's
// events, and stops everything on deactivate. Everything else asks this class for the current engine.
import * as vscode from 'vscode';
import { createEngine } from '../app/createEngine';
import type { SyncConfig } from '../core/configTypes';
import type { EngineEvent, SyncEngineApi } from '../core/engineApi';
import { describeError, errorMessage } from '../core/errors';
import type { Logger } from '../core/ports';
import type { Scheduler } from '../core/scheduler';
import type { SecretStorageCredentials } from './adapters/secretStorageCredentials';
import { devicesAreShared, readSyncSettings, readUiSettings, type SettingsIssue } from './adapters/settings';
import { Disposable } from './disposable';
import { sandboxState } from './sandboxState';
import { UserFacingError } from './errors';
import {
  RUNNER_CHOICES_KEY,
  runsHere,
  scheduledHere,
  withChoice,
  type RunnerChoice,
  type RunnerChoices,
  type RunnerDevice,
} from './runnerPolicy';

export type Role = 'runner' | 'follower' | 'stopped';

export type HostState =
  | { kind: 'unconfigured' }
  | { kind: 'invalid'; issues: SettingsIssue[] }
  | { kind: 'ready'; engine: SyncEngineApi; config: SyncConfig; problems?: SettingsIssue[] };

/** While following another window, the state on disk changes under us: re-read it this often. */
const FOLLOWER_REFRESH_MS = 15_000;

export class EngineHost extends Disposable {
  private current:
    { engine: SyncEngineApi; scheduler: Scheduler; dispose(): Promise<void>; subs: vscode.Disposable[] } | undefined;
  private _state: HostState = { kind: 'unconfigured' };
  private _role: Role = 'stopped';
  private chain: Promise<void> = Promise.resolve();
  private followerTimer: ReturnType<typeof setInterval> | undefined;

  private readonly eventEmitter = this._register(new vscode.EventEmitter<EngineEvent>());
  /** Engine events, from whichever engine is current. */
  readonly onEvent = this.eventEmitter.event;
  private readonly changeEmitter = this._register(new vscode.EventEmitter<void>());
  /** The engine was rebuilt, the settings became (in)valid, the role changed, or a follower re-read the state. */
  readonly onDidChange = this.changeEmitter.event;

  constructor(
    readonly stateDir: string,
    private readonly credentials: SecretStorageCredentials,
    private readonly logger: Logger,
    /** Machine-local memory (the extension's globalState): which shared devices this machine runs. */
    private readonly machine?: vscode.Memento,
  ) {
    super();
  }

  /** Whether this machine syncs the device on a schedule (runnerPolicy.ts); false for an unknown device. */
  runsHere(deviceId: string): boolean {
    const dev = this._state.kind === 'ready' ? this._state.config.devices.find((d) => d.id === deviceId) : undefined;
    return !!dev && runsHere(dev, devicesAreShared(), this.choices());
  }

  /** Whether this window's scheduler attempts the device: it runs here and is not a stopped sandbox device. */
  scheduledHere(deviceId: string): boolean {
    const dev = this._state.kind === 'ready' ? this._state.config.devices.find((d) => d.id === deviceId) : undefined;
    return !!dev && scheduledHere(dev, devicesAreShared(), this.choices(), (id) => !sandboxState.isStopped(id));
  }

  /**
   * Whether the current scheduler has a next run planned for the device (tests and diagnostics). Views show the
   * next-run time from the engine's status, never from here.
   */
  hasScheduledRun(deviceId: string): boolean {
    return !!this.current?.scheduler.nextRunAt(deviceId);
  }

  /** Resolves when no scheduler pass or scheduled run of the current engine is in flight (tests). */
  whenSchedulerIdle(): Promise<void> {
    return this.current?.scheduler.whenIdle() ?? Promise.resolve();
  }

  /** The devices come from workspace settings shared with other machines. */
  get devicesShared(): boolean {
    return devicesAreShared();
  }

  /** Makes (or stops making) this machine the scheduled runner of a device; applies at the next scheduler tick. */
  async setRunner(deviceId: string, choice: RunnerChoice): Promise<void> {
    const dev = this._state.kind === 'ready' ? this._state.config.devices.find((d) => d.id === deviceId) : undefined;
    if (!dev || !this.machine) throw new UserFacingError(`No device '${deviceId}' is configured.`, 'openSettings');
    await this.rememberRunner(dev, choice);
    this.logger.info(
      choice === 'here'
        ? `This machine now syncs device ${deviceId} on a schedule.`
        : `This machine no longer syncs device ${deviceId} on a schedule (Sync Now still works).`,
    );
    this.changeEmitter.fire();
  }

  /** Stores the choice for a device that may not be in the running configuration yet (just added). */
  async rememberRunner(dev: RunnerDevice, choice: RunnerChoice): Promise<void> {
    await this.machine?.update(RUNNER_CHOICES_KEY, withChoice(this.choices(), dev, choice));
  }

  private choices(): RunnerChoices {
    const v = this.machine?.get<unknown>(RUNNER_CHOICES_KEY);
    return v && typeof v === 'object' ? (v as RunnerChoices) : {};
  }

  get state(): HostState {
    return this._state;
  }

  get role(): Role {
    return this._role;
  }

  /** The engine, or a UserFacingError that says how to get one. */
  requireEngine(): SyncEngineApi {
    const s = this._state;
    if (s.kind === 'ready') return s.engine;
    if (s.kind === 'invalid')
      throw new UserFacingError(
        `The BioTime Sync settings have ${s.issues.length} problem(s): ${s.issues[0].key}: ${s.issues[0].message}`,
        'openSettings',
      );
    throw new UserFacingError('No BioTime device is configured yet.', 'addDevice');
  }

  /** (Re)builds the engine from the settings. Calls are serialised; the last one wins. */
  reload(): Promise<void> {
    this.chain = this.chain
      .then(() => this.rebuild())
      .catch((e) => this.logger.error(`Restart failed: ${errorMessage(e)}`));
    return this.chain;
  }

  private async rebuild(): Promise<void> {
    // The role before the restart (undefined at start-up): a settings edit that keeps this window the runner is not
    // a role change, and the restart line says so instead of announcing a new role.
    const before: Role | undefined = this.current ? this._role : undefined;
    await this.teardown();
    if (this.disposed) return;
    const settings = readSyncSettings();
    if (!settings.ok) {
      this.logger.error(
        `Settings are invalid; nothing will sync until they are fixed:\n${settings.issues.map((i) => `  ${i.key}: ${i.message}`).join('\n')}`,
      );
      this.setState({ kind: 'invalid', issues: settings.issues });
      return;
    }
    if (settings.problems.length)
      this.logger.warn(
        `Settings have ${settings.problems.length} problem(s); they stop only what they concern, the other devices sync:\n${settings.problems.map((i) => `  ${i.message} (${i.key})`).join('\n')}`,
      );
    if (!settings.config.devices.length) {
      this.setState({ kind: 'unconfigured' });
      return;
    }
    try {
      const built = createEngine({
        config: settings.config,
        stateDir: this.stateDir,
        credentials: this.credentials,
        logger: withoutSchedulerRoleLines(this.logger),
        runsHere: (id) => this.scheduledHere(id),
      });
      const subs = [
        built.engine.onEvent((e) => this.eventEmitter.fire(e)),
        built.scheduler.onDidChangeRole((role) => this.setRole(role)),
      ];
      this.current = { ...built, subs };
      this.setState({ kind: 'ready', engine: built.engine, config: settings.config, problems: settings.problems });
      let role: Role = 'stopped';
      if (readUiSettings().schedulerEnabled) {
        // Take the lock before the first tick so the role is known now: a new scheduler starts as a follower and
        // only finds out at its first tick, which made every settings edit log "following another window".
        role = (await built.lock.tryAcquire()) ? 'runner' : 'follower';
        built.scheduler.start();
      }
      this.setRole(role, true);
      const devices = settings.config.devices;
      const names = devices.map((d) => `${d.name}${d.enabled ? '' : ' (disabled)'}`).join(', ');
      this.logger.info(
        `${before === undefined ? 'Engine started' : 'Settings changed; engine restarted'} with ${devices.length} device(s): ${names}. This window ${
          role === 'runner'
            ? before === 'runner'
              ? 'still runs the scheduled syncs'
              : 'runs the scheduled syncs'
            : role === 'follower'
              ? 'follows another window, which runs the scheduled syncs'
              : 'does not schedule syncs (bioSync.scheduler.enabled is off)'
        }.`,
      );
    } catch (e) {
      const err = describeError(e);
      this.logger.error(`Could not start the engine: ${err.message}${err.hint ? ` (${err.hint})` : ''}`);
      this.setState({ kind: 'invalid', issues: [{ key: 'bioSync', message: err.message }] });
    }
  }

  private setState(state: HostState): void {
    this._state = state;
    void vscode.commands.executeCommand('setContext', 'bioSync.configured', state.kind !== 'unconfigured');
    this.changeEmitter.fire();
  }

  /** `quiet`: set by a restart, whose own log line says the role. */
  private setRole(role: Role, quiet = false): void {
    if (role === this._role) return;
    this._role = role;
    if (this.followerTimer) clearInterval(this.followerTimer);
    this.followerTimer =
      role === 'follower' ? setInterval(() => this.changeEmitter.fire(), FOLLOWER_REFRESH_MS) : undefined;
    if (role !== 'stopped' && !quiet)
      this.logger.info(
        role === 'runner'
          ? 'This window now runs the scheduled syncs.'
          : 'Another window runs the scheduled syncs; this one shows their state.',
      );
    this.changeEmitter.fire();
  }

  /**
   * A settings change lets scheduled runs in flight finish (graceful); closing the window abandons them at their
   * next safe point instead (VS Code gives deactivate a few seconds), and the next runner resumes from the cursor.
   */
  private async teardown(graceful = true): Promise<void> {
    const c = this.current;
    this.current = undefined;
    this.setRole('stopped');
    if (!c) return;
    c.subs.forEach((s) => s.dispose());
    if (graceful) await c.scheduler.stop();
    await c.dispose();
  }

  /** Stops the scheduler and releases the lock (deactivate awaits this). */
  async shutdown(): Promise<void> {
    await this.chain.catch(() => undefined);
    await this.teardown(false);
    this.dispose();
  }
}

/**
 * The scheduler announces its role in process terms at its first tick; the host announces the window's role itself
 * (once, when it changes), so those lines are left out of the log rather than repeated after every settings edit.
 */
function withoutSchedulerRoleLines(logger: Logger): Logger {
  const roleLine =
    /^(This process now runs the scheduled syncs\.|Another process runs the scheduled syncs; this one follows\.)$/;
  return { ...logger, info: (m) => void (roleLine.test(m) ? undefined : logger.info(m)) };
}

// Owns the engine for the extension: builds it from the settings, rebuilds it when they change, starts the
// scheduler (which takes the state-directory lock: one window syncs, the others follow), forwards the engine's
// events, and stops everything on deactivate. Everything else asks this class for the current engine.
import * as vscode from 'vscode';
import { createEngine } from '../app/createEngine';
import type { SyncConfig } from '../core/configTypes';
import type { EngineEvent, SyncEngineApi } from '../core/engineApi';
import { describeError } from '../core/errors';
import type { Logger } from '../core/ports';
import type { Scheduler } from '../core/scheduler';
import type { SecretStorageCredentials } from './adapters/secretStorageCredentials';
import { devicesAreShared, readSyncSettings, readUiSettings, type SettingsIssue } from './adapters/settings';
import { Disposable } from './disposable';
import { UserFacingError } from './errors';
import {
  RUNNER_CHOICES_KEY,
  runsHere,
  withChoice,
  type RunnerChoice,
  type RunnerChoices,
  type RunnerDevice,
} from './runnerPolicy';

export type Role = 'runner' | 'follower' | 'stopped';

export type HostState =
  | { kind: 'unconfigured' }
  | { kind: 'invalid'; issues: SettingsIssue[] }
  | { kind: 'ready'; engine: SyncEngineApi; config: SyncConfig };

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

  nextRunAt(deviceId: string): Date | null {
    return this.current?.scheduler.nextRunAt(deviceId) ?? null;
  }

  /** (Re)builds the engine from the settings. Calls are serialised; the last one wins. */
  reload(): Promise<void> {
    this.chain = this.chain
      .then(() => this.rebuild())
      .catch((e) => this.logger.error(`Restart failed: ${describeError(e).message}`));
    return this.chain;
  }

  private async rebuild(): Promise<void> {
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
    if (!settings.config.devices.length) {
      this.setState({ kind: 'unconfigured' });
      return;
    }
    try {
      const built = createEngine({
        config: settings.config,
        stateDir: this.stateDir,
        credentials: this.credentials,
        logger: this.logger,
        runsHere: (id) => this.runsHere(id),
      });
      const subs = [
        built.engine.onEvent((e) => this.eventEmitter.fire(e)),
        built.scheduler.onDidChangeRole((role) => this.setRole(role)),
      ];
      this.current = { ...built, subs };
      this.setState({ kind: 'ready', engine: built.engine, config: settings.config });
      if (readUiSettings().schedulerEnabled) {
        await built.scheduler.start();
        this.setRole(built.scheduler.isRunner ? 'runner' : 'follower');
      }
      const n = settings.config.devices.length;
      this.logger.info(
        `Engine started with ${n} device(s); this window is ${this._role === 'runner' ? 'running the syncs' : this._role === 'follower' ? 'following another window' : 'not scheduling (bioSync.scheduler.enabled is off)'}.`,
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

  private setRole(role: Role): void {
    if (role === this._role) return;
    this._role = role;
    if (this.followerTimer) clearInterval(this.followerTimer);
    this.followerTimer =
      role === 'follower' ? setInterval(() => this.changeEmitter.fire(), FOLLOWER_REFRESH_MS) : undefined;
    if (role !== 'stopped')
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

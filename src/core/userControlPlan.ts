// Step 6: post-checkin user control. Each created checkin decides the employee's wanted state (IN enables, OUT
// disables by default); within a run only the latest punch of each employee counts, and the call is made once
// per employee at the end of the run. Wanted states are kept in the device state until applied, so a crash
// between creating checkins and applying them does not lose the decision.
import type { PunchOutcome, UserControlRecord } from '../shared/model';
import type { DeviceConfig } from './configTypes';
import type { UserControl, UserControlMemory } from './ports';
import type { DeviceState, EmployeeRecord } from './types';

export const MAX_USER_CONTROL_ATTEMPTS = 5;

export type Patch = { key: string; patch: Partial<PunchOutcome> };

export class UserControlPlanner {
  constructor(
    private readonly device: DeviceConfig,
    private readonly runId: string,
  ) {}

  get active(): boolean {
    return this.device.userControl.mode !== 'off';
  }

  /** Records the decision on created outcomes and folds it into the pending map. Returns patches for superseded punches. */
  plan(outcomes: PunchOutcome[], employees: Map<string, EmployeeRecord>, state: DeviceState, dryRun: boolean): Patch[] {
    if (!this.active) return [];
    const uc = this.device.userControl;
    const pending = (state.pendingUserControl ??= {});
    const patches: Patch[] = [];
    for (const o of outcomes) {
      if (o.outcome !== 'created' || !o.logType || !o.employee) continue;
      const rule = o.logType === 'IN' ? uc.onIn : uc.onOut;
      if (rule === 'none') continue;
      const action = rule === 'enable' ? 'enable' : 'disable';
      if (uc.exempt.includes(o.empCode)) {
        o.userControl = { action, mode: uc.mode, result: 'exempt', detail: `${o.empCode} is on the exemption list` };
        continue;
      }
      const applied = state.userControlApplied?.[o.empCode];
      if (applied && applied > o.punchTime) {
        o.userControl = {
          action,
          mode: uc.mode,
          result: 'superseded',
          detail: `a later punch (${applied}) already decided`,
        };
        continue;
      }
      const prev = pending[o.empCode];
      if (prev && prev.punchTime > o.punchTime) {
        o.userControl = {
          action,
          mode: uc.mode,
          result: 'superseded',
          detail: `a later punch (${prev.punchTime}) decides`,
        };
        continue;
      }
      if (prev && prev.runId === this.runId) {
        patches.push({
          key: prev.key,
          patch: {
            userControl: {
              action: prev.enable ? 'enable' : 'disable',
              mode: uc.mode,
              result: 'superseded',
              detail: `a later punch (${o.punchTime}) decides`,
            },
          },
        });
      }
      o.userControl = { action, mode: uc.mode, result: 'planned' };
      const employee = employees.get(o.employee);
      if (!employee || dryRun) continue;
      pending[o.empCode] = {
        empCode: o.empCode,
        employee,
        enable: action === 'enable',
        key: o.key,
        runId: this.runId,
        punchTime: o.punchTime,
        attempts: 0,
      };
    }
    return patches;
  }

  /**
   * Applies every pending wanted state once; returns outcome patches and the number of calls that failed.
   * `persist` saves the device state: the mechanism's memory is saved before each server-side change it protects.
   */
  async apply(
    control: UserControl,
    state: DeviceState,
    persist: () => Promise<void>,
    signal?: AbortSignal,
  ): Promise<{ patches: Patch[]; calls: number; failed: number }> {
    const pending = state.pendingUserControl ?? {};
    const items = Object.values(pending);
    if (!items.length) return { patches: [], calls: 0, failed: 0 };
    const memory: UserControlMemory = {
      get: (k) => state.userControlMemory[k],
      set: async (k, v) => {
        if (v === undefined) delete state.userControlMemory[k];
        else state.userControlMemory[k] = v;
        await persist();
      },
    };
    const results = await control.apply(
      items.map((p) => ({ empCode: p.empCode, employee: p.employee, enable: p.enable })),
      memory,
      signal,
    );
    const byCode = new Map(results.map((r) => [r.empCode, r]));
    const patches: Patch[] = [];
    let failed = 0;
    for (const p of items) {
      const r = byCode.get(p.empCode) ?? {
        empCode: p.empCode,
        result: 'failed' as const,
        detail: 'no result from the user-control mechanism',
      };
      const rec: UserControlRecord = {
        action: p.enable ? 'enable' : 'disable',
        mode: control.mode,
        result: r.result,
        detail: r.detail,
      };
      if (p.runId === this.runId) patches.push({ key: p.key, patch: { userControl: rec } });
      if (r.result === 'failed') {
        failed++;
        p.attempts++;
        if (p.attempts >= MAX_USER_CONTROL_ATTEMPTS) delete pending[p.empCode];
      } else {
        delete pending[p.empCode];
        (state.userControlApplied ??= {})[p.empCode] = p.punchTime;
      }
    }
    return { patches, calls: items.length, failed };
  }
}

// BioTime punch_state → Frappe log type. States are opaque strings ("0", "1", "255", "I"...): the configured map is
// consulted first, then the rule for every other state. Defaults follow the seed: 0 → IN, 1 → OUT, others → IN.
import type { LogType, PunchStateAction } from '../shared/model';

export interface PunchStateRules {
  punchStates: Record<string, PunchStateAction>;
  otherPunchStates: PunchStateAction;
}

export const DEFAULT_PUNCH_STATES: Record<string, PunchStateAction> = { '0': 'IN', '1': 'OUT' };

export function actionForState(state: string, rules: PunchStateRules): PunchStateAction {
  const key = state.trim();
  return Object.prototype.hasOwnProperty.call(rules.punchStates, key) ? rules.punchStates[key] : rules.otherPunchStates;
}

export function logTypeOf(action: PunchStateAction): LogType | null {
  return action === 'IN' || action === 'OUT' ? action : null;
}

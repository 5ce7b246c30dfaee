// What each punch must end as, derived from the scenario alone (the configuration the operator wrote, the people
// in Frappe, BioTime's record) and never from the engine's code or output.
import type { FailureCode } from '../src/shared/model';
import type { Action, Person, PunchSpec, Scenario } from './scenario';
import { convertWallTime } from './zones';

export type Expectation =
  /** Exactly one Employee Checkin with these fields, created by this device. */
  | { type: 'checkin'; employee: string; time: string; logType: 'IN' | 'OUT' | null }
  /** A checkin entered by hand before the sync: the punch is its duplicate and nothing new is created. */
  | { type: 'manual'; employee: string; time: string; logType: 'IN' | 'OUT' | null }
  /** A failed punch kept with this reason. */
  | { type: 'failed'; failure: FailureCode; reason: RegExp; employee?: string; time?: string }
  /** No checkin, no failed punch. */
  | { type: 'skip'; employee?: string; time?: string };

/** The configured action for a BioTime punch_state, compared as text ("4" and 4 are the same state). */
export function actionOf(s: Scenario, state: string | number | null): Action {
  const key = state === null ? '' : String(state).trim();
  return Object.prototype.hasOwnProperty.call(s.punchStates, key) ? s.punchStates[key] : s.otherPunchStates;
}

export function expectationOf(s: Scenario, spec: PunchSpec, employees: Map<string, string>): Expectation {
  if (spec.kind === 'emptyCode') return { type: 'failed', failure: 'badRecord', reason: /emp_code/ };
  if (spec.kind === 'badTime') return { type: 'failed', failure: 'badRecord', reason: /punch_time/ };
  if (spec.kind === 'noId') return { type: 'failed', failure: 'badRecord', reason: /\bid\b/ };
  const action = actionOf(s, spec.state);
  const person: Person | undefined = s.people.find((p) => p.code === spec.code);
  const employee = employees.get(spec.code);
  const deviceZone = s.deviceZone ?? s.siteZone;
  const time = convertWallTime(spec.time, deviceZone, s.siteZone) ?? undefined;
  if (action === 'SKIP') return { type: 'skip', employee, time };
  if (!person?.inFrappe || !employee)
    return {
      type: 'failed',
      failure: 'unknownEmployee',
      reason: new RegExp(`no employee with Biometric ID ${spec.code}\\b`),
    };
  if (time === undefined) return { type: 'failed', failure: 'timeZone', reason: /./, employee };
  const logType = action === 'NONE' ? null : action;
  if (spec.kind === 'manual') return { type: 'manual', employee, time, logType };
  if (person.status === 'Inactive')
    return { type: 'failed', failure: 'refused', reason: /Inactive Employee/, employee, time };
  if (person.strict && logType === null)
    return { type: 'failed', failure: 'refused', reason: /Log Type is required/, employee, time };
  return { type: 'checkin', employee, time, logType };
}

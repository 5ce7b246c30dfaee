// Validators of single fields, for the places an operator types one value (the extension's Add Device wizard, the
// CLI): the same rules and words as the configuration check, so a value the wizard accepts is one the config accepts.
//
//   timeZoneProblem(v)         → string | undefined   "unknown time zone "Asia/Riyad" …; did you mean "Asia/Riyadh"?"
//   baseUrlProblem(v, of)      → { message, suggestion? } | undefined   suggestion = the stripped base URL
//   parsePunchStateText(text)  → { punchStates, otherPunchStates } | { error }   "0=IN, 1=OUT, other=NONE"
//   intervalProblem(v)         → string | undefined   minutes between syncs, as the config's intervalMinutes
//   deviceEntryProblems(entry, site) → { key, message }[]   the configuration check of one device entry, as saved
import type { PunchStateAction } from '../shared/model';
import { checkConfig } from './configCheck';
import { checkTimeZone, checkUrl } from './configSchema';
import { punchStateKeyProblem } from './punchStateKeys';

const ACTIONS: readonly PunchStateAction[] = ['IN', 'OUT', 'NONE', 'SKIP'];

/** The problem with an IANA time zone name, with a "did you mean" when one is close; undefined when valid. */
export function timeZoneProblem(value: string): string | undefined {
  let message: string | undefined;
  checkTimeZone(value.trim(), (m) => void (message = m));
  return message;
}

/**
 * The problem with a BioTime (`device`) or Frappe (`site`) base URL; `suggestion` is the URL to use instead when it
 * can be derived (a pasted page or API address → its origin).
 */
export function baseUrlProblem(
  value: string,
  of: 'device' | 'site',
): { message: string; suggestion?: string } | undefined {
  let message: string | undefined;
  checkUrl(value.trim(), of, (m) => void (message = m));
  if (message === undefined) return undefined;
  let suggestion: string | undefined;
  try {
    const u = new URL(value.trim());
    if ((u.protocol === 'http:' || u.protocol === 'https:') && !u.username && !u.password) suggestion = u.origin;
  } catch {
    // not a URL at all: nothing to suggest
  }
  return suggestion && suggestion !== value.trim() ? { message, suggestion } : { message };
}

/**
 * Parses "state=ACTION" pairs ("0=IN, 1=OUT, other=NONE"). BioTime punch states are numbers ("0" … "255"); a state
 * given twice is refused rather than letting the last one win silently.
 */
export function parsePunchStateText(
  text: string,
): { punchStates: Record<string, PunchStateAction>; otherPunchStates: PunchStateAction } | { error: string } {
  const punchStates: Record<string, PunchStateAction> = {};
  let otherPunchStates: PunchStateAction | undefined;
  const parts = text
    .split(/[,;]/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (!parts.length) return { error: 'Enter at least one state, e.g. 0=IN, 1=OUT' };
  for (const part of parts) {
    const m = /^([^=:\s]+)\s*[=:]\s*([A-Za-z]+)$/.exec(part);
    if (!m) return { error: `"${part}" is not state=ACTION (e.g. 0=IN).` };
    const [, state, act] = m;
    const action = act.toUpperCase() as PunchStateAction;
    if (!ACTIONS.includes(action)) return { error: `"${act}" in "${part}" is not one of ${ACTIONS.join(', ')}.` };
    if (state.toLowerCase() === 'other') {
      if (otherPunchStates !== undefined) return { error: '"other" is given twice; keep one.' };
      otherPunchStates = action;
      continue;
    }
    const keyProblem = punchStateKeyProblem(state);
    if (keyProblem) return { error: `${keyProblem}.` };
    const key = state;
    if (Object.hasOwn(punchStates, key))
      return { error: `State ${key} is given twice (${key}=${punchStates[key]} and ${part}); keep one.` };
    punchStates[key] = action;
  }
  return { punchStates, otherPunchStates: otherPunchStates ?? 'IN' };
}

/** Minutes between syncs: the configuration's rule for intervalMinutes (a whole number from 1 to 1440). */
export function intervalProblem(value: string): string | undefined {
  const text = value.trim();
  if (!/^\d+$/.test(text)) return 'Enter a whole number of minutes.';
  return entryProblem({ intervalMinutes: Number(text) }, 'intervalMinutes');
}

/**
 * The configuration check of one device entry exactly as it would be saved, against its site: the problems the CLI
 * and the extension would report for it afterwards (key inside the entry and message). Empty when it can run.
 */
export function deviceEntryProblems(
  entry: Record<string, unknown>,
  site: Record<string, unknown>,
): { key: string; message: string }[] {
  const check = checkConfig({ sites: [site], devices: [entry] });
  return check.problems.filter((p) => p.list === 'devices').map((p) => ({ key: p.key, message: p.message }));
}

/** The problem of one key of an otherwise valid device entry. */
function entryProblem(fields: Record<string, unknown>, key: string): string | undefined {
  const entry = { id: 'x', url: 'http://biotime.invalid', username: 'u', site: 's', ...fields };
  const found = deviceEntryProblems(entry, { id: 's', url: 'http://frappe.invalid' }).find((p) => p.key === key);
  return found && `${found.message[0].toUpperCase()}${found.message.slice(1)}.`;
}

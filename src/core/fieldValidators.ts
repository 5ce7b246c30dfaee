// Validators of single fields, for the places an operator types one value (the extension's Add Device wizard, the
// CLI): the same rules and words as the configuration check, so a value the wizard accepts is one the config accepts.
//
//   timeZoneProblem(v)         → string | undefined   "unknown time zone "Asia/Riyad" …; did you mean "Asia/Riyadh"?"
//   baseUrlProblem(v, of)      → { message, suggestion? } | undefined   suggestion = the stripped base URL
//   parsePunchStateText(text)  → { punchStates, otherPunchStates } | { error }   "0=IN, 1=OUT, other=NONE"
import type { PunchStateAction } from '../shared/model';
import { checkTimeZone, checkUrl } from './configSchema';

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
    if (!/^\d{1,3}$/.test(state))
      return { error: `"${state}" is not a BioTime punch state: states are numbers such as 0, 1, 5 or 255.` };
    const key = String(Number(state));
    if (Object.hasOwn(punchStates, key))
      return { error: `State ${key} is given twice (${key}=${punchStates[key]} and ${part}); keep one.` };
    punchStates[key] = action;
  }
  return { punchStates, otherPunchStates: otherPunchStates ?? 'IN' };
}

// Validation of the Add/Edit Device answers, as the operator types. vscode-free and unit-tested.
// Every rule that the configuration check also has is asked of the core (fieldValidators → config.ts), so the wizard
// and the CLI's config check cannot disagree: what the wizard accepts, `biotime-sync` and the tree accept too.
import type { PunchStateAction } from '../../shared/model';
import { baseUrlProblem, intervalProblem, parsePunchStateText, timeZoneProblem } from '../../core/fieldValidators';

export function validateRequired(what: string): (v: string) => string | undefined {
  return (v) => (v.trim() ? undefined : `Enter the ${what}.`);
}

export function validateName(taken: string[]): (v: string) => string | undefined {
  return (v) => {
    const name = v.trim();
    if (!name) return 'Enter a name for the device, e.g. "Head office".';
    if (name.length > 80) return 'Keep the name under 80 characters.';
    if (taken.some((t) => t.toLowerCase() === name.toLowerCase())) return `A device named "${name}" already exists.`;
    return undefined;
  };
}

/** A stable id from a name: lowercase, `-` separated, unique among `taken`. */
export function slugify(name: string, taken: string[]): string {
  const base =
    name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'device';
  let id = base;
  for (let n = 2; taken.includes(id); n++) id = `${base}-${n}`;
  return id;
}

export function validateId(taken: string[]): (v: string) => string | undefined {
  return (v) => {
    if (!/^[a-z0-9][a-z0-9_-]*$/.test(v))
      return 'Use lowercase letters, digits, - and _ (starting with a letter or digit).';
    if (taken.includes(v)) return `The id "${v}" is already used.`;
    return undefined;
  };
}

/**
 * A new Frappe site's id (its name in the tree, the settings and FRAPPE_API_KEY_<SITE>): the config's id rule, kept
 * to lowercase like device ids, and unique among the configured sites ignoring case (ids name environment variables).
 */
export function validateSiteId(taken: string[]): (v: string) => string | undefined {
  return (v) => {
    const id = v.trim();
    if (!id) return 'Enter a name for the Frappe site, e.g. "hr" or "head-office-hr".';
    if (!/^[a-z0-9][a-z0-9_-]{0,39}$/.test(id))
      return 'Use up to 40 lowercase letters, digits, - and _ (starting with a letter or digit).';
    if (taken.some((t) => t.toLowerCase() === id))
      return `A Frappe site named "${id}" already exists; pick it instead.`;
    return undefined;
  };
}

export function validateUrl(v: string, of: 'device' | 'site' = 'device'): string | undefined {
  const text = v.trim();
  if (!text) return `Enter the ${of === 'device' ? 'BioTime server' : 'Frappe site'} URL, e.g. ${example(of)}`;
  if (/^https?:\/\/[^/]*@/i.test(text))
    return 'Do not put credentials in the URL; they are asked for separately and kept in the keychain.';
  const problem = baseUrlProblem(text, of);
  if (!problem) return undefined;
  if (problem.suggestion) return `${sentence(problem.message)}. Press Enter to use ${problem.suggestion}.`;
  return sentence(problem.message);
}

/** The base URL to offer instead of a pasted page or API address (its origin); undefined when there is none. */
export function urlFix(v: string, of: 'device' | 'site' = 'device'): string | undefined {
  return baseUrlProblem(v.trim(), of)?.suggestion;
}

function example(of: 'device' | 'site'): string {
  return of === 'device' ? 'http://biotime.example.com:8081' : 'https://hr.example.com';
}

/** Core messages are clauses ("unknown time zone …"); the input box shows sentences. */
function sentence(m: string): string {
  return `${m[0].toUpperCase()}${m.slice(1)}`.replace(/\.$/, '');
}

/** The URL as stored: trimmed, without a trailing slash. */
export function normalizeUrl(v: string): string {
  return v.trim().replace(/\/+$/, '');
}

export function validateInterval(v: string): string | undefined {
  return intervalProblem(v);
}

/** Empty = the site's zone; otherwise the config's rule, with its "did you mean" ("Asia/Riyad" → "Asia/Riyadh"). */
export function validateTimeZone(v: string): string | undefined {
  const zone = v.trim();
  if (!zone) return undefined;
  const problem = timeZoneProblem(zone);
  return problem && (/[.?!]$/.test(problem) ? sentence(problem) : `${sentence(problem)}.`);
}

export interface PunchStateMapping {
  punchStates: Record<string, PunchStateAction>;
  otherPunchStates: PunchStateAction;
}

/** Parses `0=IN, 1=OUT, 4=IN, other=NONE` with the core's rules: numeric (or I/O) states, each given once. */
export function parsePunchStates(text: string): PunchStateMapping | { error: string } {
  return parsePunchStateText(text);
}

export function formatPunchStates(m: PunchStateMapping): string {
  return [...Object.entries(m.punchStates).map(([k, v]) => `${k}=${v}`), `other=${m.otherPunchStates}`].join(', ');
}

// Validation of the Add/Edit Device answers, as the operator types. vscode-free and unit-tested.
import type { PunchStateAction } from '../../shared/model';

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

export function validateUrl(v: string): string | undefined {
  const text = v.trim();
  if (!text) return 'Enter the server URL, e.g. http://biotime.example.com:8081';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'This is not a URL. Include the scheme, e.g. http://10.0.0.5:8081';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'Use an http:// or https:// URL.';
  if (!url.hostname) return 'The URL needs a host name.';
  if (url.username || url.password)
    return 'Do not put credentials in the URL; they are asked for separately and kept in the keychain.';
  if (url.search || url.hash) return 'Enter the base URL only, without ?query or #fragment.';
  return undefined;
}

/** The URL as stored: trimmed, without a trailing slash. */
export function normalizeUrl(v: string): string {
  return v.trim().replace(/\/+$/, '');
}

export function validateInterval(v: string): string | undefined {
  if (!/^\d+$/.test(v.trim())) return 'Enter a whole number of minutes.';
  const n = Number(v);
  if (n < 1) return 'The interval is at least 1 minute.';
  if (n > 1440) return 'The interval is at most 1440 minutes (one day).';
  return undefined;
}

export function validateTimeZone(v: string): string | undefined {
  const zone = v.trim();
  if (!zone) return undefined;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return undefined;
  } catch {
    return `"${zone}" is not an IANA time zone (e.g. Asia/Dubai, Europe/Berlin, UTC).`;
  }
}

const ACTIONS: PunchStateAction[] = ['IN', 'OUT', 'NONE', 'SKIP'];

export interface PunchStateMapping {
  punchStates: Record<string, PunchStateAction>;
  otherPunchStates: PunchStateAction;
}

/** Parses `0=IN, 1=OUT, 4=IN, other=NONE`. */
export function parsePunchStates(text: string): PunchStateMapping | { error: string } {
  const punchStates: Record<string, PunchStateAction> = {};
  let otherPunchStates: PunchStateAction = 'IN';
  const parts = text
    .split(/[,;]/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (!parts.length) return { error: 'Enter at least one state, e.g. 0=IN, 1=OUT' };
  for (const part of parts) {
    const m = /^([0-9A-Za-z]+)\s*[=:]\s*([A-Za-z]+)$/.exec(part);
    if (!m) return { error: `"${part}" is not state=ACTION (e.g. 0=IN).` };
    const action = m[2].toUpperCase() as PunchStateAction;
    if (!ACTIONS.includes(action)) return { error: `"${m[2]}" is not one of ${ACTIONS.join(', ')}.` };
    if (m[1].toLowerCase() === 'other') otherPunchStates = action;
    else punchStates[m[1]] = action;
  }
  return { punchStates, otherPunchStates };
}

export function formatPunchStates(m: PunchStateMapping): string {
  return [...Object.entries(m.punchStates).map(([k, v]) => `${k}=${v}`), `other=${m.otherPunchStates}`].join(', ');
}

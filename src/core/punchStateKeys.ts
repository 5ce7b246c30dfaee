// What a BioTime punch state may be, in one place: the configuration check (settings.json, the CLI's file) and the
// extension's Add/Edit Device wizard both ask this, so a state one accepts is a state the other accepts.
//
// BioTime sends punch states as strings of a number ("0" Check In … "5" Overtime Out, "255" no state key); older
// or direct-database data also has the letter codes "I" and "O" (biotime-api.md §3.4). Anything else ("x", "00")
// would never match a punch and silently do nothing.

/** The JSON Schema pattern of a punch-state key (numbers 0–255 without leading zeros, or I / O). */
export const PUNCH_STATE_KEY_PATTERN = '^(?:[0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5]|I|O)$';
const KEY_RE = new RegExp(PUNCH_STATE_KEY_PATTERN);

/** Why `key` is not a BioTime punch state, with the form to use when it is a number written differently. */
export function punchStateKeyProblem(key: string): string | undefined {
  if (KEY_RE.test(key)) return undefined;
  const shown = JSON.stringify(key.length > 20 ? `${key.slice(0, 20)}…` : key);
  if (/^\d{1,3}$/.test(key) && Number(key) <= 255) return `write the punch state ${shown} as "${Number(key)}"`;
  if (/^[io]$/.test(key)) return `the letter codes are upper case: write "${key.toUpperCase()}"`;
  return `${shown} is not a BioTime punch state: states are numbers from 0 to 255 (0 Check In, 1 Check Out, 2 Break Out, 3 Break In, 4 Overtime In, 5 Overtime Out, 255 none) or the letter codes I and O`;
}

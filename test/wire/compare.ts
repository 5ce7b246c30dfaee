// Compares the sandbox's answer with the real site's, on what a client relies on (issue 11): the status, `exc_type`,
// whether `_server_messages` is present and doubly encoded, the message texts (HTML included) and the shape of
// `data`/`message`. Hosts, document names, timestamps and exception ids may differ and are normalised.

export interface Answer {
  status: number;
  body: string;
}

/** What the two answers are compared on, extracted from one of them. */
export interface Features {
  status: number;
  excType?: string;
  serverMessages: 'absent' | 'double' | 'other';
  /** `message` of each `_server_messages` entry, plus `_error_message`, `exception` and v2 `errors[].message`. */
  texts: string[];
  /** Keys of each `_server_messages` entry (plain permission logs have only message and title). */
  entryKeys: string[];
  shape: string;
  /** The scalar values of `data`/`message`, lightly normalised (see `valuesOf`). */
  values: string;
}

export function normalise(text: string): string {
  return text
    .replace(/https?:\/\/[A-Za-z0-9.-]+(?::\d+)?/g, 'http://HOST')
    .replace(/EMP-CKIN-\d{2}-\d{4}-\d{6}/g, 'EMP-CKIN-NAME')
    .replace(/\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?/g, 'TIMESTAMP')
    .replace(/`_[0-9a-f]{16}`/g, '`DB`');
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

// Values that differ between any two runs of a site: when a row was written, the session's address, hashes.
const volatileKeys = new Set(['creation', 'modified', 'last_active', 'last_login', 'last_ip', 'userid']);

function lightNormalise(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  return value
    .replace(/https?:\/\/[A-Za-z0-9.-]+(?::\d+)?/g, 'http://HOST')
    .replace(/EMP-CKIN-\d{2}-\d{4}-\d{6}/g, 'EMP-CKIN-NAME')
    .replace(/(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})\.\d+/g, '$1')
    .replace(/^[a-z0-9]{10}$/, 'HASH-NAME');
}

/**
 * The values of a JSON payload, for the things a client relies on beyond the shape (the `time` the server stored,
 * which roles a user has): timestamps are kept to the second (the replay runs on the recorded clock), checkin names,
 * hosts and the volatile keys are normalised away; arrays compare in any order.
 */
export function valuesOf(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(valuesOf).sort().join(', ')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([k]) => !volatileKeys.has(k))
      .sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${k}: ${valuesOf(v)}`).join(', ')}}`;
  }
  const normal = lightNormalise(value);
  // 0.0 and 0 are the same number to a client (Python prints floats with ".0", JavaScript does not).
  return JSON.stringify(normal);
}

/**
 * The shape of a JSON value: object key sets with the shape of each value, arrays as their length and the
 * (order-independent) shapes of their elements, scalars as their type.
 */
export function shapeOf(value: unknown): string {
  if (Array.isArray(value)) {
    const shapes = value.map(shapeOf).sort();
    return `[${value.length}: ${[...new Set(shapes)].join(' | ')}]`;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${k}: ${shapeOf(v)}`).join(', ')}}`;
  }
  return typeOf(value);
}

function decodeEntries(raw: unknown): { kind: Features['serverMessages']; entries: Array<Record<string, unknown>> } {
  if (raw === undefined) return { kind: 'absent', entries: [] };
  try {
    const outer = JSON.parse(String(raw)) as unknown;
    if (typeof raw !== 'string' || !Array.isArray(outer) || !outer.every((e) => typeof e === 'string'))
      return { kind: 'other', entries: [] };
    return { kind: 'double', entries: outer.map((e) => JSON.parse(e as string) as Record<string, unknown>) };
  } catch {
    return { kind: 'other', entries: [] };
  }
}

export function features(answer: Answer): Features {
  let body: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(answer.body) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
  } catch {
    body = { unparsable: answer.body.slice(0, 60) };
  }
  const { kind, entries } = decodeEntries(body._server_messages);
  const errors = Array.isArray(body.errors) ? (body.errors as Array<Record<string, unknown>>) : [];
  const texts = [
    ...entries.map((e) => String(e.message)),
    ...(body._error_message !== undefined ? [`_error_message: ${String(body._error_message)}`] : []),
    ...(body.exception !== undefined ? [`exception: ${String(body.exception)}`] : []),
    ...errors.map((e) => `errors: ${String(e.message)}`),
  ].map(normalise);
  const payload = 'data' in body ? { data: body.data } : 'message' in body ? { message: body.message } : {};
  return {
    status: answer.status,
    excType: body.exc_type !== undefined ? String(body.exc_type) : errors[0]?.type ? String(errors[0].type) : undefined,
    serverMessages: kind,
    texts,
    entryKeys: entries.map((e) => Object.keys(e).sort().join(',')),
    shape: shapeOf(payload),
    values: valuesOf(payload),
  };
}

const clip = (text: string, n = 160): string => (text.length > n ? `${text.slice(0, n)}…` : text);

function parsable(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * A recording cut short (j1 keeps 2,003 of 5,213 bytes): the status, and the sandbox body must begin with the
 * recorded part, normalised, up to its last complete element.
 */
function truncatedDifferences(real: Answer, sandbox: Answer): string[] {
  const out: string[] = [];
  if (real.status !== sandbox.status) out.push(`status ${real.status} ≠ ${sandbox.status}`);
  const recorded = normalise(real.body);
  const prefix = recorded.slice(0, recorded.lastIndexOf(',') + 1);
  if (!normalise(sandbox.body).startsWith(prefix)) out.push(`body does not begin like the recorded (truncated) body`);
  return out;
}

/** One line per field that differs (empty when the sandbox answered like the real site). */
export function differences(real: Answer, sandbox: Answer): string[] {
  if (!parsable(real.body)) return truncatedDifferences(real, sandbox);
  const a = features(real);
  const b = features(sandbox);
  const out: string[] = [];
  if (a.status !== b.status) out.push(`status ${a.status} ≠ ${b.status}`);
  if (a.excType !== b.excType) out.push(`exc_type ${String(a.excType)} ≠ ${String(b.excType)}`);
  if (a.serverMessages !== b.serverMessages) out.push(`_server_messages ${a.serverMessages} ≠ ${b.serverMessages}`);
  if (a.entryKeys.join(';') !== b.entryKeys.join(';'))
    out.push(`message keys [${a.entryKeys.join(';')}] ≠ [${b.entryKeys.join(';')}]`);
  const textsA = a.texts.join('\n');
  const textsB = b.texts.join('\n');
  if (textsA !== textsB) {
    const i = a.texts.findIndex((t, k) => t !== b.texts[k]);
    const at = i < 0 ? a.texts.length : i;
    out.push(`text ${JSON.stringify(clip(a.texts[at] ?? '∅'))} ≠ ${JSON.stringify(clip(b.texts[at] ?? '∅'))}`);
  }
  if (a.shape !== b.shape) out.push(`shape ${clip(a.shape, 300)} ≠ ${clip(b.shape, 300)}`);
  else if (a.values !== b.values) {
    const at = [...a.values].findIndex((ch, i) => ch !== b.values[i]);
    const from = Math.max(0, at - 80);
    out.push(`values …${a.values.slice(from, at + 80)}… ≠ …${b.values.slice(from, at + 80)}…`);
  }
  return out;
}

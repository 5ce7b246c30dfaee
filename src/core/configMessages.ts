// Wording shared by the configuration checks: how a bad value is shown (clipped; URLs with any user-info masked),
// JSON paths of keys, and the "did you mean" suggestion for a mistyped key, zone or id. Pure functions, no spec.

const SECRET_KEY_RE = /pass(word|wd)?|secret|token|api_?key|credential/i;

export function unknownKeyMessage(key: string, known: string[], secretHint?: string): string {
  if (SECRET_KEY_RE.test(key) && secretHint) return `secrets are not allowed in the configuration: ${secretHint}`;
  const hint = suggest(key, known);
  return hint
    ? `unknown key; did you mean '${hint}'?`
    : `unknown key; expected one of ${known.filter((k) => k !== '$schema').join(', ')}`;
}

/** The closest candidate by edit distance (ignoring case), when it is close enough to be a typo. */
export function suggest(input: string, candidates: readonly string[]): string | undefined {
  if (input.length > 64) return undefined;
  const a = input.toLowerCase();
  let best: string | undefined;
  let bestDist = Infinity;
  for (const c of candidates) {
    const dist = editDistance(a, c.toLowerCase());
    if (dist < bestDist) [best, bestDist] = [c, dist];
  }
  if (best === undefined) return undefined;
  const prefix = a.length >= 4 && best.toLowerCase().startsWith(a);
  if (bestDist <= Math.max(1, Math.floor(best.length / 3)) || prefix) return best;
  // A long shared start with one candidate only ("intervall" → "intervalMinutes"): a shortened or mistyped key.
  const starts = candidates.filter((c) => commonPrefix(a, c.toLowerCase()) >= Math.max(6, a.length - 2));
  return starts.length === 1 ? starts[0] : undefined;
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** Levenshtein distance where swapping two neighbours counts once (the commonest typo: "mdoe"). */
function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        row[j] = Math.min(row[j], before[j - 2] + 1);
    }
    [before, prev] = [prev, row];
  }
  return prev[b.length];
}

export function describe(v: unknown): string {
  if (v === null) return 'null (leave the key out to use the default)';
  if (Array.isArray(v)) return 'an array';
  switch (typeof v) {
    case 'string':
      return JSON.stringify(clip(v, 60));
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(v);
    case 'object':
      return 'an object';
    default:
      return typeof v;
  }
}

/** URLs are shown with any user-info masked: a URL that failed to parse may still carry a password. */
export function describeUrl(v: string): string {
  return JSON.stringify(clip(v.replace(/\/\/[^/?#]*@/, '//…@'), 80));
}

/** A file path in a message: long ones lose their start, never the file name at the end. */
export function describePath(file: string, max = 120): string {
  return JSON.stringify(file.length > max ? `…${file.slice(file.length - max + 1)}` : file);
}

export function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

export function joinKey(at: string, key: string): string {
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return at ? `${at}.${key}` : key;
  return `${at}[${JSON.stringify(clip(key, 40))}]`;
}

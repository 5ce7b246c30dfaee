// One redaction step for everything the engine writes: log lines, error messages, run records, `--json` output.
// Known secret values are replaced wherever they appear; well-known secret shapes (Authorization headers, JWTs,
// password/secret/token fields) are replaced even when their value was never registered.
import type { Logger } from './ports';

const MASK = '«redacted»';

const PATTERNS: [RegExp, string | ((...m: string[]) => string)][] = [
  // Authorization headers and their values in any casing: "Authorization: JWT abc", "token key:secret"
  [/\b(authorization)(["']?\s*[:=]\s*["']?)([^"'\r\n,}]+)/gi, (_m, k, sep) => `${k}${sep}${MASK}`],
  // Scheme words in any case (Frappe writes "token key:secret"); a credential has a digit or a colon, which keeps
  // ordinary prose such as "Token authentication failed" intact.
  [
    /\b(JWT|Token|Bearer|Basic)\s+(?=[A-Za-z0-9._~+/=:-]*[0-9:])[A-Za-z0-9._~+/=:-]{8,}/gi,
    (_m, scheme) => `${scheme} ${MASK}`,
  ],
  // JSON Web Tokens anywhere
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, MASK],
  // key=value and "key": "value" for secret-looking keys
  [
    /(["']?)(password|passwd|pwd|api_?secret|apiSecret|secret|token|api_?key|apiKey|device_password|self_password)\1(\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,&}]+)/gi,
    (_m, q, k, sep) => `${q}${k}${q}${sep}"${MASK}"`,
  ],
  // credentials embedded in URLs
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi, (_m, scheme) => `${scheme}${MASK}@`],
];

export class Redactor {
  private secrets = new Set<string>();

  /** Registers a secret value; it will be masked wherever it appears. Values shorter than 4 chars are ignored. */
  add(value: string | undefined | null): void {
    if (value && value.length >= 4) this.secrets.add(value);
  }

  redact(text: string): string {
    let out = text;
    for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) {
      if (out.includes(s)) out = out.split(s).join(MASK);
      // The same secret inside JSON text is escaped (quotes, backslashes, control characters).
      const escaped = JSON.stringify(s).slice(1, -1);
      if (escaped !== s && out.includes(escaped)) out = out.split(escaped).join(MASK);
      // A message cut short ("…") may have cut a secret too: its first part must not survive the cut.
      if (out.includes('…'))
        for (let k = s.length - 1; k >= 4; k--)
          if (out.includes(s.slice(0, k) + '…')) out = out.split(s.slice(0, k) + '…').join(MASK + '…');
    }
    for (const [re, rep] of PATTERNS) out = out.replace(re, rep as (...m: string[]) => string);
    return out;
  }

  /** Redacts every string inside a JSON-able value (for records written to disk or printed as JSON). Keys stay. */
  redactValue<T>(value: T): T {
    return this.walk(value, 0) as T;
  }

  private walk(v: unknown, depth: number): unknown {
    if (typeof v === 'string') return this.redact(v);
    if (v === null || typeof v !== 'object' || depth > 64) return v;
    if (Array.isArray(v)) return v.map((x) => this.walk(x, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = this.walk(x, depth + 1);
    return out;
  }
}

/** Wraps a logger so every line passes through the redactor first. */
export function redactingLogger(inner: Logger, redactor: Redactor): Logger {
  return {
    trace: (m) => inner.trace(redactor.redact(m)),
    debug: (m) => inner.debug(redactor.redact(m)),
    info: (m) => inner.info(redactor.redact(m)),
    warn: (m) => inner.warn(redactor.redact(m)),
    error: (m) => inner.error(redactor.redact(m)),
  };
}

export const nullLogger: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/**
 * Python-flavoured JSON. Frappe serialises with the stdlib `json` module: `ensure_ascii` escapes every
 * non-ASCII character as \uXXXX, and the default separators put a space after ":" and "," (the inner
 * `_server_messages` strings look like that). The response envelope itself uses compact separators
 * (`frappe/utils/response.py` `as_json`). Newer releases switched to orjson: compact and raw UTF-8.
 */
export interface PyJsonStyle {
  /** Python default separators (", " and ": ") instead of compact ones. */
  spaced: boolean;
  /** Escape non-ASCII as \uXXXX like `json.dumps(ensure_ascii=True)`. */
  ensureAscii: boolean;
}

function escapeString(value: string, ensureAscii: boolean): string {
  const json = JSON.stringify(value);
  if (!ensureAscii) return json;
  return json.replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function pyDumps(value: unknown, style: PyJsonStyle): string {
  const comma = style.spaced ? ', ' : ',';
  const colon = style.spaced ? ': ' : ':';
  const write = (v: unknown): string => {
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'string') return escapeString(v, style.ensureAscii);
    if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (Array.isArray(v)) return `[${v.map(write).join(comma)}]`;
    if (typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>).filter(([, item]) => item !== undefined);
      return `{${entries.map(([k, item]) => `${escapeString(k, style.ensureAscii)}${colon}${write(item)}`).join(comma)}}`;
    }
    return escapeString(String(v), style.ensureAscii);
  };
  return write(value);
}

// A JSON syntax scanner for configuration files. JSON.parse on Node 20 names no position for most errors
// ("Unexpected token '}', ... is not valid JSON"), silently keeps the last of duplicate keys, and gives no bound on
// nesting. This scanner runs first: it finds the line and column of the first syntax error with a message an
// operator can act on, lists duplicate keys by JSON path, and refuses nesting deeper than a limit. It is iterative
// (an explicit stack), so hostile nesting cannot overflow the call stack. JSON.parse still builds the value.

export interface TextPosition {
  line: number;
  column: number;
}

export interface JsonScan {
  error?: TextPosition & { message: string };
  /** Keys that appear twice in one object, by JSON path, with the position of the repeat. */
  duplicates: (TextPosition & { path: string })[];
}

interface Frame {
  obj: boolean;
  path: string;
  keys: Set<string>;
  /** Index of the current element (arrays). */
  index: number;
  /** Where the bracket was opened, for "never closed". */
  pos: number;
}

type Expect = 'value' | 'valueOrClose' | 'key' | 'keyOrClose' | 'colon' | 'commaOrClose' | 'eof';
type Fail = { pos: number; message: string };

export function scanJsonText(text: string, maxDepth: number): JsonScan {
  const dups: { path: string; pos: number }[] = [];
  const result = (fail?: Fail): JsonScan => ({
    ...(fail ? { error: { ...positionOf(text, fail.pos), message: fail.message } } : {}),
    duplicates: dups.map((d) => ({ path: d.path, ...positionOf(text, d.pos) })),
  });
  const stack: Frame[] = [];
  let expect: Expect = 'value';
  let key = '';
  let afterComma = false;
  let i = 0;
  const afterValue = (): Expect => (stack.length ? 'commaOrClose' : 'eof');
  for (;;) {
    i = skipSpace(text, i);
    const c = text[i];
    if (expect === 'eof')
      return result(
        c === undefined
          ? undefined
          : { pos: i, message: `unexpected ${show(text, i)} after the end of the JSON value` },
      );
    if (c === undefined) return result({ pos: i, message: endMessage(text, stack) });
    if (c === '/') return result({ pos: i, message: 'comments are not allowed in JSON' });
    const wasComma = afterComma;
    afterComma = false;
    switch (expect) {
      case 'value':
      case 'valueOrClose': {
        if (c === ']' && expect === 'valueOrClose') {
          stack.pop();
          expect = afterValue();
          i++;
          break;
        }
        if (c === '{' || c === '[') {
          if (stack.length >= maxDepth) return result({ pos: i, message: `nesting deeper than ${maxDepth} levels` });
          const parent = stack[stack.length - 1];
          const path = !parent ? '' : parent.obj ? joinKey(parent.path, key) : `${parent.path}[${parent.index}]`;
          stack.push({ obj: c === '{', path, keys: new Set(), index: 0, pos: i });
          expect = c === '{' ? 'keyOrClose' : 'valueOrClose';
          i++;
          break;
        }
        if ((c === ']' || c === '}') && wasComma)
          return result({ pos: i, message: 'trailing commas are not allowed in JSON' });
        const end = scanScalar(text, i);
        if (typeof end !== 'number') return result(end);
        i = end;
        expect = afterValue();
        break;
      }
      case 'key':
      case 'keyOrClose': {
        const top = stack[stack.length - 1];
        if (c === '}' && expect === 'keyOrClose') {
          stack.pop();
          expect = afterValue();
          i++;
          break;
        }
        if (c === '}') return result({ pos: i, message: 'trailing commas are not allowed in JSON' });
        if (c !== '"')
          return result({ pos: i, message: `expected a property name in double quotes, found ${show(text, i)}` });
        const end = scanString(text, i);
        if (typeof end !== 'number') return result(end);
        key = JSON.parse(text.slice(i, end)) as string;
        if (top.keys.has(key)) dups.push({ path: joinKey(top.path, key), pos: i });
        else top.keys.add(key);
        i = end;
        expect = 'colon';
        break;
      }
      case 'colon':
        if (c !== ':')
          return result({ pos: i, message: `expected ':' after the property name, found ${show(text, i)}` });
        i++;
        expect = 'value';
        break;
      case 'commaOrClose': {
        const top = stack[stack.length - 1];
        const close = top.obj ? '}' : ']';
        if (c === ',') {
          i++;
          afterComma = true;
          if (!top.obj) top.index++;
          expect = top.obj ? 'key' : 'value';
        } else if (c === close) {
          stack.pop();
          i++;
          expect = afterValue();
        } else {
          return result({ pos: i, message: `expected ',' or '${close}', found ${show(text, i)}` });
        }
        break;
      }
    }
  }
}

function scanScalar(s: string, i: number): number | Fail {
  const c = s[i];
  if (c === '"') return scanString(s, i);
  for (const word of ['true', 'false', 'null']) if (s.startsWith(word, i)) return i + word.length;
  if (c === '-' || (c >= '0' && c <= '9')) {
    const re = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    re.lastIndex = i;
    if (!re.exec(s)) return { pos: i, message: `invalid number ${show(s, i)}` };
    if (s[i] === '0' || (s[i] === '-' && s[i + 1] === '0')) {
      if (/\d/.test(s[re.lastIndex] ?? ''))
        return { pos: i, message: 'numbers must not start with 0 (write codes with leading zeros as strings)' };
    }
    return re.lastIndex;
  }
  return { pos: i, message: `expected a value, found ${show(s, i)}` };
}

function scanString(s: string, start: number): number | Fail {
  for (let j = start + 1; j < s.length; j++) {
    const ch = s.charCodeAt(j);
    if (ch === 0x22) return j + 1;
    if (ch < 0x20)
      return { pos: j, message: 'line break or control character inside a string (write it as \\n, \\t, ...)' };
    if (ch !== 0x5c) continue;
    const esc = s[j + 1];
    if (esc === 'u') {
      if (!/^[0-9a-fA-F]{4}$/.test(s.slice(j + 2, j + 6)))
        return { pos: j, message: 'invalid \\u escape in a string (expected 4 hex digits)' };
      j += 5;
    } else if (esc !== undefined && '"\\/bfnrt'.includes(esc)) {
      j += 1;
    } else {
      return { pos: j, message: `invalid escape ${show(s, j)} in a string (write a backslash as \\\\)` };
    }
  }
  return { pos: start, message: 'unterminated string (the closing double quote is missing)' };
}

function skipSpace(s: string, i: number): number {
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  return i;
}

function endMessage(s: string, stack: Frame[]): string {
  const top = stack[stack.length - 1];
  if (!top) return 'unexpected end of file';
  const at = positionOf(s, top.pos);
  return `unexpected end of file: the '${top.obj ? '{' : '['}' at line ${at.line}, column ${at.column} is never closed`;
}

/** The offending token, quoted, short. */
function show(s: string, i: number): string {
  if (s[i] === "'") return 'a single quote (JSON strings and property names use double quotes)';
  if (s[i] === '"') {
    const end = scanString(s, i);
    const str = typeof end === 'number' ? s.slice(i, end) : s.slice(i, i + 1);
    return `'${str.length > 24 ? `${str.slice(0, 24)}…` : str}'`;
  }
  const word = /[A-Za-z0-9_$.+-]{1,20}/y;
  word.lastIndex = i;
  const m = word.exec(s);
  const token = m ? m[0] : (s[i] ?? '');
  return token === '' ? 'end of file' : `'${token}'`;
}

export function positionOf(s: string, pos: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < pos && k < s.length; k++) {
    if (s.charCodeAt(k) === 0x0a) {
      line++;
      lineStart = k + 1;
    }
  }
  return { line, column: pos - lineStart + 1 };
}

function joinKey(at: string, key: string): string {
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return at ? `${at}.${key}` : key;
  return `${at}[${JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key)}]`;
}

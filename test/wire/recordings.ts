// Reads the recorded exchanges of docs/reference/frappe-wire/: each `*.txt` holds the curl command line of the
// request (`### REQUEST: curl …`) and the raw response (status line, headers, body). The command line is not shell
// quoted, so options are split on the option names curl was given (-X, -H, -G, --data, --data-urlencode).
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. "/api/resource/Employee?fields=…". */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface RecordedResponse {
  status: number;
  /** Response date (the site's clock when it answered). */
  date: Date;
  body: string;
}

export interface Exchange {
  /** File name without `.txt`, e.g. "c2_insert_many_3_duplicate". */
  name: string;
  /** Undefined where the file holds only the response (j0, j1, k13): the replay supplies the request. */
  request?: RecordedRequest;
  response: RecordedResponse;
}

/** `<sync-api-key>` placeholders become the sandbox's keys; `<base64 k:s>` becomes that base64. */
function fillPlaceholders(value: string): string {
  return value
    .replace(/<base64 ([^>]+)>/g, (_, plain: string) => Buffer.from(plain).toString('base64'))
    .replace(/<([a-z]+-api-(?:key|secret))>/g, '$1');
}

function splitOptions(args: string): Array<[string, string]> {
  const parts = args.split(/(?:^|\s)(?=(?:-X|-H|-G|--data-urlencode|--data)(?:\s|$))/).filter((p) => p.trim());
  return parts.map((part) => {
    const match = /^(-X|-H|-G|--data-urlencode|--data)(?:\s(.*))?$/s.exec(part) as RegExpExecArray;
    return [match[1], match[2] ?? ''];
  });
}

function encodePair(pair: string): string {
  const eq = pair.indexOf('=');
  return eq < 0 ? encodeURIComponent(pair) : `${pair.slice(0, eq)}=${encodeURIComponent(pair.slice(eq + 1))}`;
}

export function parseCurl(line: string): RecordedRequest {
  const command = line.replace(/^### REQUEST: curl\s?/, '');
  const urlMatch = /\s?(https?:\/\/\S+)$/.exec(command);
  if (!urlMatch) throw new Error(`no URL in ${line}`);
  const url = new URL(urlMatch[1]);
  const headers: Record<string, string> = {};
  let method: string | undefined;
  let get = false;
  const data: string[] = [];
  const encoded: string[] = [];
  for (const [option, value] of splitOptions(command.slice(0, urlMatch.index))) {
    if (option === '-X') method = value.trim();
    else if (option === '-G') get = true;
    else if (option === '-H') {
      const colon = value.indexOf(':');
      headers[value.slice(0, colon).trim()] = fillPlaceholders(value.slice(colon + 1).replace(/^ /, ''));
    } else if (option === '--data') data.push(value);
    else encoded.push(encodePair(value));
  }
  const formParts = [...data, ...encoded];
  let query = url.search.replace(/^\?/, '');
  let body: string | undefined;
  if (get) query = [query, ...formParts].filter(Boolean).join('&');
  else if (formParts.length > 0) {
    body = formParts.join('&');
    headers['Content-Type'] ??= 'application/x-www-form-urlencoded';
  }
  method ??= get || body === undefined ? 'GET' : 'POST';
  return { method, path: url.pathname + (query ? `?${query}` : ''), headers, body };
}

function parseResponse(text: string): RecordedResponse {
  const lines = text.split('\n');
  const status = Number(/^HTTP(?:\/1\.[01])? (\d{3})/.exec(lines[0])?.[1]);
  // Either one header per line, or (j0, j1) a Python dict of headers on the second line.
  const dateText = /^Date: (.*)$/m.exec(text)?.[1] ?? /'Date': '([^']+)'/.exec(text)?.[1];
  const blank = lines.indexOf('');
  const bodyLines = lines.slice(blank + 1);
  const end = bodyLines.findIndex((l) => l.startsWith('### '));
  const body = (end < 0 ? bodyLines : bodyLines.slice(0, end)).join('\n').trim();
  return { status, date: new Date(dateText ?? 0), body };
}

export function parseExchange(name: string, text: string): Exchange {
  const requestLine = /^### REQUEST: .*$/m.exec(text)?.[0];
  const responseAt = text.indexOf('### RESPONSE:\n');
  const responseText = responseAt >= 0 ? text.slice(responseAt + '### RESPONSE:\n'.length) : text;
  return {
    name,
    request: requestLine ? parseCurl(requestLine) : undefined,
    response: parseResponse(responseText),
  };
}

const natural = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

/**
 * Every exchange of the folder in the order the site saw them: by the response's Date, then by file name (natural
 * order). Within one second the files do not always follow their names (g4 came before g2b, which lists its row).
 */
export function loadExchanges(dir: string): Exchange[] {
  const exchanges = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .map((f) => parseExchange(f.replace(/\.txt$/, ''), fs.readFileSync(path.join(dir, f), 'utf8')));
  exchanges.sort((a, b) => a.response.date.getTime() - b.response.date.getTime() || natural(a.name, b.name));
  const moveAfter = (name: string, after: string): void => {
    const from = exchanges.findIndex((e) => e.name === name);
    const [moved] = exchanges.splice(from, 1);
    exchanges.splice(exchanges.findIndex((e) => e.name === after) + 1, 0, moved);
  };
  moveAfter('g2b_weak_verify', 'g4_weak_add_log_based_on_field');
  return exchanges;
}

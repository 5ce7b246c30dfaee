// What every CLI process of a run must never do, whatever the faults: crash (a signal we did not send, an exit
// code other than 0/1, a stack trace), hang, print --json that is not JSON, or let a secret out.
import type { CliResult } from './cli';
import { findSecrets, type Violation } from './invariants';

export interface Recorded {
  result: CliResult;
  json: boolean;
  what: string;
}

const JWT_SHAPE = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/;
const STACK_TRACE = /Unexpected error|\n\s+at [^\n]+:\d+:\d+\)?(\n|$)/;

export function tail(text: string, n = 400): string {
  const t = text.trim();
  return t.length > n ? `…${t.slice(-n)}` : t;
}

export function checkProcess({ result: r, json, what }: Recorded): Violation[] {
  if (r.hung)
    return [{ kind: 'hang', detail: `${what} (${r.args[0]}) did not finish in time; killed. ${tail(r.err)}` }];
  if (r.killedByUs) return [];
  if (r.signal) return [{ kind: 'crash', detail: `${what} died of ${r.signal}: ${tail(r.err)}` }];
  const out: Violation[] = [];
  if (r.code !== 0 && r.code !== 1) out.push({ kind: 'crash', detail: `${what} exited ${r.code}: ${tail(r.err)}` });
  if (STACK_TRACE.test(r.err))
    out.push({ kind: 'crash', detail: `${what} printed a stack trace: ${tail(r.err, 1200)}` });
  if (json && r.out.trim()) {
    try {
      JSON.parse(r.out);
    } catch {
      out.push({ kind: 'json', detail: `${what}: --json output is not JSON: ${tail(r.out)}` });
    }
  }
  return out;
}

/** Every line every CLI process wrote, against the planted secrets and every token seen on the wire. */
export function scanOutputs(results: Recorded[], secrets: Map<string, string>, tokens: Set<string>): Violation[] {
  const all = new Map(secrets);
  let i = 0;
  for (const t of tokens) if (t.length >= 16) all.set(`BioTime token #${++i}`, t);
  const seen = new Set<string>();
  const out: Violation[] = [];
  for (const { result, what } of results) {
    for (const [stream, text] of [
      ['stdout', result.out],
      ['stderr', result.err],
    ] as const) {
      const hits = findSecrets(text, all);
      if (JWT_SHAPE.test(text)) hits.push('a JWT');
      for (const h of hits) {
        const k = `${h}|${what}|${stream}`;
        if (seen.has(k)) continue;
        seen.add(k);
        out.push({ kind: 'secretLeak', detail: `${h} appears on the ${stream} of ${what} (${result.args[0]})` });
      }
    }
  }
  return out;
}

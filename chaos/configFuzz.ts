// Seeded fuzzer of configuration files for the security tests: each case is a valid base configuration with one
// mutation (a wrong type, an unknown key, a huge value, hostile nesting, broken JSON) and the key the error must
// name ("(file)" for syntax and size, with its line and column). The base is a fully-defaulted configuration from
// the tests' builders, with every optional key set so that each can be broken.
import { config, device, site } from '../test/support/configBuilders';
import { Rng } from './rng';

export const BASE_CONFIG = config(
  [
    device({
      url: 'https://biotime.acme.example:8081',
      punchStates: { '0': 'IN', '1': 'OUT', '2': 'OUT' },
      userControl: { mode: 'area', noAccessArea: 'NOACCESS', onIn: 'enable', onOut: 'disable', exempt: ['0042'] },
      pageSize: 200,
      importSince: '2026-01-01',
      terminalLocations: { CQUJ0001: { latitude: 25.2, longitude: 55.3 } },
      location: { latitude: 25.2, longitude: 55.3 },
    }),
  ],
  [site({ url: 'https://hr.acme.example', shiftTypes: [{ shiftType: 'Day', devices: ['hq'] }] })],
);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = (string | number)[];

const MAPS = new Set(['punchStates', 'terminalLocations']);

/** The validator's spelling of a path: devices[0].userControl.mode, devices[0].punchStates["2"]. */
export function keyOf(path: Path): string {
  let out = '';
  path.forEach((p, i) => {
    if (typeof p === 'number') out += `[${p}]`;
    else if (i > 0 && MAPS.has(String(path[i - 1]))) out += `[${JSON.stringify(p)}]`;
    else out += out ? `.${p}` : p;
  });
  return out;
}

function leaves(v: Json, path: Path = []): { path: Path; value: Json }[] {
  const here = path.length ? [{ path, value: v }] : [];
  if (Array.isArray(v)) return [...here, ...v.flatMap((x, i) => leaves(x, [...path, i]))];
  if (v && typeof v === 'object') return [...here, ...Object.entries(v).flatMap(([k, x]) => leaves(x, [...path, k]))];
  return here;
}

function setAt(root: Json, path: Path, value: Json): Json {
  const copy = structuredClone(root);
  let at = copy as Record<string | number, Json>;
  for (const p of path.slice(0, -1)) at = at[p] as Record<string | number, Json>;
  at[path[path.length - 1]] = value;
  return copy;
}

function typeOf(v: Json): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

/** A value of another JSON type than `v`. */
function otherType(r: Rng, v: Json): Json {
  const options: Json[] = [42, -1.5, 'text', true, null, [], { nested: 1 }, [1, 'two']];
  const pick = r.shuffle(options).find((o) => typeOf(o) !== typeOf(v));
  return pick === undefined ? 7 : pick;
}

/** Offsets of the structural characters of a JSON text (quotes included), not those inside strings. */
function structuralOffsets(text: string): number[] {
  const out: number[] = [];
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') {
        inString = false;
        out.push(i);
      }
    } else if (c === '"') {
      inString = true;
      out.push(i);
    } else if ('{}[]:,'.includes(c)) out.push(i);
  }
  return out;
}

export interface FuzzCase {
  what: string;
  text: string;
  /** The key the error must name ("(file)" for syntax and size problems). */
  key: string;
}

const OBJECT_PATHS: Path[] = [
  [],
  ['sites', 0],
  ['devices', 0],
  ['devices', 0, 'tls'],
  ['devices', 0, 'userControl'],
  ['devices', 0, 'location'],
  ['sites', 0, 'tls'],
  ['sites', 0, 'shiftTypes', 0],
];

export function fuzzCase(seed: number): FuzzCase {
  const r = new Rng(seed);
  const base = BASE_CONFIG as unknown as Json;
  const kind = r.pick([
    'type',
    'type',
    'unknownKey',
    'hugeString',
    'hugeNumber',
    'hugeArray',
    'deepNesting',
    'truncated',
    'structural',
    'garbage',
    'hugeFile',
    'notObject',
  ] as const);
  switch (kind) {
    case 'type': {
      const leaf = r.pick(leaves(base));
      const value = otherType(r, leaf.value);
      return {
        what: `${keyOf(leaf.path)} set to ${JSON.stringify(value)}`,
        text: JSON.stringify(setAt(base, leaf.path, value)),
        key: keyOf(leaf.path),
      };
    }
    case 'unknownKey': {
      const at = r.pick(OBJECT_PATHS);
      const name = r.pick([
        'colour',
        'password',
        'apiSecret',
        'urls',
        'Enabled',
        'site_id',
        '__proto__x',
        'x'.repeat(r.int(1, 60)),
      ]);
      const obj = at.reduce<Json>((o, p) => (o as Record<string | number, Json>)[p], base) as Record<string, Json>;
      const text = JSON.stringify(
        at.length
          ? setAt(base, at, { ...obj, [name]: r.pick<Json>([1, 'x', true, null, {}]) })
          : { ...(base as Record<string, Json>), [name]: 1 },
      );
      return { what: `unknown key ${name} in ${keyOf(at) || '(root)'}`, text, key: keyOf([...at, name]) };
    }
    case 'hugeString': {
      const strings = leaves(base).filter((l) => typeof l.value === 'string');
      const leaf = r.pick(strings);
      return {
        what: `${keyOf(leaf.path)} set to a ${r.int(3, 200)}k-character string`,
        text: JSON.stringify(setAt(base, leaf.path, 'A'.repeat(r.int(3, 200) * 1000))),
        key: keyOf(leaf.path),
      };
    }
    case 'hugeNumber': {
      const numbers = leaves(base).filter((l) => typeof l.value === 'number');
      const leaf = r.pick(numbers);
      const value = r.pick([1e308, -1e308, 2 ** 60, 1e21]);
      return {
        what: `${keyOf(leaf.path)} set to ${value}`,
        text: JSON.stringify(setAt(base, leaf.path, value)),
        key: keyOf(leaf.path),
      };
    }
    case 'hugeArray': {
      const path = r.pick<Path>([['devices', 0, 'userControl', 'exempt'], ['sites', 0, 'shiftTypes'], ['devices']]);
      const n = r.int(1001, 20_000);
      return {
        what: `${keyOf(path)} with ${n} items`,
        text: JSON.stringify(
          setAt(
            base,
            path,
            Array.from({ length: n }, () => 'x'),
          ),
        ),
        key: keyOf(path),
      };
    }
    case 'deepNesting': {
      const depth = r.int(65, 100_000);
      const leaf = r.pick(leaves(base));
      const text = JSON.stringify(setAt(base, leaf.path, '@@DEEP@@')).replace(
        '"@@DEEP@@"',
        `${'['.repeat(depth)}${']'.repeat(depth)}`,
      );
      return { what: `${depth} nested arrays at ${keyOf(leaf.path)}`, text, key: '(file)' };
    }
    case 'truncated': {
      const text = JSON.stringify(base, null, r.chance(0.5) ? 2 : 0);
      return { what: 'truncated file', text: text.slice(0, r.int(1, text.length - 2)), key: '(file)' };
    }
    case 'structural': {
      const text = JSON.stringify(base, null, 2);
      const spots = structuralOffsets(text);
      const at = r.pick(spots);
      return {
        what: `"${text[at]}" removed at offset ${at}`,
        text: text.slice(0, at) + text.slice(at + 1),
        key: '(file)',
      };
    }
    case 'garbage': {
      const text = JSON.stringify(base, null, 2);
      // At the start of a line: outside any string, so the result is never valid JSON.
      const lines = [...text.matchAll(/\n/g)].map((m) => m.index! + 1);
      const at = r.pick(lines);
      const junk = r.pick(['// comment\n', ',', '}', "'", 'undefined', '\u0000', 'NaN']);
      return {
        what: `${JSON.stringify(junk)} inserted at offset ${at}`,
        text: text.slice(0, at) + junk + text.slice(at),
        key: '(file)',
      };
    }
    case 'hugeFile':
      return {
        what: 'a 2 MB file',
        text: JSON.stringify({ ...BASE_CONFIG, $schema: 'x'.repeat(2 * 1024 * 1024) }),
        key: '(file)',
      };
    case 'notObject':
      return {
        what: 'a JSON value that is not an object',
        text: JSON.stringify(r.pick<Json>([[], 'sites', 42, null, true, [base]])),
        key: '(root)',
      };
  }
}

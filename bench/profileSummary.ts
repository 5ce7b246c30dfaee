// Summarises a V8 CPU profile of a contender (from `npm run bench -- --cpu-prof DIR`): self time by function and
// by source module, the modules named from esbuild's "// src/…" markers in the bundled child.js next to it.
// Usage: npx tsx bench/profileSummary.ts DIR/engine-….cpuprofile [top]
import * as fs from 'node:fs';
import * as path from 'node:path';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

function moduleLocator(bundle: string): (line: number) => string {
  const marks: Array<[number, string]> = [];
  if (fs.existsSync(bundle)) {
    fs.readFileSync(bundle, 'utf8')
      .split('\n')
      .forEach((l, i) => {
        const m = /^\/\/ (\S+\.(?:ts|js|mjs|cjs|json))$/.exec(l);
        if (m)
          marks.push([i, m[1].replace(/^.*?node_modules\//, 'node_modules/').replace(/^(\.\.\/)+(work\/main\/)?/, '')]);
      });
  }
  return (line) => {
    let name = '(bundle)';
    for (const [at, mod] of marks) {
      if (at > line) break;
      name = mod;
    }
    return name;
  };
}

function main(): void {
  const file = process.argv[2];
  const top = Number(process.argv[3] ?? 25);
  if (!file) throw new Error('usage: profileSummary.ts FILE.cpuprofile [top]');
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const locate = moduleLocator(path.join(path.dirname(file), 'child.js'));
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byFn = new Map<string, number>();
  const byModule = new Map<string, number>();
  for (const n of p.nodes) {
    const us = self.get(n.id) ?? 0;
    if (!us) continue;
    const cf = n.callFrame;
    const where = cf.url.endsWith('child.js')
      ? locate(cf.lineNumber)
      : cf.url
        ? cf.url.replace(/^.*node_modules\//, 'node_modules/').replace(/^node:/, 'node:')
        : '(native)';
    const fn = `${cf.functionName || '(anonymous)'} ${where}${cf.url.endsWith('child.js') ? `:${cf.lineNumber + 1}` : ''}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + us);
    byModule.set(where, (byModule.get(where) ?? 0) + us);
  }
  const show = (title: string, m: Map<string, number>) => {
    console.log(`\n${title}`);
    for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top))
      console.log(`${(v / 1000).toFixed(0).padStart(7)} ms ${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
  };
  // Inclusive time: every function on a sample's stack gets the sample once.
  const parent = new Map<number, number>();
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const key = (n: Node) =>
    `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.endsWith('child.js') ? `${locate(n.callFrame.lineNumber)}:${n.callFrame.lineNumber + 1}` : n.callFrame.url || '(native)'}`;
  const inclusive = new Map<string, number>();
  p.samples.forEach((id, i) => {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = key(byId.get(cur)!);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + (p.timeDeltas[i] ?? 0));
    }
  });
  for (const k of [...inclusive.keys()]) if (!/ (src|bench)\//.test(k)) inclusive.delete(k);
  console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled`);
  show('Inclusive time by function (our code)', inclusive);
  show('Self time by module', byModule);
  show('Self time by function', byFn);
}

main();

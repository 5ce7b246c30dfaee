// Fails when package.json and the code disagree about commands (style rule 5): every contributed command must be
// registered in src/vscode, every registered bioSync.* command must be contributed with the "BioTime Sync" category,
// and every menu entry must name a contributed command. The extension-host suite checks the same at run time.
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const contributed = new Map(pkg.contributes.commands.map((c) => [c.command, c]));

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}
const registered = new Map();
for (const file of walk(path.join(root, 'src/vscode'))) {
  const text = fs.readFileSync(file, 'utf8');
  for (const m of text.matchAll(/registerCommand\(\s*(?:[\w.]+\s*,\s*)?['"`](bioSync\.[\w.]+)['"`]/g)) {
    registered.set(m[1], path.relative(root, file));
  }
}

let checks = 0;
const problems = [];
const expect = (ok, problem) => {
  checks++;
  if (!ok) problems.push(problem);
};
for (const [id, c] of contributed) {
  expect(registered.has(id), `${id} is contributed but never registered`);
  expect(c.category === 'BioTime Sync', `${id} has category ${JSON.stringify(c.category)}, expected "BioTime Sync"`);
}
for (const [id, file] of registered) expect(contributed.has(id), `${id} is registered in ${file} but not contributed`);
for (const [menu, entries] of Object.entries(pkg.contributes.menus ?? {})) {
  for (const e of entries)
    expect(!e.command || contributed.has(e.command), `menus.${menu} names unknown command ${e.command}`);
}
for (const w of pkg.contributes.viewsWelcome ?? []) {
  for (const m of w.contents.matchAll(/\(command:([\w.]+)\)/g))
    expect(contributed.has(m[1]), `viewsWelcome links unknown command ${m[1]}`);
}

for (const p of problems) console.log(`✘ ${p}`);
console.log(`${contributed.size} contributed commands, ${registered.size} registered in src/vscode`);
console.log(`${checks - problems.length} passed, ${problems.length} failed`);
process.exit(problems.length ? 1 : 0);

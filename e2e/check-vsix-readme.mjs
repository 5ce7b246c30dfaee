// The extension's page (Extensions → BioTime Sync → Details) is the readme inside the .vsix: every image it shows
// must be a file in the package (or an absolute https URL), and it must be the operator README, not developer steps.
// Usage: node e2e/check-vsix-readme.mjs biotime-sync.vsix   Prints what is wrong and exits 1, or one ok line.
import { execFileSync } from 'node:child_process';

const vsix = process.argv[2] ?? 'biotime-sync.vsix';
const files = new Set(execFileSync('unzip', ['-Z1', vsix], { encoding: 'utf8' }).split('\n').filter(Boolean));
const readme = execFileSync('unzip', ['-p', vsix, 'extension/readme.md'], { encoding: 'utf8' });
const problems = [];
const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]);
if (!images.length) problems.push('the readme shows no image');
for (const src of images) {
  if (/^https:\/\//.test(src)) continue;
  if (/^[a-z]+:/i.test(src)) problems.push(`${src}: only package files or https URLs load`);
  else if (!files.has(`extension/${src.replace(/^\.\//, '')}`)) problems.push(`${src}: not in the .vsix`);
}
for (const dev of ['npm install', 'npm run', 'npm ci'])
  if (readme.includes(dev)) problems.push(`the readme shows developer steps ("${dev}")`);
for (const section of ['Install', 'first sync', 'Commands', 'Settings', 'Troubleshooting'])
  if (!new RegExp(`^## .*${section}`, 'im').test(readme)) problems.push(`no "${section}" section`);
if (problems.length) {
  console.error(`extension/readme.md in ${vsix}:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`vsix readme: ${images.length} image(s), all in the package`);

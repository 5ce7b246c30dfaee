// Issue 12 C2: every message that names a command names one that exists. Scans the sources (and the README and
// package.json descriptions) for palette titles ("BioTime Sync: …" in quotes or emphasis) and CLI invocations
// (`biotime-sync <command> --flag`), and checks each against package.json contributes.commands and the CLI parser.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMANDS, parseCli } from '../../src/cli/args';
import {
  PALETTE,
  resetCursorHint,
  setBioTimePasswordHint,
  setFrappeApiKeyHint,
  setHintHost,
} from '../../src/core/fixHints';

const ROOT = path.resolve(__dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  contributes: { commands: { command: string; title: string; category?: string }[] };
};
const TITLES = new Set(pkg.contributes.commands.map((c) => `${c.category ? `${c.category}: ` : ''}${c.title}`));

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : /\.ts$/.test(e.name) ? [p] : [];
  });
}
const FILES = [...sources(path.join(ROOT, 'src')), path.join(ROOT, 'README.md'), path.join(ROOT, 'package.json')];

function scan(re: RegExp): { file: string; match: RegExpExecArray }[] {
  return FILES.flatMap((file) => [...fs.readFileSync(file, 'utf8').matchAll(re)].map((match) => ({ file, match })));
}

describe('message catalogue: named commands exist', () => {
  it('every palette title a message names is a contributed command title', () => {
    const named = scan(/["*“']BioTime Sync: ([^"*”'`\n]+)["*”']/g);
    assert.ok(named.length >= 4, 'the scan finds the known references');
    const wrong = named
      .map((n) => ({ at: path.relative(ROOT, n.file), title: `BioTime Sync: ${n.match[1]}` }))
      .filter((n) => !TITLES.has(n.title) && /^BioTime Sync: [A-Z]/.test(n.title));
    assert.deepEqual(wrong, [], `titles that are not contributed commands:\n${JSON.stringify(wrong, null, 1)}`);
    for (const t of Object.values(PALETTE)) assert.ok(TITLES.has(t), `${t} is not a contributed command`);
  });

  it('every `biotime-sync <command> --flag` a message or the README names parses', () => {
    const named = scan(/biotime-sync ((?:[a-z][a-z-]*)(?: (?:--[a-z-]+(?: [A-Za-z_<>.$/-]+)?|[A-Z_]+))*)/g);
    assert.ok(named.length >= 10);
    const bad: string[] = [];
    for (const n of named) {
      const words = n.match[1].split(' ');
      if (!(COMMANDS as readonly string[]).includes(words[0])) {
        // prose such as "biotime-sync is" / "biotime-sync and" is not an invocation
        if (/^(is|and|or|the|cli|runs?|reads?|has|uses|can|does)$/.test(words[0]) === false)
          bad.push(`${path.relative(ROOT, n.file)}: ${n.match[0]}`);
        continue;
      }
      const argv = words.map((w) => (/^[A-Z_<>.$/-]+$/.test(w) || w.includes('/') ? 'X' : w));
      try {
        parseCli(argv.concat(argv.includes('--device') || words[0] !== 'dismiss' ? [] : ['--device', 'x']), {});
      } catch (e) {
        // Missing required values in a shortened example are fine; unknown options or commands are not.
        if (/Unknown (option|command)/.test((e as Error).message))
          bad.push(`${path.relative(ROOT, n.file)}: ${n.match[0]} (${(e as Error).message.split('.')[0]})`);
      }
    }
    assert.deepEqual(bad, []);
  });

  it('fix texts name the host’s own way: the CLI its environment and commands, VS Code its palette', () => {
    try {
      setHintHost('cli');
      assert.equal(
        setBioTimePasswordHint('hq-2'),
        'set BIOTIME_PASSWORD_HQ_2 (or BIOTIME_PASSWORD) in the environment',
      );
      assert.match(setFrappeApiKeyHint('acme'), /^set FRAPPE_API_KEY_ACME and FRAPPE_API_SECRET_ACME/);
      assert.match(resetCursorHint('hq'), /biotime-sync reset-cursor --device hq/);
      setHintHost('vscode');
      assert.equal(setBioTimePasswordHint('hq'), 'run "BioTime Sync: Set BioTime Password…"');
      assert.equal(setFrappeApiKeyHint('acme'), 'run "BioTime Sync: Set Frappe API Key…"');
      assert.doesNotMatch(setBioTimePasswordHint('hq'), /BIOTIME_PASSWORD/);
    } finally {
      setHintHost('both');
    }
  });
});

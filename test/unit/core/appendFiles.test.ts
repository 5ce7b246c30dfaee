import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { indexEntries } from '../../../src/core/history/dayIndex';
import { AppendFiles, DayLines, encodeEntries, encodeLines } from '../../../src/core/history/segmentFile';

// The history writer keeps its day files open between batches. Whatever happens to a file between two appends
// (deleted, replaced under its name, written by someone else, a torn last line), the next append must land in the
// file under that name, after its last complete line, and say where.

describe('history AppendFiles', () => {
  let dir: string;
  let files: AppendFiles;
  const bytes = (s: string) => Buffer.from(s);
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bts-append-'));
    files = new AppendFiles(2);
  });
  afterEach(() => {
    files.closeAll();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('appends lines and says where they start and end', () => {
    const f = path.join(dir, 'a.jsonl');
    assert.deepEqual(files.appendLines(f, bytes('one\n')), { base: 0, end: 4 });
    assert.deepEqual(files.appendLines(f, bytes('two\n')), { base: 4, end: 8 });
    assert.equal(fs.readFileSync(f, 'utf8'), 'one\ntwo\n');
  });

  it('a file deleted between appends is created again (nothing written to the deleted one)', () => {
    const f = path.join(dir, 'a.jsonl');
    files.appendLines(f, bytes('one\n'));
    fs.rmSync(f);
    assert.deepEqual(files.appendLines(f, bytes('two\n')), { base: 0, end: 4 });
    assert.equal(fs.readFileSync(f, 'utf8'), 'two\n');
  });

  it('a file replaced under its name is appended to, not the old one', () => {
    const f = path.join(dir, 'a.jsonl');
    files.appendLines(f, bytes('one\n'));
    fs.writeFileSync(`${f}.tmp`, 'rebuilt\n');
    fs.renameSync(`${f}.tmp`, f);
    assert.deepEqual(files.appendLines(f, bytes('two\n')), { base: 8, end: 12 });
    assert.equal(fs.readFileSync(f, 'utf8'), 'rebuilt\ntwo\n');
  });

  it('bytes written by someone else are kept; a torn last line is ended first', () => {
    const f = path.join(dir, 'a.jsonl');
    files.appendLines(f, bytes('one\n'));
    fs.appendFileSync(f, '{"torn');
    assert.deepEqual(files.appendLines(f, bytes('two\n')), { base: 11, end: 15 });
    assert.equal(fs.readFileSync(f, 'utf8'), 'one\n{"torn\ntwo\n');
  });

  it('appendAt writes only where the caller expects the file to end', () => {
    const f = path.join(dir, 'a.idx');
    assert.equal(files.appendAt(f, 0, bytes('e1\n')), true);
    fs.appendFileSync(f, 'other\n');
    assert.equal(files.appendAt(f, 3, bytes('e2\n')), false);
    assert.equal(fs.readFileSync(f, 'utf8'), 'e1\nother\n');
    assert.equal(files.appendAt(f, 9, bytes('e2\n')), true);
    assert.equal(fs.readFileSync(f, 'utf8'), 'e1\nother\ne2\n');
  });

  it('keeps at most its limit of files open', function () {
    if (!fs.existsSync('/proc/self/fd')) this.skip(); // counts this process's open files (Linux)
    const open = () => fs.readdirSync('/proc/self/fd').length;
    const before = open();
    for (const name of ['a', 'b', 'c', 'd', 'e']) files.appendLines(path.join(dir, `${name}.jsonl`), bytes('x\n'));
    assert.equal(open() - before, 2);
    files.closeAll();
    assert.equal(open(), before);
  });
});

describe('history DayLines', () => {
  it('encodes the lines in order and gives each entry as `key TAB offset TAB length TAB tail`', () => {
    const lines = [
      { key: '1', line: '{"k":"1"}\n', tail: 'ko\toc\tc1001\te\ts\ta\tn\tN\n' },
      { key: 'raw:ab', line: '{}\n', tail: 'kp\n' },
      { key: '12345678901', line: '{"k":"12345678901","n":"abcdefghij"}\n', tail: 'ko\tocreated\tc1\te\ts\ta\tn\tN\n' },
    ];
    const nonAscii = [
      { key: '7', line: '{"n":"é"}\n', tail: 'ko\tocreated\tcé\teHR-1\tsS\taالبوابة\tn😀\tN\n' },
      { key: '8', line: '{"n":"😀 البوابة"}\n', tail: 'kp\n' },
      { key: '9', line: '{"n":"plain"}\n', tail: 'kp\n' },
    ];
    for (const set of [lines, nonAscii, [...nonAscii, ...lines]]) {
      const d = new DayLines('2026-12-03');
      for (const l of set) d.add(l.key, l.line, l.tail);
      const { bytes, ascii } = encodeLines(d);
      assert.equal(ascii, set === lines);
      const text = set.map((l) => l.line).join('');
      assert.deepEqual(Buffer.from(bytes), Buffer.from(text));
      for (const base of [0, 9, 123456789]) {
        let pos = base;
        const expected = set
          .map((l) => {
            const len = Buffer.byteLength(l.line) - 1;
            const entry = `${l.key}\t${pos}\t${len}\t${l.tail}`;
            pos += len + 1;
            return entry;
          })
          .join('');
        const entries = indexEntries(d, base, ascii);
        assert.equal(entries, expected);
        assert.deepEqual(Buffer.from(encodeEntries(entries)), Buffer.from(expected));
        // Each entry's offset and length frame its line in the encoded bytes.
        for (const e of entries.split('\n').filter(Boolean)) {
          const [key, off, len] = e.split('\t');
          const line = bytes.subarray(Number(off) - base, Number(off) - base + Number(len)).toString();
          assert.equal(line + '\n', set.find((l) => l.key === key)!.line);
        }
      }
    }
  });
});

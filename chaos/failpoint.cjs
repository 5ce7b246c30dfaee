// Preloaded into a CLI child (NODE_OPTIONS=--require) by the fault campaign: SIGKILLs the process at its k-th
// state-changing file operation under CHAOS_FS_ROOT (open for writing, write, fsync, rename, rm…), just before
// or just after it. That is a crash exactly mid-state-write, reproducibly, without touching the CLI's code.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const at = Number(process.env.CHAOS_FS_KILL_AT || 0);
const after = process.env.CHAOS_FS_KILL_PHASE === 'after';
const root = process.env.CHAOS_FS_ROOT ? path.resolve(process.env.CHAOS_FS_ROOT) : '';
// Children of the CLI (none today) must not inherit the failpoint.
delete process.env.NODE_OPTIONS;

if (at > 0 && root) {
  let n = 0;
  const under = (p) => {
    if (typeof p !== 'string' && !(p instanceof URL)) return false;
    const abs = path.resolve(p instanceof URL ? p.pathname : p);
    return abs === root || abs.startsWith(root + path.sep);
  };
  const die = () => process.kill(process.pid, 'SIGKILL');
  const guard = (orig, self, args) => {
    if (++n !== at) return orig.apply(self, args);
    if (!after) die();
    const result = orig.apply(self, args);
    return Promise.resolve(result).then((v) => {
      die();
      return v;
    });
  };
  const wrap = (obj, name, counts) => {
    const orig = obj[name];
    if (typeof orig !== 'function') return;
    obj[name] = function (...args) {
      return counts(args) ? guard(orig, this, args) : orig.apply(this, args);
    };
  };
  const p = fs.promises;
  for (const name of ['rename', 'rm', 'unlink', 'writeFile', 'appendFile', 'mkdir', 'utimes'])
    wrap(p, name, (a) => under(a[0]));
  const open = p.open;
  p.open = async function (file, flags, mode) {
    const writing = under(file) && typeof flags === 'string' && /[wa+]/.test(flags);
    const fh = writing ? await guard(open, this, [file, flags, mode]) : await open.call(this, file, flags, mode);
    if (writing) for (const m of ['write', 'writeFile', 'appendFile', 'sync', 'datasync']) wrap(fh, m, () => true);
    return fh;
  };
}

// A state directory that fills up: from the k-th state-changing file operation under CHAOS_FS_ROOT on
// (CHAOS_FS_FULL_AT), every write that needs new space fails with ENOSPC, as on a full disk. Creating, renaming
// and removing files still work, and so does overwriting bytes a file already has. The first refusal is noted in
// CHAOS_FS_FULL_MARK (outside the state directory) so the campaign knows the disk really filled.
const fullAt = Number(process.env.CHAOS_FS_FULL_AT || 0);
const fullMark = process.env.CHAOS_FS_FULL_MARK || '';
if (fullAt > 0 && root) {
  let n = 0;
  let full = false;
  const under = (p) => {
    if (typeof p !== 'string') return false;
    const abs = path.resolve(p);
    return abs === root || abs.startsWith(root + path.sep);
  };
  const tick = () => {
    if (++n >= fullAt) full = true;
  };
  const enospc = () => {
    if (fullMark && !fs.existsSync(fullMark)) fs.writeFileSync(fullMark, `${n}\n${new Error('refused here').stack}`);
    return Object.assign(new Error('ENOSPC: no space left on device, write'), {
      code: 'ENOSPC',
      errno: -28,
      syscall: 'write',
    });
  };
  const p = fs.promises;
  for (const name of ['writeFile', 'appendFile']) {
    const orig = p[name];
    p[name] = async function (...args) {
      if (!under(args[0])) return orig.apply(this, args);
      tick();
      if (full) throw enospc();
      return orig.apply(this, args);
    };
  }
  for (const name of ['rename', 'rm', 'unlink', 'mkdir']) {
    const orig = p[name];
    p[name] = function (...args) {
      if (under(args[0])) tick();
      return orig.apply(this, args);
    };
  }
  const open = p.open;
  p.open = async function (file, flags, mode) {
    const fh = await open.call(this, file, flags, mode);
    if (!under(file) || typeof flags !== 'string' || !/[wa+]/.test(flags)) return fh;
    tick();
    const write = fh.write.bind(fh);
    fh.write = async (...x) => {
      tick();
      if (full) {
        // Only an overwrite inside the file's current size needs no new space.
        const buf = Buffer.isBuffer(x[0]);
        const len = buf ? (x[2] ?? x[0].length) : Buffer.byteLength(String(x[0]));
        const pos = buf ? x[3] : typeof x[1] === 'number' ? x[1] : null;
        const { size } = await fh.stat();
        if (typeof pos !== 'number' || pos + len > size) throw enospc();
      }
      return write(...x);
    };
    for (const m of ['writeFile', 'appendFile']) {
      const orig = fh[m].bind(fh);
      fh[m] = async (...x) => {
        tick();
        if (full) throw enospc();
        return orig(...x);
      };
    }
    return fh;
  };
}

// Wall-clock jumps: after the CLI has read the clock CHAOS_CLOCK_JUMP_AFTER times, Date jumps by
// CHAOS_CLOCK_JUMP_MS (forward or back), as when NTP corrects a clock or an operator sets it. Timers are not
// affected (they run on the monotonic clock, as in reality).
const jumpMs = Number(process.env.CHAOS_CLOCK_JUMP_MS || 0);
if (jumpMs) {
  const after = Number(process.env.CHAOS_CLOCK_JUMP_AFTER || 0);
  const RealDate = Date;
  let reads = 0;
  const now = () => RealDate.now() + (++reads > after ? jumpMs : 0);
  class JumpingDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(now());
      else super(...args);
    }
    static now() {
      return now();
    }
  }
  globalThis.Date = JumpingDate;
}

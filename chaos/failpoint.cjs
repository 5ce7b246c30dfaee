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

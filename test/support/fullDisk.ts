// A file system that fills up, for the state store: while `full`, every write under `root` that needs new space
// fails with ENOSPC, as a full disk does — creating, renaming and removing files still work, and so does
// overwriting bytes a file already has (no new blocks). Patches node:fs's promise API in this process only.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface FullDisk {
  full: boolean;
  /** false: even overwriting existing bytes fails (a copy-on-write file system, where every write needs space). */
  overwrites: boolean;
  /** Writes refused so far. */
  refused: number;
  restore(): void;
}

export function fullDiskUnder(root: string): FullDisk {
  const abs = path.resolve(root);
  const under = (p: unknown) =>
    typeof p === 'string' && (path.resolve(p) === abs || path.resolve(p).startsWith(abs + path.sep));
  const p = fs.promises as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  const saved = { open: p.open, writeFile: p.writeFile, appendFile: p.appendFile };
  const disk: FullDisk = { full: false, overwrites: true, refused: 0, restore: () => Object.assign(p, saved) };
  const enospc = () => {
    disk.refused++;
    return Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28 });
  };
  for (const name of ['writeFile', 'appendFile'] as const)
    p[name] = async function (this: unknown, ...a: unknown[]) {
      if (disk.full && under(a[0])) throw enospc();
      return saved[name].apply(this, a);
    };
  p.open = async function (this: unknown, ...a: unknown[]) {
    const fh = (await saved.open.apply(this, a)) as fs.promises.FileHandle;
    if (!under(a[0])) return fh;
    const h = fh as unknown as Record<string, (...x: unknown[]) => Promise<unknown>>;
    const write = h.write.bind(fh);
    h.write = async (...x: unknown[]) => {
      if (disk.full) {
        // Only an overwrite inside the file's current size needs no new space.
        const len = Buffer.isBuffer(x[0])
          ? ((x[2] as number | undefined) ?? x[0].length)
          : Buffer.byteLength(String(x[0]));
        const pos = typeof x[3] === 'number' ? x[3] : typeof x[1] === 'number' && !Buffer.isBuffer(x[0]) ? x[1] : null;
        const { size } = await fh.stat();
        if (!disk.overwrites || pos === null || pos + len > size) throw enospc();
      }
      return write(...x);
    };
    for (const m of ['writeFile', 'appendFile'] as const) {
      const orig = h[m].bind(fh);
      h[m] = async (...x: unknown[]) => {
        if (disk.full) throw enospc();
        return orig(...x);
      };
    }
    return fh;
  };
  return disk;
}

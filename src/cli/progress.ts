// A single self-rewriting progress line on a terminal for long runs; silent when stderr is not a TTY.
import type { EngineEvent } from '../core/engineApi';

export class ProgressLine {
  private shown = false;
  private last = 0;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly enabled = !!process.stderr.isTTY,
  ) {}

  clear(): void {
    if (!this.shown) return;
    this.stream.write('\r\x1b[K');
    this.shown = false;
  }

  on(e: EngineEvent): void {
    if (!this.enabled || e.type !== 'punchesProcessed') return;
    const now = Date.now();
    if (now - this.last < 100) return;
    this.last = now;
    const c = e.counts;
    const pct = e.total ? ` ${Math.min(100, Math.round((e.processed / e.total) * 100))}%` : '';
    this.stream.write(
      `\r\x1b[K${e.deviceId}: ${e.processed}/${e.total || '?'}${pct} · ${c.created} created · ${c.duplicate} duplicates · ${c.failed} failed · ${c.skipped} skipped`,
    );
    this.shown = true;
  }
}

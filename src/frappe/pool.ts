// Bounded concurrency for Frappe requests. Benches run ~2 gunicorn workers (frappe-api.md §11), so the client keeps
// at most `concurrency` requests in flight and hands results back in input order.

export function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Runs `work` over `items` with at most `concurrency` calls in flight. After the first failure no new item is
 * started; the calls already running finish. Returns the failures (empty when all went well).
 */
export async function runPool<T>(
  items: T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<unknown[]> {
  const errors: unknown[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (!errors.length && next < items.length) {
      const i = next++;
      try {
        await work(items[i], i);
      } catch (e) {
        errors.push(e);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return errors;
}

/** Like Promise.all over a mapped list, with bounded concurrency; rejects with the first failure. */
export async function mapPool<T, R>(items: T[], concurrency: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  const errors = await runPool(items, concurrency, async (item, i) => {
    out[i] = await fn(item);
  });
  if (errors.length) throw errors[0];
  return out;
}

/** Below this many docs per batch, a second parallel request costs more than it saves. */
export const MIN_PARALLEL_BATCH = 20;

/**
 * Batch sizes for `n` documents: as few batches of at most `max` as possible, rounded up to a multiple of
 * `concurrency` (so every round keeps every worker busy) unless batches would drop below MIN_PARALLEL_BATCH,
 * and evened out. E.g. n=1000, max=200, concurrency=2 → 6 × ~167 (3 full rounds) instead of 5 × 200 (the last
 * one alone); n=3 → one batch.
 */
export function planBatches(n: number, max: number, concurrency: number): number[] {
  if (n <= 0) return [];
  const c = Math.max(1, concurrency);
  const needed = Math.ceil(n / max);
  const count = Math.max(needed, Math.min(Math.ceil(needed / c) * c, Math.floor(n / MIN_PARALLEL_BATCH)));
  const base = Math.floor(n / count);
  const extra = n % count;
  return Array.from({ length: count }, (_, i) => base + (i < extra ? 1 : 0));
}

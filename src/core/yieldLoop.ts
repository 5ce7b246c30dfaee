// The engine runs in the VS Code extension host, shared with every other extension: a loop over a batch of
// hundreds of punches must not hold the event loop for its whole length (issue 14: event-loop delay p99 ≤ 20 ms,
// max ≤ 50 ms during a 200,000-punch sync). Loops over a batch hand the loop back every YIELD_EVERY items.
export const YIELD_EVERY = 100;

/** Resolves on the next turn of the event loop, after pending I/O and timers. */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Calls `fn` on every item, yielding to the event loop every YIELD_EVERY items. */
export async function forEachYielding<T>(items: readonly T[], fn: (item: T, index: number) => void): Promise<void> {
  for (let i = 0; i < items.length; i++) {
    if (i > 0 && i % YIELD_EVERY === 0) await yieldToLoop();
    fn(items[i], i);
  }
}

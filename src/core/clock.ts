import { CancelledError } from './errors';
import type { Clock } from './ports';

/** The real clock. */
export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(new CancelledError());
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(t);
        reject(new CancelledError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
  setTimer: (cb, ms) => {
    const t = setTimeout(cb, ms);
    t.unref?.();
    return { dispose: () => clearTimeout(t) };
  },
};

// Which device and run a log line belongs to, carried through the async calls of a run instead of being passed to
// every logger call: a structured log (the CLI's `--log-format json`) reads it; plain text lines do not need it
// (their messages name the device already).
import { AsyncLocalStorage } from 'node:async_hooks';

export interface LogContext {
  device: string;
  run?: string;
}

const storage = new AsyncLocalStorage<LogContext>();

/** Runs `fn` with `ctx` as the log context of everything it awaits. */
export function withLogContext<T>(ctx: LogContext, fn: () => Promise<T>): Promise<T> {
  return storage.run(ctx, fn);
}

export function currentLogContext(): LogContext | undefined {
  return storage.getStore();
}

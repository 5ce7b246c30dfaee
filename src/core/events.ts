// A tiny event emitter with the same call shape as vscode's Event, so the extension can forward engine events
// unchanged while the engine itself stays free of any vscode import.

export interface Disposable {
  dispose(): void;
}

export type Event<T> = (listener: (e: T) => unknown, thisArgs?: unknown, disposables?: Disposable[]) => Disposable;

export interface EmitterOptions {
  /**
   * Told what a listener threw, or what the promise it returned rejected with. The owner reports it through its
   * Logger; without this hook the failure becomes a process warning — never silence, which hid broken views.
   */
  onListenerError?: (error: unknown) => void;
}

export class Emitter<T> implements Disposable {
  private listeners = new Set<(e: T) => unknown>();
  private disposed = false;

  constructor(private readonly options: EmitterOptions = {}) {}

  readonly event: Event<T> = (listener, thisArgs, disposables) => {
    const bound = thisArgs === undefined ? listener : listener.bind(thisArgs);
    if (!this.disposed) this.listeners.add(bound);
    const d: Disposable = { dispose: () => void this.listeners.delete(bound) };
    disposables?.push(d);
    return d;
  };

  /** Delivers to every listener; a failing listener never stops the others or the engine, and is reported. */
  fire(e: T): void {
    for (const l of [...this.listeners]) {
      try {
        const result = l(e);
        // An async listener fails later: without this its rejection would be unhandled (and end a Node process).
        if (isThenable(result)) result.then(undefined, (err: unknown) => this.report(err));
      } catch (err) {
        this.report(err);
      }
    }
  }

  private report(error: unknown): void {
    try {
      if (this.options.onListenerError) this.options.onListenerError(error);
      // No logger here to redact through: the warning names the kind of error, never its text.
      else
        process.emitWarning(
          `An event listener failed (${errorName(error)}); its emitter has no reporter.`,
          'ListenerError',
        );
    } catch {
      // The reporter itself failed (a closed log): the event was delivered to the others, nothing more to do.
    }
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
  }
}

function errorName(e: unknown): string {
  return e instanceof Error ? e.name : typeof e;
}

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return typeof (x as PromiseLike<unknown> | null)?.then === 'function';
}

// The CLI's standard streams. Writes to a pipe are asynchronous: a process that exits as soon as its command
// returns cuts what is still queued (65,536 bytes, a pipe's buffer). The CLI therefore waits until everything it
// wrote has been handed to the operating system before it exits. A reader that goes away early (`… | head`)
// makes stdout fail with EPIPE: that is reported in one line and a non-zero status, never as a crash.
import type { CliIo } from './main';

/** Exit status when standard output was closed before everything was written (documented in the README). */
export const EXIT_OUTPUT_CLOSED = 3;

export interface ProcessStdio {
  io: CliIo;
  /** Waits until stdout and stderr are written out, then ends the process with the status for `code`. */
  exit(code: number): Promise<never>;
}

export function processStdio(
  env: NodeJS.ProcessEnv = process.env,
  stdout: NodeJS.WritableStream & { destroyed?: boolean } = process.stdout,
  stderr: NodeJS.WritableStream & { destroyed?: boolean } = process.stderr,
  end: (code: number) => never = (code) => process.exit(code),
): ProcessStdio {
  let outFailed: NodeJS.ErrnoException | undefined;
  stdout.on('error', (e: NodeJS.ErrnoException) => (outFailed ??= e));
  // Nothing sensible can be said about a failing stderr; the error must not crash the process either.
  stderr.on('error', () => undefined);
  const write = (s: typeof stdout, text: string, ok: () => boolean) => {
    if (ok() && !s.destroyed) s.write(text + '\n');
  };
  return {
    io: {
      out: (t) => write(stdout, t, () => !outFailed),
      err: (t) => write(stderr, t, () => true),
      env,
    },
    async exit(code) {
      await flushed(stdout);
      let status = code;
      if (outFailed) {
        const why = outFailed.code ?? outFailed.message;
        write(
          stderr,
          `biotime-sync: standard output was closed before everything was written (${why}); the output is incomplete.`,
          () => true,
        );
        status = code === 0 ? EXIT_OUTPUT_CLOSED : code;
      }
      await flushed(stderr);
      return end(status);
    },
  };
}

/** Resolves once every write queued on `s` so far has completed (or the stream failed or closed). */
function flushed(s: NodeJS.WritableStream & { destroyed?: boolean }): Promise<void> {
  return new Promise((resolve) => {
    if (s.destroyed) return resolve();
    const done = () => {
      s.off('error', done);
      s.off('close', done);
      resolve();
    };
    s.once('error', done);
    s.once('close', done);
    // Writes complete in order: the callback of an empty write runs after every earlier one.
    s.write('', () => done());
  });
}

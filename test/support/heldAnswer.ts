// Makes a process provably busy instead of hoping it still is: the sandbox holds the answer to one chosen request
// (its writes are committed, the answer is not sent) until the test releases it. `arrived` resolves once that request
// reached the server, so whoever sent it is inside its run, holding whatever it took before (the state lock).
import type { SandboxRequest, ServerKnobs } from '../../src/sandbox/common/httpServer';

export interface HeldAnswer {
  /** Resolves with the held request once it has arrived and been handled. */
  arrived: Promise<SandboxRequest>;
  /** Sends the held answer (and lets every later request through). */
  release(): void;
}

/**
 * Holds the answer to the n-th request (1-based, counted among those `match` accepts) on a sandbox server. The hook
 * chains to any `beforeAnswer` already set. Release before closing the server, or the client sees a reset.
 */
export function holdAnswer(knobs: ServerKnobs, match: (req: SandboxRequest) => boolean, nth = 1): HeldAnswer {
  let seen = 0;
  let arrive!: (req: SandboxRequest) => void;
  let release!: () => void;
  const arrived = new Promise<SandboxRequest>((r) => (arrive = r));
  const released = new Promise<void>((r) => (release = r));
  const previous = knobs.beforeAnswer;
  knobs.beforeAnswer = async (req, res) => {
    await previous?.(req, res);
    if (!match(req) || ++seen !== nth) return;
    arrive(req);
    await released;
  };
  return { arrived, release };
}

/** Resolves once `condition()` holds, checked after every answer the server is about to send (no polling). */
export function answeredUntil(knobs: ServerKnobs, condition: () => boolean): Promise<void> {
  return new Promise<void>((resolve) => {
    if (condition()) return resolve();
    const previous = knobs.beforeAnswer;
    knobs.beforeAnswer = async (req, res) => {
      await previous?.(req, res);
      if (condition()) resolve();
    };
  });
}

import type * as vscode from 'vscode';

/** Maps a CancellationToken (progress Cancel button) to the AbortSignal the engine takes. */
export function abortSignalFor(token: vscode.CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  else token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}

import type * as vscode from 'vscode';

/** Base for long-lived host classes: everything created through `_register` is disposed with the owner. */
export abstract class Disposable implements vscode.Disposable {
  private readonly disposables: { dispose(): unknown }[] = [];
  private isDisposed = false;

  protected get disposed(): boolean {
    return this.isDisposed;
  }

  protected _register<T extends { dispose(): unknown }>(d: T): T {
    if (this.isDisposed) d.dispose();
    else this.disposables.push(d);
    return d;
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    for (const d of this.disposables.splice(0).reverse()) {
      try {
        d.dispose();
      } catch {
        // one failing dispose must not keep the others alive
      }
    }
  }
}

// A small multi-step input (after the vscode-extension-samples quickinput sample): each step is an input box or a
// quick pick with a Back button, validation runs as the operator types, and Accept is refused while invalid.
import * as vscode from 'vscode';

/** Thrown by a step when the operator pressed Back. */
export class GoBack extends Error {}
/** Thrown when the operator dismissed the input. */
export class Dismissed extends Error {}

export interface InputStep {
  title: string;
  step: number;
  totalSteps: number;
  value?: string;
  prompt: string;
  placeholder?: string;
  password?: boolean;
  /** Returns an error message, or undefined when the value is acceptable. */
  validate?(value: string): string | undefined;
  /**
   * A corrected value to offer when Enter is pressed on an invalid one (a pasted page address → its base URL): the
   * box then shows it, and a second Enter accepts it. Never applied silently.
   */
  fix?(value: string): string | undefined;
}

export interface PickStep<T extends vscode.QuickPickItem> {
  title: string;
  step: number;
  totalSteps: number;
  items: T[];
  active?: T;
  placeholder: string;
}

export class StepUi {
  private current: vscode.QuickInput | undefined;

  dispose(): void {
    this.current?.dispose();
  }

  input(s: InputStep): Promise<string> {
    const box = vscode.window.createInputBox();
    Object.assign(box, {
      title: s.title,
      step: s.step,
      totalSteps: s.totalSteps,
      value: s.value ?? '',
      prompt: s.prompt,
      placeholder: s.placeholder,
      password: !!s.password,
      ignoreFocusOut: true,
    });
    box.buttons = s.step > 1 ? [vscode.QuickInputButtons.Back] : [];
    return this.show(box, (resolve, reject) => [
      box.onDidTriggerButton(() => reject(new GoBack())),
      box.onDidChangeValue((v) => (box.validationMessage = s.validate?.(v))),
      box.onDidAccept(() => {
        const error = s.validate?.(box.value);
        const fixed = error ? s.fix?.(box.value) : undefined;
        if (fixed !== undefined && fixed !== box.value) {
          box.value = fixed;
          box.validationMessage = s.validate?.(fixed);
          return;
        }
        box.validationMessage = error;
        if (!error) resolve(box.value);
      }),
    ]);
  }

  pick<T extends vscode.QuickPickItem>(s: PickStep<T>): Promise<T> {
    const qp = vscode.window.createQuickPick<T>();
    Object.assign(qp, {
      title: s.title,
      step: s.step,
      totalSteps: s.totalSteps,
      placeholder: s.placeholder,
      items: s.items,
      ignoreFocusOut: true,
      matchOnDescription: true,
    });
    if (s.active) qp.activeItems = [s.active];
    qp.buttons = s.step > 1 ? [vscode.QuickInputButtons.Back] : [];
    return this.show(qp, (resolve, reject) => [
      qp.onDidTriggerButton(() => reject(new GoBack())),
      qp.onDidAccept(() => {
        const item = qp.selectedItems[0] ?? qp.activeItems[0];
        if (item) resolve(item);
      }),
    ]);
  }

  private show<T>(
    input: vscode.QuickInput,
    wire: (resolve: (v: T) => void, reject: (e: Error) => void) => vscode.Disposable[],
  ): Promise<T> {
    // The previous step's widget is disposed only now, so the input does not flicker between steps.
    this.current?.dispose();
    this.current = input;
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const subs = wire(
        (v) => {
          settled = true;
          resolve(v);
        },
        (e) => {
          settled = true;
          reject(e);
        },
      );
      subs.push(input.onDidHide(() => !settled && reject(new Dismissed())));
      input.show();
    });
  }
}

/**
 * Runs the steps in order; Back re-runs the previous step that was not skipped. Returns false when dismissed.
 * Steps read and write the shared state object, so going back shows the earlier answer.
 */
export async function runSteps<S>(
  state: S,
  steps: ((s: S, ui: StepUi) => Promise<void>)[],
  skip: (index: number, s: S) => boolean = () => false,
): Promise<boolean> {
  const ui = new StepUi();
  const history: number[] = [];
  try {
    for (let i = 0; i < steps.length;) {
      if (skip(i, state)) {
        i++;
        continue;
      }
      try {
        await steps[i](state, ui);
        history.push(i);
        i++;
      } catch (e) {
        if (!(e instanceof GoBack)) throw e;
        const prev = history.pop();
        if (prev !== undefined) i = prev;
      }
    }
    return true;
  } catch (e) {
    if (e instanceof Dismissed) return false;
    throw e;
  } finally {
    ui.dispose();
  }
}

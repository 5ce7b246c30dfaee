// The modal questions commands ask, behind one small object so the extension-host tests can answer them (dialogs
// are skipped in VS Code's smoke-test mode) and check what the operator would have been asked and how loudly.
import * as os from 'node:os';
import * as vscode from 'vscode';
import type { EmployeeRecord } from '../core/types';

export type DialogLevel = 'info' | 'warning';

export interface Dialogs {
  /** A modal question; resolves with the button picked, undefined when dismissed. */
  ask(level: DialogLevel, message: string, detail: string, ...buttons: string[]): Promise<string | undefined>;
  /**
   * Set by tests only: answers Link to Employee's search instead of the quick pick (which they cannot type into).
   * Receives what the quick pick would have searched first.
   */
  pickEmployee?: (deviceId: string, empCode: string, bioTimeName: string) => Promise<EmployeeRecord | undefined>;
  /** Where to save a file (the save dialog); undefined when dismissed. Tests answer with a temporary file. */
  saveFile(title: string, defaultName: string, filters: Record<string, string[]>): Promise<vscode.Uri | undefined>;
}

export function vscodeDialogs(): Dialogs {
  return {
    ask: async (level, message, detail, ...buttons) => {
      const show = level === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
      return show(message, { modal: true, detail }, ...buttons);
    },
    saveFile: (title, defaultName, filters) => {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
      return Promise.resolve(
        vscode.window.showSaveDialog({ title, filters, defaultUri: vscode.Uri.joinPath(folder, defaultName) }),
      );
    },
  };
}

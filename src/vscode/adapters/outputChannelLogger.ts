// The engine's Logger port on top of the one LogOutputChannel (style rule 13). The engine already redacts what it
// logs; the extension's own lines pass through the same Redactor, so nothing secret reaches the channel.
import * as vscode from 'vscode';
import { Redactor } from '../../core/redact';
import type { Logger } from '../../core/ports';

export interface HostLogger extends Logger {
  readonly channel: vscode.LogOutputChannel;
  /** A logger whose lines start with `[component]`. */
  scoped(component: string): Logger;
  show(): void;
}

export function createOutputChannelLogger(redactor = new Redactor()): HostLogger & vscode.Disposable {
  const channel = vscode.window.createOutputChannel('BioTime Sync', { log: true });
  const wrap = (prefix: string): Logger => {
    const r = (m: string): string => redactor.redact(prefix + m);
    return {
      trace: (m) => channel.trace(r(m)),
      debug: (m) => channel.debug(r(m)),
      info: (m) => channel.info(r(m)),
      warn: (m) => channel.warn(r(m)),
      error: (m) => channel.error(r(m)),
    };
  };
  return {
    ...wrap(''),
    channel,
    scoped: (component) => wrap(`[${component}] `),
    show: () => channel.show(true),
    dispose: () => channel.dispose(),
  };
}

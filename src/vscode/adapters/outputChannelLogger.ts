// The engine's Logger port on top of the one LogOutputChannel (style rule 13). The engine already redacts what it
// logs; the extension's own lines pass through the same Redactor, so nothing secret reaches the channel.
import * as vscode from 'vscode';
import { Redactor } from '../../core/redact';
import type { Logger } from '../../core/ports';

export interface HostLogger extends Logger {
  readonly channel: vscode.LogOutputChannel;
  /** The last lines written (already redacted), newest last: what an operator would read, for tests. */
  readonly recent: readonly string[];
  /** A logger whose lines start with `[component]`. */
  scoped(component: string): Logger;
  show(): void;
}

const RECENT_LINES = 500;

export function createOutputChannelLogger(redactor = new Redactor()): HostLogger & vscode.Disposable {
  const channel = vscode.window.createOutputChannel('BioTime Sync', { log: true });
  const recent: string[] = [];
  const wrap = (prefix: string): Logger => {
    const r = (m: string): string => {
      const line = redactor.redact(prefix + m);
      recent.push(line);
      if (recent.length > RECENT_LINES) recent.splice(0, recent.length - RECENT_LINES);
      return line;
    };
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
    recent,
    scoped: (component) => wrap(`[${component}] `),
    show: () => channel.show(true),
    dispose: () => channel.dispose(),
  };
}

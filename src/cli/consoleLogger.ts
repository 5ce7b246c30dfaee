// The CLI's logger: leveled lines on stderr (stdout is kept for results and --json). Redaction happens in the
// redacting wrapper the composition root puts around it.
import type { Logger, LogLevel } from '../core/ports';

const ORDER: LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error'];

export interface ConsoleLoggerOptions {
  level: LogLevel;
  write?: (line: string) => void;
  /** Called before a line is written, so a progress line can be cleared first. */
  beforeWrite?: () => void;
}

export function consoleLogger(o: ConsoleLoggerOptions): Logger {
  const min = ORDER.indexOf(o.level);
  const write = o.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const at = (level: LogLevel) => (message: string) => {
    if (ORDER.indexOf(level) < min) return;
    o.beforeWrite?.();
    write(`${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${message}`);
  };
  return { trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

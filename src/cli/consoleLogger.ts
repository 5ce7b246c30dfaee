// The CLI's logger: leveled lines on stderr (stdout is kept for results and --json). Redaction happens in the
// redacting wrapper the composition root puts around it, so both formats carry the same, redacted, text.
//   text (default): `2026-12-03T09:00:00.000Z INFO  hq: sync completed …`
//   json (`--log-format json`): one object per line, for log collectors:
//     {"time":"…","level":"info","device":"hq","run":"…","message":"hq: sync completed …"}
//   `device` and `run` come from the run the line was written in (core/logContext), absent outside runs.
import { currentLogContext } from '../core/logContext';
import type { Logger } from '../core/ports';
import type { LogLevel } from '../core/types';

const ORDER: LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error'];

export type LogFormat = 'text' | 'json';
export const LOG_FORMATS: readonly LogFormat[] = ['text', 'json'];

export interface ConsoleLoggerOptions {
  level: LogLevel;
  format?: LogFormat;
  write?: (line: string) => void;
  /** Called before a line is written, so a progress line can be cleared first. */
  beforeWrite?: () => void;
  now?: () => Date;
}

/** One log line in the given format. `fields` are extra structured values (JSON only). */
export function formatLogLine(
  format: LogFormat,
  time: Date,
  level: LogLevel,
  message: string,
  fields?: Record<string, unknown>,
): string {
  if (format === 'text') return `${time.toISOString()} ${level.toUpperCase().padEnd(5)} ${message}`;
  const ctx = currentLogContext();
  return JSON.stringify({
    time: time.toISOString(),
    level,
    ...(ctx?.device ? { device: ctx.device } : {}),
    ...(ctx?.run ? { run: ctx.run } : {}),
    message,
    ...(fields && Object.keys(fields).length ? { fields } : {}),
  });
}

export function consoleLogger(options: ConsoleLoggerOptions): Logger {
  const min = ORDER.indexOf(options.level);
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const now = options.now ?? (() => new Date());
  const at = (level: LogLevel) => (message: string) => {
    if (ORDER.indexOf(level) < min) return;
    options.beforeWrite?.();
    write(formatLogLine(options.format ?? 'text', now(), level, message));
  };
  return { trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

// One-line structured logs on stderr: `time level message key=value ...`.
// An Error field is written as `key="Name: message" key.stack="..."`: stacks survive, lines stay one per event.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function createLogger(level: LogLevel = 'info', write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const emit = (at: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (rank[at] < rank[level]) return;
    let line = `${new Date().toISOString()} ${at.toUpperCase().padEnd(5)} ${message}`;
    for (const [key, value] of Object.entries(fields ?? {})) {
      if (value instanceof Error) {
        // An unexpected error keeps its stack, escaped onto the same line (`\n` inside the quotes).
        line += ` ${key}=${JSON.stringify(`${value.name}: ${value.message}`)}`;
        if (value.stack) line += ` ${key}.stack=${JSON.stringify(value.stack)}`;
        if (value.cause instanceof Error) line += ` ${key}.cause=${JSON.stringify(value.cause.stack ?? `${value.cause.name}: ${value.cause.message}`)}`;
        continue;
      }
      const shown = typeof value === 'string' ? value : JSON.stringify(value);
      line += ` ${key}=${/\s/.test(shown ?? '') ? JSON.stringify(shown) : shown}`;
    }
    write(line + '\n');
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}

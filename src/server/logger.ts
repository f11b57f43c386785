/** Minimal structured logger; stdout is kept for the single "listening" line, logs go to stderr. */
export interface Logger {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

const line = (level: string, message: string, meta?: Record<string, unknown>): string =>
  JSON.stringify({ time: new Date().toISOString(), level, message, ...meta });

export const stderrLogger: Logger = {
  info: (m, meta) => process.stderr.write(line('info', m, meta) + '\n'),
  warn: (m, meta) => process.stderr.write(line('warn', m, meta) + '\n'),
  error: (m, meta) => process.stderr.write(line('error', m, meta) + '\n'),
};

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };

/** Errors as log metadata: the stack stays in the log, never in a response. */
export const errorMeta = (e: unknown): Record<string, unknown> =>
  e instanceof Error ? { error: e.message, stack: e.stack } : { error: String(e) };

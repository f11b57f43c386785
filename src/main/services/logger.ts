/**
 * The main process logs through this small interface so tests can capture what was said (and the
 * web host / Electron edge can route it somewhere else later) without a logging framework.
 * Never pass secrets (tokens, passwords, keys) to a logger.
 */
export interface Logger {
  info(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

/** Logs to stderr so that stdout stays reserved for machine-readable lines (e.g. the ready line). */
export function consoleLogger(scope: string): Logger {
  const line = (level: string, message: string, context?: Record<string, unknown>) =>
    console.error(`[${new Date().toISOString()}] ${level} ${scope}: ${message}`, ...(context ? [context] : []));
  return {
    info: (m, c) => line('INFO', m, c),
    warn: (m, c) => line('WARN', m, c),
    error: (m, c) => line('ERROR', m, c),
  };
}

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };

/** A short description of a thrown value that is safe to log (no stack of foreign objects). */
export function describeError(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}

/**
 * CLI entry: `npm run server`. Configuration from the environment (see config.ts). Prints exactly
 * one line to stdout once ready — `Muster server listening on <url>` — logs go to stderr.
 */
import { startServer } from './app';
import { serverOptionsFromEnv } from './config';
import { errorMeta, stderrLogger as logger } from './logger';

const SHUTDOWN_GRACE_MS = 10_000;

const main = async (): Promise<void> => {
  const server = await startServer({ ...serverOptionsFromEnv(process.env), logger });
  process.stdout.write(`Muster server listening on ${server.url}\n`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      logger.warn(`second ${signal}: exiting now`);
      process.exit(1);
    }
    stopping = true;
    logger.info(`${signal} received: shutting down`);
    setTimeout(() => {
      logger.error('shutdown took too long: exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    server.close().then(
      () => process.exit(0),
      (e: unknown) => {
        logger.error('shutdown failed', errorMeta(e));
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
};

// Request handlers catch their own errors; anything reaching here is a bug worth a log line, not a crash.
process.on('unhandledRejection', (e) => logger.error('unhandled rejection', errorMeta(e)));

main().catch((e: unknown) => {
  logger.error('Muster server failed to start', errorMeta(e));
  process.exit(1);
});

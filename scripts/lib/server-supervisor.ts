/**
 * Keeps the Muster server that the launcher started running, without ever taking the client down
 * with it. Ending the server (a crash, `kill <pid>`, an OOM kill) used to make the launcher end
 * the web host / Electron too; now the client stays up — it shows "cannot reach the server" and
 * keeps its outbox — while this restarts the server with backoff and says so.
 *
 * Rules:
 * - A restart keeps the first start's port, so the client's server URL stays valid.
 * - Backoff 1, 2, 4, 8, 15, 30 s (then 30 s); a server that stayed up for STABLE_AFTER_MS has
 *   its backoff reset, so one crash a day restarts in a second but a crash loop slows down.
 * - Before each restart the URL is probed: if something answers there (the user started a server
 *   by hand), it is used and not started again.
 * - After MAX_FAILED_STARTS starts in a row that die before they are ready (a port taken by
 *   something else, a broken database), it stops trying and says what to do; the client stays up.
 * - Once stop() was called (Ctrl+C, the client quit) nothing is restarted.
 *
 * Every effect is injected (process start, probe, clock, sleep), so the rules are unit-tested
 * with fakes.
 */

export interface ServerProcess {
  readonly pid: number | undefined;
  /** The URL from the server's ready line. */
  readonly url: string;
  /** Resolves with a description of how it ended ("exit code 1", "signal SIGKILL"). */
  readonly exited: Promise<string>;
  stop(): void;
}

export interface SupervisorDeps {
  /** Starts a server (on `port` when given) and resolves once it is ready; rejects if it ends first. */
  start(port: number | undefined): Promise<ServerProcess>;
  answers(url: string): Promise<boolean>;
  log(line: string): void;
  sleep(ms: number): Promise<void>;
  now(): number;
}

export const RESTART_DELAYS_MS = [1000, 2000, 4000, 8000, 15_000, 30_000] as const;
export const STABLE_AFTER_MS = 60_000;
export const MAX_FAILED_STARTS = 5;

export function restartDelay(attempt: number): number {
  return RESTART_DELAYS_MS[Math.min(Math.max(attempt, 0), RESTART_DELAYS_MS.length - 1)]!;
}

export type SupervisorState = 'idle' | 'running' | 'restarting' | 'external' | 'gave-up' | 'stopped';

export class ServerSupervisor {
  private current: ServerProcess | null = null;
  private port: number | undefined;
  private url = '';
  private attempt = 0;
  private stopped = false;
  private _state: SupervisorState = 'idle';
  /** Settles when the supervisor has nothing more to do for the current outage (for tests). */
  private watching: Promise<void> = Promise.resolve();

  constructor(private readonly deps: SupervisorDeps) {}

  get state(): SupervisorState {
    return this._state;
  }

  get pid(): number | undefined {
    return this.current?.pid;
  }

  /** The first start. Rejects when the server cannot start at all (the launcher then exits). */
  async start(): Promise<string> {
    const proc = await this.deps.start(undefined);
    this.url = proc.url;
    const port = Number(new URL(proc.url).port);
    this.port = Number.isInteger(port) && port > 0 ? port : undefined;
    this.adopt(proc);
    return proc.url;
  }

  stop(): void {
    this.stopped = true;
    this._state = 'stopped';
    this.current?.stop();
  }

  /** Resolves once the current outage has been handled (restarted, given up, or stopped). */
  settled(): Promise<void> {
    return this.watching;
  }

  private adopt(proc: ServerProcess): void {
    this.current = proc;
    this._state = 'running';
    const startedAt = this.deps.now();
    this.watching = proc.exited.then((how) => this.afterExit(proc, how, startedAt));
  }

  private async afterExit(proc: ServerProcess, how: string, startedAt: number): Promise<void> {
    if (this.current === proc) this.current = null;
    if (this.stopped) return;
    if (this.deps.now() - startedAt >= STABLE_AFTER_MS) this.attempt = 0;
    this._state = 'restarting';
    this.deps.log(
      `The Muster server${proc.pid ? ` (pid ${proc.pid})` : ''} ended (${how}). The client stays up and shows that it cannot reach the server; messages wait in its outbox.`,
    );
    let failedStarts = 0;
    for (;;) {
      const delay = restartDelay(this.attempt++);
      this.deps.log(`Restarting the server in ${delay / 1000} s…`);
      await this.deps.sleep(delay);
      if (this.stopped) return;
      if (await this.deps.answers(this.url)) {
        this._state = 'external';
        this.deps.log(`A server already answers at ${this.url} — using it (this launcher did not start it, so it will not restart it).`);
        return;
      }
      if (this.stopped) return;
      try {
        const next = await this.deps.start(this.port);
        if (this.stopped) {
          next.stop();
          return;
        }
        if (next.url !== this.url) {
          this.deps.log(`Warning: the restarted server listens on ${next.url}, but the client uses ${this.url}.`);
        }
        this.deps.log(`The Muster server is back${next.pid ? ` (pid ${next.pid})` : ''} at ${next.url}; the client reconnects by itself.`);
        this.adopt(next);
        return;
      } catch (e) {
        failedStarts++;
        const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
        if (failedStarts >= MAX_FAILED_STARTS) {
          this._state = 'gave-up';
          this.deps.log(
            `The server failed to start ${failedStarts} times in a row (last: ${why}). Not trying again. ` +
              `The client stays up: start a server with \`npm run server\` (on the same port) and it reconnects.`,
          );
          return;
        }
        this.deps.log(`The server could not start (${why}).`);
      }
    }
  }
}

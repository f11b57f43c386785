import { describe, expect, it } from 'vitest';
import { MAX_FAILED_STARTS, RESTART_DELAYS_MS, ServerSupervisor, STABLE_AFTER_MS, restartDelay, type ServerProcess, type SupervisorDeps } from '../../scripts/lib/server-supervisor';

/** A fake server process whose end the test decides. */
interface FakeProc extends ServerProcess {
  end(how: string): void;
  stopped: boolean;
}

function fakeProc(pid: number, url: string): FakeProc {
  let end!: (how: string) => void;
  const exited = new Promise<string>((res) => (end = res));
  const p: FakeProc = {
    pid,
    url,
    exited,
    stopped: false,
    end: (how) => end(how),
    stop: () => {
      p.stopped = true;
      end('signal SIGTERM');
    },
  };
  return p;
}

type StartOutcome = 'ok' | Error;

function harness(opts: { outcomes?: StartOutcome[]; answers?: boolean[] } = {}) {
  const outcomes = [...(opts.outcomes ?? [])];
  const answerSeq = [...(opts.answers ?? [])];
  const log: string[] = [];
  const sleeps: number[] = [];
  const starts: (number | undefined)[] = [];
  const procs: FakeProc[] = [];
  let clock = 0;
  let nextPid = 100;
  const deps: SupervisorDeps = {
    start: async (port) => {
      starts.push(port);
      const outcome = outcomes.shift() ?? 'ok';
      if (outcome instanceof Error) throw outcome;
      const p = fakeProc(nextPid++, `http://127.0.0.1:${port ?? 7811}`);
      procs.push(p);
      return p;
    },
    answers: async () => answerSeq.shift() ?? false,
    log: (l) => log.push(l),
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    now: () => clock,
  };
  return {
    sup: new ServerSupervisor(deps),
    log,
    sleeps,
    starts,
    procs,
    advance: (ms: number) => (clock += ms),
  };
}

describe('ServerSupervisor', () => {
  it('when the server ends it is restarted on the same port after 1 s, and the log says so', async () => {
    const h = harness();
    expect(await h.sup.start()).toBe('http://127.0.0.1:7811');
    expect(h.starts).toEqual([undefined]);
    h.procs[0]!.end('signal SIGKILL');
    await h.sup.settled();
    expect(h.sleeps).toEqual([1000]);
    expect(h.starts).toEqual([undefined, 7811]); // pinned to the first start's port
    expect(h.sup.state).toBe('running');
    expect(h.sup.pid).toBe(101);
    const text = h.log.join('\n');
    expect(text).toMatch(/server \(pid 100\) ended \(signal SIGKILL\)\. The client stays up/);
    expect(text).toMatch(/Restarting the server in 1 s/);
    expect(text).toMatch(/server is back \(pid 101\) at http:\/\/127\.0\.0\.1:7811/);
  });

  it('a crash loop backs off 1, 2, 4, 8, 15, 30 s, capped at 30 s', async () => {
    const h = harness();
    await h.sup.start();
    for (let i = 0; i < 8; i++) {
      h.procs.at(-1)!.end('exit code 1');
      await h.sup.settled();
    }
    expect(h.sleeps).toEqual([1000, 2000, 4000, 8000, 15_000, 30_000, 30_000, 30_000]);
    expect(restartDelay(99)).toBe(RESTART_DELAYS_MS.at(-1));
  });

  it('a server that stayed up long enough restarts quickly again (backoff reset)', async () => {
    const h = harness();
    await h.sup.start();
    h.procs[0]!.end('exit code 1');
    await h.sup.settled();
    h.procs[1]!.end('exit code 1');
    await h.sup.settled();
    expect(h.sleeps).toEqual([1000, 2000]);
    h.advance(STABLE_AFTER_MS);
    h.procs[2]!.end('exit code 1');
    await h.sup.settled();
    expect(h.sleeps).toEqual([1000, 2000, 1000]);
  });

  it('gives up after repeated failed starts, saying what to do, and the client is left alone', async () => {
    const fails = Array.from({ length: MAX_FAILED_STARTS }, () => new Error('exit code 1 before it was ready'));
    const h = harness({ outcomes: ['ok', ...fails] });
    await h.sup.start();
    h.procs[0]!.end('exit code 1');
    await h.sup.settled();
    expect(h.starts).toHaveLength(1 + MAX_FAILED_STARTS);
    expect(h.sup.state).toBe('gave-up');
    expect(h.log.at(-1)).toMatch(new RegExp(`failed to start ${MAX_FAILED_STARTS} times in a row .*npm run server`));
  });

  it('a failed start is retried with the next delay', async () => {
    const h = harness({ outcomes: ['ok', new Error('port in use'), 'ok'] });
    await h.sup.start();
    h.procs[0]!.end('exit code 1');
    await h.sup.settled();
    expect(h.sleeps).toEqual([1000, 2000]);
    expect(h.sup.state).toBe('running');
    expect(h.log.join('\n')).toMatch(/could not start \(port in use\)/);
  });

  it('uses a server that already answers at the URL instead of starting another', async () => {
    const h = harness({ answers: [true] });
    await h.sup.start();
    h.procs[0]!.end('exit code 0');
    await h.sup.settled();
    expect(h.starts).toEqual([undefined]);
    expect(h.sup.state).toBe('external');
    expect(h.log.at(-1)).toMatch(/already answers at http:\/\/127\.0\.0\.1:7811/);
  });

  it('after stop() (Ctrl+C, the client quit) the server is stopped and never restarted', async () => {
    const h = harness();
    await h.sup.start();
    h.sup.stop();
    await h.sup.settled();
    expect(h.procs[0]!.stopped).toBe(true);
    expect(h.starts).toHaveLength(1);
    expect(h.sleeps).toEqual([]);
    expect(h.sup.state).toBe('stopped');
  });

  it('stop() during the backoff wait prevents the restart', async () => {
    const h = harness();
    await h.sup.start();
    // stop while "sleeping": the fake sleep resolves at once, so stop from inside the answers probe instead
    const sup = h.sup;
    const origLog = h.log.push.bind(h.log);
    h.log.push = (...l: string[]) => {
      if (l.some((x) => x.startsWith('Restarting'))) sup.stop();
      return origLog(...l);
    };
    h.procs[0]!.end('exit code 1');
    await h.sup.settled();
    expect(h.starts).toHaveLength(1);
  });

  it('the first start failing is reported to the caller (nothing to keep up yet)', async () => {
    const h = harness({ outcomes: [new Error('exit code 1 before it was ready')] });
    await expect(h.sup.start()).rejects.toThrow(/before it was ready/);
  });
});

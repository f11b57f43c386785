import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../../..');
const tsx = resolve(root, 'node_modules/.bin/tsx');

/** A port that was free a moment ago; fixed up front so a restarted server keeps its URL. */
export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}

export interface Managed {
  readonly url: string;
  readonly output: () => string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/**
 * Runs a TypeScript entry point as a child process and waits for the line it prints when ready
 * (`<readyPrefix> <url>`). Output is kept so a failing test can show what the process said.
 */
export function managedProcess(name: string, entry: string, env: Record<string, string>, readyPrefix: string): Managed {
  let child: ChildProcess | undefined;
  let url = '';
  let log = '';
  const self: Managed = {
    get url() {
      return url;
    },
    output: () => log,
    async start() {
      if (child) throw new Error(`${name} already running`);
      const proc = spawn(tsx, [resolve(root, entry)], {
        cwd: root,
        env: { ...process.env, ...env, FORCE_COLOR: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = proc;
      await new Promise<void>((res, rej) => {
        const timer = setTimeout(() => rej(new Error(`${name} did not become ready in 120 s:\n${log}`)), 120_000);
        const onData = (chunk: Buffer) => {
          log += chunk.toString();
          const line = log.split('\n').find((l) => l.startsWith(readyPrefix));
          if (line && !url) {
            url = line.slice(readyPrefix.length).trim();
            clearTimeout(timer);
            res();
          } else if (line) {
            clearTimeout(timer);
            res();
          }
        };
        proc.stdout!.on('data', onData);
        proc.stderr!.on('data', (c: Buffer) => (log += c.toString()));
        proc.once('exit', (code) => {
          clearTimeout(timer);
          child = undefined;
          rej(new Error(`${name} exited with ${code} before it was ready:\n${log}`));
        });
      });
    },
    async stop() {
      const proc = child;
      if (!proc) return;
      child = undefined;
      await new Promise<void>((res) => {
        const kill = setTimeout(() => proc.kill('SIGKILL'), 10_000);
        proc.once('exit', () => {
          clearTimeout(kill);
          res();
        });
        proc.kill('SIGTERM');
      });
    },
  };
  return self;
}

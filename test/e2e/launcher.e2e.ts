import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './support/browser';
import { freePort } from './support/processes';
import { ALL_HANDS, groupItem, messagesWithText, openGroup, send, signIn } from './support/stack';

/**
 * Defect 2, as a user meets it: `npm run web` started the server and the web host; the server
 * process alone ends (killed). The launcher must keep the web host up, the page must say it cannot
 * reach the server (the network is fine), a message typed meanwhile waits in the outbox, and once
 * the launcher has restarted the server the message goes out — without reloading the page.
 *
 * Needs `npm run build` first (the launcher is pointed at out/renderer and does not rebuild).
 */
const root = resolve(import.meta.dirname, '../..');
let dir: string;
let launcher: ChildProcess;
let output = '';
let browser: Browser;
let page: Page;
let serverPort: number;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Resolves with the first capture of `re` in the launcher's output so far or later. */
function waitForOutput(re: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((res, rej) => {
    const started = Date.now();
    const tick = () => {
      const m = output.match(re);
      if (m) return res(m);
      if (launcher.exitCode !== null) return rej(new Error(`launcher exited (${launcher.exitCode}) before ${re}:\n${output}`));
      if (Date.now() - started > timeoutMs) return rej(new Error(`no ${re} in ${timeoutMs} ms:\n${output}`));
      setTimeout(tick, 100);
    };
    tick();
  });
}

/** A port squatter: accepts and drops connections, so neither the restarted server nor the client can use the port. */
function squat(port: number): Promise<{ server: Server; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.destroy();
  });
  return new Promise((res, rej) => {
    server.once('error', rej);
    server.listen(port, '127.0.0.1', () =>
      res({
        server,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      }),
    );
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'muster-launcher-e2e-'));
  serverPort = await freePort();
  const webPort = await freePort();
  launcher = spawn(process.execPath, ['--import', 'tsx', resolve(root, 'scripts/launch.ts'), 'web'], {
    cwd: root,
    env: {
      ...process.env,
      FORCE_COLOR: '0',
      // a URL that does not answer yet: the launcher starts its own server there
      MUSTER_SERVER_URL: `http://127.0.0.1:${serverPort}`,
      PORT: String(serverPort),
      HOST: '127.0.0.1',
      DATABASE_URL: '',
      MUSTER_DATA_DIR: join(dir, 'server-data'),
      MUSTER_WEB_PORT: String(webPort),
      MUSTER_WEB_DATA_DIR: join(dir, 'web-host'),
      MUSTER_WEB_KEY_FILE: join(dir, 'keys', 'web-host.key'),
      MUSTER_RENDERER_DIR: resolve(root, 'out/renderer'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  launcher.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  launcher.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  await waitForOutput(/Muster web host on (\S+)/, 150_000);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  if (launcher && launcher.exitCode === null) {
    const exited = new Promise((res) => launcher.once('exit', res));
    launcher.kill('SIGTERM');
    await Promise.race([exited, new Promise((res) => setTimeout(res, 10_000))]);
    if (launcher.exitCode === null) launcher.kill('SIGKILL');
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('launcher (browser mode)', () => {
  it('keeps the client up while the server it started is killed and restarted; the outbox waits, then sends', async () => {
    const webUrl = (await waitForOutput(/Muster web host on (\S+)/, 1000))[1]!;
    const serverPid = Number((await waitForOutput(/Started the Muster server \(pid (\d+)\)/, 1000))[1]);
    expect(serverPid).toBeGreaterThan(0);

    const context = await browser.newContext({ locale: 'en-US' });
    page = await context.newPage();
    await page.goto(webUrl);
    await signIn(page, 'zhangwei');
    await page.getByTestId('app-shell').waitFor({ timeout: 30_000 });
    await groupItem(page, ALL_HANDS).waitFor({ timeout: 30_000 });
    await openGroup(page, ALL_HANDS);
    const status = page.getByTestId('connection-status');
    await expect.poll(() => status.getAttribute('data-state'), { timeout: 20_000 }).toBe('online');
    await page.locator('[data-testid="message"]').first().waitFor({ timeout: 30_000 }); // history loaded

    // End only the server, as a crash would. Hold its port until we have looked (so the restart
    // cannot race the assertions — it fails and retries, which the launcher must survive too).
    process.kill(serverPid, 'SIGKILL');
    await expect.poll(() => alive(serverPid), { timeout: 5000, interval: 20 }).toBe(false);
    const squatter = await squat(serverPort);
    try {
      await expect.poll(() => status.getAttribute('data-reason'), { timeout: 20_000 }).toBe('server');
      expect(await status.getAttribute('data-state')).toBe('offline');
      expect(await status.textContent()).toMatch(/can’t reach the server/i);
      expect(await status.textContent()).not.toMatch(/offline|network/i);

      const text = `typed while the server was down ${Date.now().toString(36)}`;
      await send(page, text);
      await messagesWithText(page, text).waitFor({ timeout: 10_000 });
      expect(await messagesWithText(page, text).getAttribute('data-state')).toBe('sending');
      // the launcher and its web host are still there
      expect(launcher.exitCode).toBeNull();
      await waitForOutput(/server \(pid \d+\) ended \(signal SIGKILL\)\. The client stays up/, 5000);
      await waitForOutput(/Restarting the server in 1 s/, 5000);

      await squatter.close();
      await waitForOutput(/The Muster server is back \(pid \d+\)/, 60_000);
      await expect.poll(() => status.getAttribute('data-state'), { timeout: 30_000 }).toBe('online');
      await expect.poll(() => messagesWithText(page, text).getAttribute('data-state'), { timeout: 30_000 }).toBe('sent');
      expect(await messagesWithText(page, text).count()).toBe(1);
      expect(launcher.exitCode).toBeNull();
    } finally {
      await squatter.close().catch(() => undefined);
    }
    await context.close();

    // Ctrl+C on the launcher still ends everything it started.
    const restartedPid = Number([...output.matchAll(/The Muster server is back \(pid (\d+)\)/g)].at(-1)![1]);
    const exited = new Promise((res) => launcher.once('exit', res));
    launcher.kill('SIGINT');
    await exited;
    await expect.poll(() => alive(restartedPid), { timeout: 15_000 }).toBe(false);
  }, 120_000);
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { fakeCameraArgs, launchChromium } from './browser';
import { freePort, managedProcess, type Managed } from './processes';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const DEMO_PASSWORD = 'muster-demo';
export const ALL_HANDS = '全员群 All hands';

/**
 * One server (embedded PGlite in a temp dir, demo org seeded on first start) and one browser-mode
 * web host per "desktop" — each web host is one installed app with its own signed-in member.
 */
export interface Stack {
  server: Managed;
  hosts: Record<string, Managed>;
  browser: Browser;
  dir: string;
  /** Set with `postgres: true`: the server's database, for the test's own rows. */
  databaseUrl?: string;
  close(): Promise<void>;
}

export interface StackOptions {
  /**
   * Run the server on a fresh PostgreSQL database `muster_e2e_<random>` on 127.0.0.1:5432 (trust
   * auth, user $PGUSER or postgres) instead of PGlite, dropped at close — for tests that write
   * rows the UI cannot make (an expired invite, another organization's key). `stack.databaseUrl`.
   */
  postgres?: boolean;
  /** A .y4m file the browser's fake camera plays (see fakeCameraArgs); it may be rewritten until a page opens the camera. */
  fakeCamera?: string;
}

export async function startStack(desktops: string[], options: StackOptions = {}): Promise<Stack> {
  const dir = await mkdtemp(join(tmpdir(), 'muster-e2e-'));
  const serverPort = await freePort();
  const database = options.postgres ? await createE2eDatabase() : null;
  const server = managedProcess(
    'server',
    'src/server/index.ts',
    { PORT: String(serverPort), HOST: '127.0.0.1', MUSTER_DATA_DIR: join(dir, 'server-data'), DATABASE_URL: database?.url ?? '' },
    'Muster server listening on',
  );
  try {
    await server.start();
  } catch (e) {
    await database?.drop().catch(() => undefined);
    throw e;
  }
  const hosts: Record<string, Managed> = {};
  for (const name of desktops) {
    const host = managedProcess(
      `web host ${name}`,
      'src/main/web-host.ts',
      {
        MUSTER_WEB_PORT: String(await freePort()),
        MUSTER_SERVER_URL: server.url,
        MUSTER_WEB_DATA_DIR: join(dir, `host-${name}`),
        MUSTER_WEB_KEY_FILE: join(dir, `keys-${name}`, 'web-host.key'),
      },
      'Muster web host on',
    );
    await host.start();
    hosts[name] = host;
  }
  const browser = await launchChromium(options.fakeCamera ? fakeCameraArgs(options.fakeCamera) : []);
  return {
    server,
    hosts,
    browser,
    dir,
    ...(database ? { databaseUrl: database.url } : {}),
    async close() {
      await browser.close().catch(() => undefined);
      for (const h of Object.values(hosts)) await h.stop();
      await server.stop();
      await database?.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function openApp(stack: Stack, desktop: string, locale = 'en-US'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await stack.browser.newContext({ locale });
  const page = await context.newPage();
  await page.goto(stack.hosts[desktop]!.url);
  return { context, page };
}

export async function signIn(page: Page, account: string, password = DEMO_PASSWORD): Promise<void> {
  await page.getByTestId('signin-org').fill('demo');
  await page.getByTestId('signin-account').fill(account);
  await page.getByTestId('signin-password').fill(password);
  await page.getByTestId('signin-submit').click();
}

export function groupItem(page: Page, name: string) {
  return page.locator(`[data-testid="group-item"][data-group-name="${name}"]`);
}

export async function openGroup(page: Page, name: string): Promise<void> {
  await groupItem(page, name).click();
  await page.locator('[data-testid="chat-view"]').waitFor();
}

export async function send(page: Page, text: string): Promise<void> {
  await page.getByTestId('composer-input').fill(text);
  await page.getByTestId('composer-input').press('Enter');
}

export function messagesWithText(page: Page, text: string) {
  return page.locator('[data-testid="message"]', { has: page.locator('[data-testid="message-body"]', { hasText: text }) });
}

const PG_ADMIN_URL = `postgres://${encodeURIComponent(process.env['PGUSER'] || 'postgres')}@127.0.0.1:5432/postgres`;

/** A throw-away PostgreSQL database for one stack (see StackOptions.postgres). */
async function createE2eDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `muster_e2e_${randomBytes(6).toString('hex')}`;
  const withAdmin = async (sql: string) => {
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5000 });
    try {
      await admin.connect();
      await admin.query(sql);
    } catch (e) {
      throw new Error(`PostgreSQL at ${PG_ADMIN_URL}: ${e instanceof Error ? e.message : String(e)} (the e2e stack with postgres: true needs it)`, { cause: e });
    } finally {
      await admin.end().catch(() => undefined);
    }
  };
  await withAdmin(`create database ${name}`);
  return { url: PG_ADMIN_URL.replace(/\/postgres$/, `/${name}`), drop: () => withAdmin(`drop database if exists ${name} with (force)`) };
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ALL_HANDS, groupItem, messagesWithText, openApp, openGroup, send, signIn, startStack, type Stack } from './support/stack';

/**
 * Browser mode end to end: a real server (PGlite), one web host per desktop, Debian Chromium.
 * The tests run in order and share one stack, as two colleagues would share one server.
 */
let stack: Stack;
let zhang: Page; // zhangwei's desktop
let li: Page; // lina's desktop
const stamp = Date.now().toString(36);

async function expectSignedIn(page: Page) {
  await page.getByTestId('app-shell').waitFor({ timeout: 30_000 });
  await groupItem(page, ALL_HANDS).waitFor({ timeout: 30_000 });
}

beforeAll(async () => {
  stack = await startStack(['zhang', 'li']);
});

afterAll(async () => {
  if (stack) await stack.close();
});

describe('browser mode', () => {
  it('a wrong password shows a clear error and keeps the user on the sign-in screen', async () => {
    ({ page: zhang } = await openApp(stack, 'zhang'));
    await signIn(zhang, 'zhangwei', 'not-the-password');
    const error = zhang.getByTestId('signin-error');
    await expect.poll(() => error.textContent(), { timeout: 15_000 }).toMatch(/password/i);
    await expect.poll(() => error.getAttribute('role')).toBe('alert');
    expect(await zhang.getByTestId('app-shell').count()).toBe(0);
    // focus is back in the (emptied) password field, not on the page
    await expect.poll(() => zhang.getByTestId('signin-password').evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    // the same screen in Chinese
    await zhang.getByTestId('locale-switch').selectOption('zh-CN');
    await expect.poll(() => error.textContent()).toMatch(/密码/);
    await zhang.getByTestId('locale-switch').selectOption('en');
  });

  it('repeated bad passwords are throttled, and the message says for how long', async () => {
    const error = zhang.getByTestId('signin-error');
    for (let i = 0; i < 6; i++) {
      await signIn(zhang, 'emily.carter', `wrong-${i}`);
      await expect.poll(() => zhang.getByTestId('signin-submit').isEnabled(), { timeout: 15_000 }).toBe(true);
    }
    await expect.poll(() => error.getAttribute('data-code'), { timeout: 15_000 }).toBe('rate_limited');
    expect(await error.textContent()).toMatch(/\d+\s*min/i);
    // the right password does not get through while the account is locked
    await signIn(zhang, 'emily.carter');
    await expect.poll(() => error.getAttribute('data-code'), { timeout: 15_000 }).toBe('rate_limited');
    expect(await zhang.getByTestId('app-shell').count()).toBe(0);
  });

  it('two members exchange messages in real time', async () => {
    await signIn(zhang, 'zhangwei');
    await expectSignedIn(zhang);
    ({ page: li } = await openApp(stack, 'li'));
    await signIn(li, 'lina');
    await expectSignedIn(li);

    await openGroup(zhang, ALL_HANDS);
    await openGroup(li, ALL_HANDS);
    const hello = `你好 Lina, from Zhang ${stamp}`;
    await send(zhang, hello);
    await messagesWithText(li, hello).waitFor({ timeout: 15_000 });
    await expect.poll(() => messagesWithText(zhang, hello).getAttribute('data-state')).toBe('sent');
    expect(await messagesWithText(zhang, hello).getAttribute('data-mine')).toBe('true');
    expect(await messagesWithText(li, hello).getAttribute('data-mine')).toBe('false');

    const reply = `Hi Zhang — 收到 ${stamp}`;
    await send(li, reply);
    await messagesWithText(zhang, reply).waitFor({ timeout: 15_000 });
    // both see the same server order
    const seqHello = Number(await messagesWithText(li, hello).getAttribute('data-seq'));
    const seqReply = Number(await messagesWithText(zhang, reply).getAttribute('data-seq'));
    expect(seqReply).toBe(seqHello + 1);
  });

  it('a message to a group that is not open raises its unread count', async () => {
    // pick another group both are in: the first one in zhang's list that lina also has
    const zhangGroups = await zhang.locator('[data-testid="group-item"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-group-name')!));
    const liGroups = await li.locator('[data-testid="group-item"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-group-name')!));
    const other = zhangGroups.find((g) => g !== ALL_HANDS && liGroups.includes(g));
    expect(other, `zhang ${zhangGroups} / li ${liGroups}`).toBeDefined();
    const badge = groupItem(li, other!).getByTestId('unread-badge');
    const before = (await badge.count()) ? Number(await badge.textContent()) : 0;
    await openGroup(zhang, other!);
    await send(zhang, `unread check ${stamp}`);
    await expect.poll(async () => ((await badge.count()) ? Number(await badge.textContent()) : 0), { timeout: 15_000 }).toBe(before + 1);
    await openGroup(li, other!);
    await expect.poll(() => badge.count(), { timeout: 15_000 }).toBe(0);
    await openGroup(zhang, ALL_HANDS);
    await openGroup(li, ALL_HANDS);
  });

  it('after a reload, cached groups appear before the network answers', async () => {
    const names = await li.locator('[data-testid="group-item"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-group-name')));
    expect(names.length).toBeGreaterThan(1);
    await stack.server.stop(); // the network will not answer at all
    await li.reload();
    await li.getByTestId('app-shell').waitFor({ timeout: 15_000 });
    await expect
      .poll(() => li.locator('[data-testid="group-item"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-group-name'))), { timeout: 10_000 })
      .toEqual(names);
    expect(await li.getByTestId('connection-status').getAttribute('data-state')).not.toBe('online');
  });

  it('a message sent while the server is stopped is delivered exactly once after it restarts', async () => {
    // server is still stopped from the previous test
    await expect.poll(() => zhang.getByTestId('connection-status').getAttribute('data-state'), { timeout: 20_000 }).not.toBe('online');
    const offline = `sent while offline ${stamp}`;
    await send(zhang, offline);
    const pending = messagesWithText(zhang, offline);
    await pending.waitFor();
    expect(await pending.getAttribute('data-state')).toBe('sending');
    // survives a reload while still offline (the outbox is in IndexedDB)
    await zhang.reload();
    await zhang.getByTestId('app-shell').waitFor();
    await openGroup(zhang, ALL_HANDS);
    await expect.poll(() => messagesWithText(zhang, offline).getAttribute('data-state')).toBe('sending');

    await stack.server.start();
    await expect.poll(() => messagesWithText(zhang, offline).getAttribute('data-state'), { timeout: 45_000 }).toBe('sent');
    await messagesWithText(li, offline).waitFor({ timeout: 30_000 });
    await expect.poll(() => messagesWithText(li, offline).count()).toBe(1);
    expect(await messagesWithText(zhang, offline).count()).toBe(1);

    // a fresh browser profile on lina's desktop has no cache: it reads history from the server
    const { context, page } = await openApp(stack, 'li');
    await page.getByTestId('app-shell').waitFor({ timeout: 30_000 });
    await openGroup(page, ALL_HANDS);
    await messagesWithText(page, offline).waitFor({ timeout: 20_000 });
    expect(await messagesWithText(page, offline).count()).toBe(1);
    await context.close();
  });

  it('scrolls back through the whole history in pages, by keyboard and by scrolling, without gaps', async () => {
    // a fresh browser profile on lina's desktop: nothing cached, every page comes from the server
    const { context, page } = await openApp(stack, 'li');
    await page.getByTestId('app-shell').waitFor({ timeout: 30_000 });
    await openGroup(page, ALL_HANDS);
    const seqs = () =>
      page.locator('[data-testid="message"]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))));
    await expect.poll(async () => (await seqs()).length, { timeout: 15_000 }).toBe(50);
    const newest = Math.max(...(await seqs()));
    // keyboard: focus the "load earlier" button and press Enter
    await page.getByTestId('load-older').focus();
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await seqs()).length, { timeout: 15_000 }).toBe(100);
    // scrolling to the top loads the rest
    for (let i = 0; i < 10 && (await page.getByTestId('history-start').count()) === 0; i++) {
      await page.locator('.message-scroll').evaluate((el) => (el.scrollTop = 0));
      await page.waitForTimeout(300);
    }
    await page.getByTestId('history-start').waitFor({ timeout: 15_000 });
    const all = await seqs();
    expect(all).toEqual(Array.from({ length: newest }, (_, i) => i + 1));
    await context.close();
  });

  it('a second tab signing in as someone else ends the first member\'s session there, without mixing data', async () => {
    // zhang's desktop: one tab is zhangwei; another tab on the same desktop signs in as admin
    const { context, page: other } = await openApp(stack, 'zhang');
    await other.getByTestId('app-shell').waitFor({ timeout: 30_000 }); // shares zhangwei's session
    await other.getByTestId('signout-button').click();
    await zhang.getByTestId('signin-form').waitFor({ timeout: 15_000 }); // signing out follows to every tab
    expect(await zhang.getByTestId('signin-notice').count()).toBe(0); // the user's own sign-out: no alarm
    await signIn(zhang, 'zhangwei');
    await expectSignedIn(zhang);
    await signIn(other, 'admin');
    await other.getByTestId('app-shell').waitFor({ timeout: 30_000 });
    // the zhangwei tab is signed out with a notice instead of turning into admin
    await zhang.getByTestId('signin-form').waitFor({ timeout: 15_000 });
    await expect.poll(() => zhang.getByTestId('signin-notice').textContent(), { timeout: 10_000 }).toMatch(/someone else|other/i);
    expect(await other.getByTestId('current-user').textContent()).not.toMatch(/张伟|Zhang/);
    await context.close();
  });

  it('signing out wipes the session and the local cache', async () => {
    await li.getByTestId('signout-button').click();
    await li.getByTestId('signin-form').waitFor({ timeout: 15_000 });
    type Idb = { databases(): Promise<Array<{ name?: string }>> };
    const databases = await li.evaluate(async () => {
      const idb = (globalThis as unknown as { indexedDB: Idb }).indexedDB;
      return (await idb.databases()).map((d) => d.name);
    });
    expect(databases.filter((n) => n?.startsWith('muster-'))).toEqual([]);
    await li.reload();
    await li.getByTestId('signin-form').waitFor({ timeout: 15_000 });
  });
});

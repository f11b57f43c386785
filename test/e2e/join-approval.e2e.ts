import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { ALL_HANDS, groupItem, openApp, signIn, startStack, type Stack } from './support/stack';

/**
 * Sharing a group and approving a join request, end to end in browser mode (real server, one web
 * host per desktop, Debian Chromium): the owner opens the share panel, makes a QR code and an invite
 * link (5 uses, 7 days), copies the link, saves the QR as a PNG (which decodes back to the link),
 * prints, and revokes the older code; Emily pastes the link into her app, asks to join the approval
 * group with a message; the owner sees the badge and the request arrive live and approves; Emily's
 * group list gets the group live and she is told. Screenshots in English and zh-CN go to
 * MUSTER_E2E_SHOTS when set. The tests run in order and share one stack.
 */
let stack: Stack;
let owner: Page; // 张伟 Zhang Wei, department head: creates and owns the group
let ownerContext: BrowserContext;
let emily: Page; // Emily Carter, employee
const stamp = Date.now().toString(36);
const groupName = `E2E 审批 ${stamp}`;
const message = 'Hi, I joined the finance review this week — may I come in?';
const shots = process.env.MUSTER_E2E_SHOTS;
let link = '';

async function signedIn(page: Page, account: string) {
  await signIn(page, account);
  await page.getByTestId('app-shell').waitFor({ timeout: 30_000 });
  await groupItem(page, ALL_HANDS).waitFor({ timeout: 30_000 });
}

async function shot(page: Page, name: string) {
  if (!shots) return;
  await mkdir(shots, { recursive: true });
  await page.screenshot({ path: join(shots, `join-approval-${name}.png`) });
}

async function setLocale(page: Page, locale: 'en' | 'zh-CN') {
  await page.getByTestId('locale-switch').selectOption(locale);
}

/** The page's globals used in evaluate() (the test itself is compiled for Node, without the DOM types). */
type Browser = {
  navigator: { clipboard: { readText(): Promise<string> } };
  print(): void;
  printed: number;
  Event: new (type: string) => object;
  dispatchEvent(event: object): boolean;
  document: { documentElement: { classList: { contains(name: string): boolean } } };
};

const panel = () => owner.getByTestId('share-panel');
const rows = () => owner.getByTestId('invite-row');

beforeAll(async () => {
  stack = await startStack(['owner', 'emily']);
  ({ page: owner, context: ownerContext } = await openApp(stack, 'owner', 'en-US'));
  await ownerContext.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.hosts['owner']!.url });
  ({ page: emily } = await openApp(stack, 'emily', 'en-US'));
  await Promise.all([signedIn(owner, 'zhangwei'), signedIn(emily, 'emily.carter')]);
});

afterAll(async () => {
  if (stack) await stack.close();
});

describe('sharing a group and approving a join request', () => {
  it('the owner makes an approval group', async () => {
    await owner.getByTestId('create-group-open').click();
    const dialog = owner.getByTestId('create-group-dialog');
    await dialog.waitFor();
    await owner.getByTestId('picker-search').fill('Li Na');
    const lina = owner.locator('[data-testid="picker-person"][data-account="lina"]');
    await lina.waitFor({ timeout: 15_000 });
    await lina.locator('input[type="checkbox"]').check();
    await owner.getByTestId('create-group-name').fill(groupName);
    await owner.getByTestId('create-group-submit').click();
    await dialog.waitFor({ state: 'detached', timeout: 15_000 });
    await expect.poll(() => owner.getByTestId('chat-title').textContent(), { timeout: 15_000 }).toBe(groupName);

    await owner.getByTestId('group-info-open').click();
    await owner.getByTestId('group-info').waitFor();
    const verification = owner.getByTestId('setting-joinVerification');
    await verification.selectOption('approval');
    await expect.poll(() => verification.inputValue(), { timeout: 15_000 }).toBe('approval');
    // Emily is not a member and nobody has asked yet: no badge anywhere.
    expect(await owner.getByTestId('join-requests-badge').count()).toBe(0);
  });

  it('the share panel makes a QR code and a 5-use, 7-day link, copies it, saves the PNG and prints', async () => {
    await owner.getByTestId('group-info-share').click();
    await panel().waitFor();
    // Nothing made yet: the QR tab says what to do.
    await owner.getByTestId('share-qr-empty').waitFor({ timeout: 15_000 });
    await owner.getByTestId('share-qr-create').click();
    const qrCard = owner.locator('[data-testid="invite-card"][data-kind="qr"]');
    await qrCard.waitFor({ timeout: 15_000 });
    await expect.poll(() => qrCard.getByTestId('invite-expiry').textContent()).toContain('(7 days left)');
    const qrBox = await qrCard.getByTestId('invite-qr').boundingBox();
    expect(qrBox!.width).toBeGreaterThanOrEqual(280); // large enough to scan off the screen
    await shot(owner, '01-share-qr-en');

    // A live code: the one line explains what it does; it has its own code.
    await owner.getByTestId('share-kind-live').check();
    await owner.getByTestId('share-qr-empty').waitFor();
    expect(await panel().textContent()).toContain(`people who scan it join an overflow group instead (“${groupName} 2”, “3”`);
    await owner.getByTestId('share-qr-create').click();
    await owner.locator('[data-testid="invite-card"][data-kind="live"]').waitFor({ timeout: 15_000 });

    // Keyboard: the tabs move with the arrow keys.
    await owner.getByTestId('share-tab-qr').focus();
    await owner.keyboard.press('ArrowRight');
    await owner.getByTestId('share-panel-link').waitFor();
    expect(await owner.locator(':focus').getAttribute('data-testid')).toBe('share-tab-link');
    await owner.getByTestId('share-link-empty').waitFor();

    await owner.getByTestId('share-link-days').selectOption('7');
    await owner.getByTestId('share-link-max-uses').selectOption('5');
    await owner.getByTestId('share-link-create').click();
    const linkCard = owner.locator('[data-testid="invite-card"][data-kind="link"]');
    await linkCard.waitFor({ timeout: 15_000 });
    expect(await linkCard.getByTestId('invite-card-uses').textContent()).toBe('0 / 5 joined');
    expect(await linkCard.getByTestId('invite-expiry').textContent()).toContain('(7 days left)');
    await linkCard.getByTestId('invite-qr').waitFor();

    // Copy: the clipboard holds the web link, and the panel says so.
    link = await linkCard.getByTestId('invite-link-web').inputValue();
    expect(link).toMatch(new RegExp(`^${stack.server.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/join/[A-Za-z0-9_-]+$`));
    expect(await linkCard.getByTestId('invite-link-app').inputValue()).toBe(`muster://join/${link.split('/join/')[1]}`);
    await linkCard.getByTestId('invite-link-web-copy').click();
    await expect.poll(() => linkCard.getByTestId('invite-copy-status').textContent()).toBe('Copied to the clipboard');
    expect(await owner.evaluate(() => (globalThis as unknown as Browser).navigator.clipboard.readText())).toBe(link);
    await shot(owner, '02-share-link-en');

    // Save as PNG: a download with a sensible name, and the picture decodes back to the link.
    const [download] = await Promise.all([owner.waitForEvent('download'), linkCard.getByTestId('invite-save-png').click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^muster-E2E-审批-${stamp}-invite-\\d{4}-\\d{2}-\\d{2}\\.png$`));
    const saved = join(stack.dir, 'invite.png');
    await download.saveAs(saved);
    const png = PNG.sync.read(await readFile(saved));
    expect(png.width).toBeGreaterThanOrEqual(800);
    expect(jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data).toBe(link);

    // Print: window.print is called with the print sheet ready (group name, QR, expiry) — stubbed,
    // since a headless browser has no print dialog; the print media shows the sheet alone.
    await owner.evaluate(() => {
      const w = globalThis as unknown as Browser;
      w.printed = 0;
      w.print = () => void w.printed++;
    });
    await linkCard.getByTestId('invite-print').click();
    expect(await owner.evaluate(() => (globalThis as unknown as Browser).printed)).toBe(1);
    await owner.emulateMedia({ media: 'print' });
    const sheet = owner.getByTestId('invite-print-sheet');
    expect(await sheet.isVisible()).toBe(true);
    expect(await sheet.textContent()).toContain(groupName);
    expect(await panel().isVisible()).toBe(false);
    await shot(owner, '03-print-en');
    await owner.emulateMedia({ media: 'screen' });
    await owner.evaluate(() => {
      const w = globalThis as unknown as Browser;
      w.dispatchEvent(new w.Event('afterprint'));
    });
    expect(await owner.evaluate(() => (globalThis as unknown as Browser).document.documentElement.classList.contains('printing-invite'))).toBe(false);
    expect(await sheet.isVisible()).toBe(false);
  });

  it('the list shows the invites with their uses; revoking the oldest one updates it', async () => {
    await owner.getByTestId('share-tab-list').click();
    await expect.poll(() => rows().count(), { timeout: 15_000 }).toBe(3);
    // newest first: the link, the live code, the QR code
    expect(await rows().evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')))).toEqual(['link', 'live', 'qr']);
    expect(await rows().nth(0).getByTestId('invite-uses').textContent()).toBe('0 / 5 joined');
    expect(await rows().nth(2).getByTestId('invite-uses').textContent()).toBe('0 joined · no limit');
    await shot(owner, '04-invites-en');

    await rows().nth(2).getByTestId('invite-revoke').click();
    const confirm = owner.getByTestId('confirm-revoke-invite');
    await confirm.waitFor();
    await confirm.getByTestId('confirm-ok').click();
    await confirm.waitFor({ state: 'detached', timeout: 15_000 });
    await expect.poll(() => rows().count(), { timeout: 15_000 }).toBe(2);
    expect(await rows().evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')))).toEqual(['link', 'live']);
    await owner.getByTestId('share-notice').waitFor();
    expect(await owner.getByTestId('share-tab-list').textContent()).toBe('Active invites (2)');

    // "Show code" opens the live code on its tab; the plain QR code is gone.
    await rows().nth(1).getByTestId('invite-show').click();
    await owner.locator('[data-testid="invite-card"][data-kind="live"]').waitFor();
    await owner.getByTestId('share-kind-qr').check();
    await owner.getByTestId('share-qr-empty').waitFor();

    // zh-CN: the same panel in Chinese.
    await owner.keyboard.press('Escape');
    await panel().waitFor({ state: 'detached' });
    await setLocale(owner, 'zh-CN');
    await owner.getByTestId('group-info-share').click();
    await owner.getByTestId('share-tab-link').click();
    const linkCard = owner.locator('[data-testid="invite-card"][data-kind="link"]');
    await linkCard.waitFor({ timeout: 15_000 });
    expect(await linkCard.getByTestId('invite-card-uses').textContent()).toBe('已加入 0 / 5 人');
    expect(await linkCard.getByTestId('invite-expiry').textContent()).toContain('剩余 7 天');
    await shot(owner, '05-share-link-zh-CN');
    await owner.getByTestId('share-tab-list').click();
    await expect.poll(() => rows().count()).toBe(2);
    await shot(owner, '06-invites-zh-CN');
    await owner.keyboard.press('Escape');
    await panel().waitFor({ state: 'detached' });
    await setLocale(owner, 'en');
  });

  it('Emily pastes the link and asks to join with a message', async () => {
    await emily.getByTestId('join-menu-open').click();
    await emily.getByTestId('join-menu-paste').click();
    await emily.getByTestId('join-paste-input').fill(link);
    await emily.getByTestId('join-paste-submit').click();
    const step = emily.getByTestId('join-step');
    await expect.poll(() => step.getAttribute('data-step'), { timeout: 15_000 }).toBe('preview-request');
    expect(await emily.getByTestId('join-group-name').textContent()).toContain(groupName);
    await emily.getByTestId('join-request-message').fill(message);
    await emily.getByTestId('join-request-send').click();
    await emily.getByTestId('join-requested').waitFor({ timeout: 15_000 });
    await shot(emily, '07-request-sent-en');
    await emily.getByTestId('join-close').click();
    await emily.getByTestId('join-dialog').waitFor({ state: 'detached' });
    expect(await groupItem(emily, groupName).count()).toBe(0);
  });

  it('the owner sees the badge and the request live, and approves', async () => {
    const badge = owner.getByTestId('join-requests-badge');
    await expect.poll(() => badge.textContent(), { timeout: 15_000 }).toBe('1');
    expect(await owner.getByTestId('nav-join-requests').getAttribute('aria-label')).toBe('Join requests: 1 waiting');
    await shot(owner, '08-badge-en');

    // Keyboard: the rail entry opens the inbox.
    await owner.getByTestId('nav-join-requests').focus();
    await owner.keyboard.press('Enter');
    const inbox = owner.getByTestId('join-requests-inbox');
    await inbox.waitFor();
    const request = inbox.getByTestId('inbox-request');
    await request.waitFor({ timeout: 15_000 });
    expect(await request.getByTestId('inbox-requester').textContent()).toBe('Emily Carter');
    expect(await request.getByTestId('inbox-group').textContent()).toBe(groupName);
    expect(await request.getByTestId('inbox-message').textContent()).toBe(message);
    expect(await request.getByTestId('inbox-via').textContent()).toBe('Opened an invite link shared by Zhang Wei');
    await shot(owner, '09-inbox-en');

    await owner.keyboard.press('Escape');
    await inbox.waitFor({ state: 'detached' });
    await setLocale(owner, 'zh-CN');
    await owner.getByTestId('nav-join-requests').click();
    await inbox.waitFor();
    await expect.poll(() => request.getByTestId('inbox-via').textContent(), { timeout: 15_000 }).toBe('打开邀请链接（张伟 分享）');
    await shot(owner, '10-inbox-zh-CN');

    await request.getByTestId('inbox-approve').click();
    await inbox.getByTestId('join-requests-empty').waitFor({ timeout: 15_000 });
    expect(await inbox.getByTestId('join-requests-notice').textContent()).toBe(`已同意 Emily Carter 加入 ${groupName}。`);
    expect(await badge.count()).toBe(0);
    await shot(owner, '11-approved-zh-CN');
    await owner.keyboard.press('Escape');
    await setLocale(owner, 'en');
  });

  it('Emily’s list gets the group live and she is told; Open takes her there', async () => {
    await groupItem(emily, groupName).waitFor({ timeout: 15_000 });
    const notice = emily.getByTestId('join-decided-notice');
    await notice.waitFor({ timeout: 15_000 });
    expect(await notice.getAttribute('data-status')).toBe('approved');
    expect(await notice.textContent()).toContain(`Your request to join “${groupName}” was approved`);
    await shot(emily, '12-approved-notice-en');
    const open = emily.getByTestId('join-decided-open');
    await expect.poll(() => open.isEnabled(), { timeout: 15_000 }).toBe(true);
    await open.click();
    await expect.poll(() => emily.getByTestId('chat-title').textContent(), { timeout: 15_000 }).toBe(groupName);
    expect(await notice.count()).toBe(0);
  });
});

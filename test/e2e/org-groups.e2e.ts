import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ALL_HANDS, groupItem, messagesWithText, openApp, openGroup, signIn, startStack, type Stack } from './support/stack';

/**
 * Organization and groups end to end, in browser mode (real server, one web host per desktop,
 * Debian Chromium): an admin creates a group from the org chart and promotes a member, who sees the
 * group appear and their new role live on their own desktop; a removed member sees the group go.
 * The tests run in order and share one stack.
 */
let stack: Stack;
let admin: Page; // admin (super admin), English UI
let lina: Page; // 李娜, Chinese UI
let emily: Page; // Emily Carter, English UI
const stamp = Date.now().toString(36);
const groupName = `E2E 项目 ${stamp}`;
const shots = process.env.MUSTER_E2E_SHOTS;

async function signedIn(page: Page, account: string) {
  await signIn(page, account);
  await page.getByTestId('app-shell').waitFor({ timeout: 30_000 });
  await groupItem(page, ALL_HANDS).waitFor({ timeout: 30_000 });
}

async function shot(page: Page, name: string) {
  if (!shots) return;
  await mkdir(shots, { recursive: true });
  await page.screenshot({ path: join(shots, `${name}.png`) });
}

/** Ticks someone in the people picker, found by search. */
async function pick(page: Page, query: string, account: string) {
  await page.getByTestId('picker-search').fill(query);
  const row = page.locator(`[data-testid="picker-person"][data-account="${account}"]`);
  await row.waitFor({ timeout: 15_000 });
  await row.locator('input[type="checkbox"]').check();
}

function member(page: Page, name: string) {
  return page.locator(`[data-testid="group-member"][data-name="${name}"]`);
}

beforeAll(async () => {
  stack = await startStack(['admin', 'lina', 'emily']);
  ({ page: admin } = await openApp(stack, 'admin', 'en-US'));
  ({ page: lina } = await openApp(stack, 'lina', 'zh-CN'));
  ({ page: emily } = await openApp(stack, 'emily', 'en-US'));
  await Promise.all([signedIn(admin, 'admin'), signedIn(lina, 'lina'), signedIn(emily, 'emily.carter')]);
});

afterAll(async () => {
  if (stack) await stack.close();
});

describe('organization and groups', () => {
  it('the contacts view shows the org chart in English and in Chinese', async () => {
    await lina.getByTestId('nav-contacts').click();
    const tree = lina.getByTestId('department-tree');
    await tree.waitFor({ timeout: 30_000 });
    // Chinese UI: Chinese department names; the tree is keyboard-navigable
    await expect.poll(() => tree.textContent()).toContain('研发中心');
    await lina.locator('[data-testid="department-node"][data-department-name="研发中心"]').click();
    await expect.poll(() => lina.getByTestId('department-title').textContent()).toBe('研发中心');
    await lina.keyboard.press('ArrowRight'); // opens / goes into 研发中心
    await lina.keyboard.press('ArrowDown');
    await lina.keyboard.press('Enter');
    await expect.poll(() => lina.getByTestId('department-title').textContent()).toMatch(/前端组|后端组|测试组/);
    await lina.locator('[data-testid="department-node"][data-department-name="前端组"]').click();
    await lina.locator('[data-testid="contact-person"][data-account="liuqiang"]').click();
    await expect.poll(() => lina.getByTestId('member-card-name').textContent()).toBe('刘强');
    await shot(lina, 'contacts-zh-CN');

    // English UI: English department and member names
    await lina.getByTestId('locale-switch').selectOption('en');
    await expect.poll(() => lina.getByTestId('department-title').textContent()).toBe('Frontend');
    await expect.poll(() => lina.getByTestId('member-card-name').textContent()).toBe('Liu Qiang');
    await expect.poll(() => tree.textContent()).toContain('R&D Center');
    await shot(lina, 'contacts-en');

    // search by English name, then by Chinese name
    await lina.getByTestId('contacts-search').fill('zhao min');
    await expect.poll(() => lina.getByTestId('contact-person').count()).toBe(1);
    await lina.getByTestId('contacts-search').fill('赵敏');
    await expect.poll(() => lina.locator('[data-testid="contact-person"][data-account="zhaomin"]').count()).toBe(1);
    // pinyin initials (Chromium's Chinese collation)
    await lina.getByTestId('contacts-search').fill('zm');
    await expect.poll(() => lina.locator('[data-testid="contact-person"][data-account="zhaomin"]').count()).toBe(1);
    await lina.getByTestId('locale-switch').selectOption('zh-CN');
    await lina.getByTestId('nav-messages').click();
  });

  it('an admin creates a group from the org chart; the people picked see it appear at once', async () => {
    const dialog = admin.getByTestId('create-group-dialog');
    // Esc closes the dialog and gives the focus back to the button that opened it
    await admin.getByTestId('create-group-open').click();
    await dialog.waitFor();
    await expect.poll(() => admin.locator(':focus').getAttribute('data-testid')).toBe('picker-search');
    await admin.keyboard.press('Escape'); // clears nothing (empty search), closes
    await dialog.waitFor({ state: 'detached' });
    expect(await admin.locator(':focus').getAttribute('data-testid')).toBe('create-group-open');
    await admin.getByTestId('create-group-open').click();
    await dialog.waitFor();
    await pick(admin, 'Li Na', 'lina');
    // by keyboard: Enter in the search picks the first match (and never submits the dialog)
    await admin.getByTestId('picker-search').fill('emily');
    await admin.locator('[data-testid="picker-person"][data-account="emily.carter"]').waitFor();
    await admin.getByTestId('picker-search').press('Enter');
    await expect.poll(() => admin.getByTestId('picked-person').count()).toBe(2);
    expect(await dialog.isVisible()).toBe(true);
    // the name is prefilled from the picked people; we give our own
    await expect.poll(() => admin.getByTestId('create-group-name').inputValue()).toContain('Li Na');
    await admin.getByTestId('create-group-name').fill(groupName);
    await shot(admin, 'create-group-en');
    await admin.getByTestId('create-group-submit').click();
    await dialog.waitFor({ state: 'detached', timeout: 15_000 });
    // the new group is open on the creator's desktop
    await expect.poll(() => admin.getByTestId('chat-title').textContent(), { timeout: 15_000 }).toBe(groupName);

    await groupItem(lina, groupName).waitFor({ timeout: 15_000 });
    await groupItem(emily, groupName).waitFor({ timeout: 15_000 });
    expect(await groupItem(lina, groupName).getAttribute('data-my-role')).toBe('member');
  });

  it('the admin promotes a member, who sees their new role live', async () => {
    await openGroup(lina, groupName);
    await admin.getByTestId('group-info-open').click();
    await admin.getByTestId('group-info').waitFor();
    await member(admin, '李娜').waitFor({ timeout: 15_000 });
    await member(admin, '李娜').getByTestId('member-actions').click();
    await admin.getByTestId('member-action-admin').click();
    await expect.poll(() => member(admin, '李娜').getAttribute('data-role'), { timeout: 15_000 }).toBe('admin');
    await shot(admin, 'group-info-en');

    // Li Na's own list shows her role, and the system message reads in her language
    await expect.poll(() => groupItem(lina, groupName).getAttribute('data-my-role'), { timeout: 15_000 }).toBe('admin');
    await messagesWithText(lina, '设为管理员').waitFor({ timeout: 15_000 });
    // her own group info panel now offers what admins may do (add members), and Esc closes it
    await lina.getByTestId('group-info-open').click();
    await lina.getByTestId('group-info-add').waitFor({ timeout: 15_000 });
    await shot(lina, 'group-info-zh-CN');
    await lina.keyboard.press('Escape');
    await lina.getByTestId('group-info').waitFor({ state: 'detached' });
  });

  it('mute all silences plain members live, not admins', async () => {
    await openGroup(emily, groupName);
    await emily.getByTestId('composer-input').waitFor();
    // the switch follows the server's answer (it moves once the setting is stored)
    await admin.getByTestId('setting-muteAll').click();
    await expect.poll(() => admin.getByTestId('setting-muteAll').isChecked(), { timeout: 15_000 }).toBe(true);
    await emily.getByTestId('composer-silenced').waitFor({ timeout: 15_000 });
    expect(await emily.getByTestId('composer-silenced').textContent()).toMatch(/owner and admins/);
    // Li Na is an admin now: she still has her composer
    expect(await lina.getByTestId('composer-input').count()).toBe(1);
    await admin.getByTestId('setting-muteAll').click();
    await expect.poll(() => admin.getByTestId('setting-muteAll').isChecked(), { timeout: 15_000 }).toBe(false);
    await emily.getByTestId('composer-input').waitFor({ timeout: 15_000 });
  });

  it('a removed member sees the group go, with the reason, and it stays gone after a reload', async () => {
    await openGroup(emily, groupName);
    await member(admin, 'Emily Carter').getByTestId('member-actions').click();
    await admin.getByTestId('member-action-remove').click();
    await admin.getByTestId('confirm-remove').waitFor();
    await admin.getByTestId('confirm-ok').click();
    await member(admin, 'Emily Carter').waitFor({ state: 'detached', timeout: 15_000 });

    await groupItem(emily, groupName).waitFor({ state: 'detached', timeout: 15_000 });
    const notice = emily.getByTestId('group-removed-notice');
    await notice.waitFor({ timeout: 15_000 });
    expect(await notice.getAttribute('data-reason')).toBe('removed');
    expect(await notice.textContent()).toContain(groupName);
    expect(await emily.getByTestId('chat-view').count()).toBe(0);
    await shot(emily, 'removed-en');

    await emily.reload();
    await groupItem(emily, ALL_HANDS).waitFor({ timeout: 30_000 });
    expect(await groupItem(emily, groupName).count()).toBe(0);
    // Li Na, still in it, sees the removal as a system message
    await messagesWithText(lina, 'Emily Carter 移出群聊').waitFor({ timeout: 15_000 });
  });
});

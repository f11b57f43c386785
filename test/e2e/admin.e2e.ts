import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Download, Page } from 'playwright-core';
import { openApp, signIn, startStack, type Stack } from './support/stack';

/**
 * The admin pages end to end (browser mode, Debian Chromium): a super admin builds the chart,
 * creates a member, imports a CSV (a bad file first: errors shown, nothing imported), reads the
 * audit log and exports it. Screenshots in English and zh-CN go to MUSTER_E2E_SHOTS when set.
 */
let stack: Stack;
let page: Page;
const stamp = Date.now().toString(36).slice(-5);
const deptName = `质量保障部${stamp}`;
const deptNameEn = `Quality ${stamp}`;
const shots = process.env.MUSTER_E2E_SHOTS;

async function shot(name: string) {
  if (!shots) return;
  await mkdir(shots, { recursive: true });
  await page.screenshot({ path: join(shots, `${name}.png`) });
}

async function downloadOf(click: () => Promise<void>): Promise<{ name: string; text: string }> {
  const [download] = (await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), click()])) as [Download, void];
  const path = await download.path();
  return { name: download.suggestedFilename(), text: await readFile(path, 'utf8') };
}

const nav = (id: string) => page.getByTestId(`admin-nav-${id}`);
const treeItem = (name: string) => page.locator(`[data-testid="admin-tree-item"][data-dept-name="${name}"]`);
const memberRow = (account: string) => page.locator(`[data-testid="admin-member-row"][data-account="${account}"]`);

beforeAll(async () => {
  stack = await startStack(['admin']);
  ({ page } = await openApp(stack, 'admin', 'en-US'));
  await page.setViewportSize({ width: 1360, height: 860 });
  await signIn(page, 'admin');
  await page.getByTestId('app-shell').waitFor({ timeout: 30_000 });
});

afterAll(async () => {
  if (stack) await stack.close();
});

describe('admin pages', () => {
  it('a super admin opens the admin section and sees the department tree', async () => {
    await page.getByTestId('nav-admin').click();
    await page.getByTestId('admin-view').waitFor();
    await treeItem('研发中心').waitFor({ timeout: 15_000 });
    // Keyboard: the page list moves with the arrow keys.
    await nav('chart').focus();
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => nav('members').getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => nav('chart').getAttribute('aria-selected')).toBe('true');
    await shot('01-chart-en');
  });

  it('creates a sub-department; moving it into itself is not offered; reorders it', async () => {
    await treeItem('研发中心').click();
    await page.getByTestId('admin-dept-add').click();
    await page.getByTestId('admin-dept-name').fill(deptName);
    await page.getByTestId('admin-dept-name-en').fill(deptNameEn);
    await page.getByTestId('admin-dept-save').click();
    await treeItem(deptName).waitFor({ timeout: 15_000 });
    await expect.poll(() => page.getByTestId('admin-dept-title').textContent()).toBe(deptNameEn);
    expect(await page.getByTestId('admin-chart-notice').textContent()).toContain(deptName);

    // An empty name is refused before anything is sent.
    await page.getByTestId('admin-dept-add').click();
    await page.getByTestId('admin-dept-save').click();
    expect(await page.getByTestId('admin-dept-dialog-error').textContent()).toMatch(/name/i);
    await page.keyboard.press('Escape');
    await page.getByTestId('admin-dept-dialog').waitFor({ state: 'detached' });

    // The move dialog disables the department itself.
    await page.getByTestId('admin-dept-move').click();
    const self = page.getByTestId('admin-move-parent').locator('option', { hasText: deptNameEn });
    expect(await self.isDisabled()).toBe(true);
    await page.keyboard.press('Escape');

    // Reorder: it was created last among 研发中心's children (after 测试组); "up" puts it before 测试组.
    const order = () => page.getByTestId('admin-tree-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-dept-name')));
    const before = await order();
    expect(before.indexOf(deptName)).toBe(before.indexOf('测试组') + 1);
    expect(await page.getByTestId('admin-dept-down').isDisabled()).toBe(true);
    await page.getByTestId('admin-dept-up').click();
    await expect.poll(async () => (await order()).indexOf('测试组') - (await order()).indexOf(deptName), { timeout: 15_000 }).toBe(1);
  });

  it('creates a member in that department and shows the initial password once', async () => {
    await nav('members').click();
    await page.getByTestId('admin-member-new').click();
    const dialog = page.getByTestId('admin-member-dialog');
    await page.getByTestId('admin-member-account').fill(`qa.${stamp}`);
    await page.getByTestId('admin-member-name').fill('周质检');
    await page.getByTestId('admin-member-nameEn').fill(`Zhou QA ${stamp}`);
    await page.getByTestId('admin-member-employeeId').fill(`QA${stamp}`);
    await page.getByTestId('admin-member-mobile').fill('12345');
    await dialog.locator(`[data-dept-name="${deptName}"] [data-testid="admin-member-dept"]`).check();
    await page.getByTestId('admin-member-save').click();
    // A malformed mobile is caught next to its field, nothing is sent.
    await expect.poll(() => page.getByTestId('admin-member-mobile-problem').textContent()).toMatch(/Mobile/);
    await shot('02-member-form-en');
    await page.getByTestId('admin-member-mobile').fill('13912345678');
    await page.getByTestId('admin-member-save').click();
    const password = await page.getByTestId('admin-created-password').textContent({ timeout: 15_000 });
    expect(password?.length).toBeGreaterThanOrEqual(8);
    expect(await page.getByTestId('admin-created-account').textContent()).toBe(`qa.${stamp}`);
    await shot('03-member-created-en');
    await page.getByTestId('admin-password-done').click();
    await memberRow(`qa.${stamp}`).waitFor({ timeout: 15_000 });
    expect(await memberRow(`qa.${stamp}`).textContent()).toContain(deptNameEn);

    // Search finds them by employee id; the department filter includes sub-departments.
    await page.getByTestId('admin-member-search').fill(`qa${stamp}`);
    await expect.poll(() => page.getByTestId('admin-member-row').count()).toBe(1);
    await page.getByTestId('admin-member-search').fill('');
    await page.getByTestId('admin-member-dept-filter').selectOption({ label: deptNameEn });
    await expect.poll(() => page.getByTestId('admin-member-row').count()).toBe(1);
    await page.getByTestId('admin-member-dept-filter').selectOption('');
  });

  it('editing one field keeps the others (title changed, mobile and English name kept)', async () => {
    await memberRow(`qa.${stamp}`).getByTestId('admin-member-edit').click();
    expect(await page.getByTestId('admin-member-account').isDisabled()).toBe(true);
    await page.getByTestId('admin-member-title').fill('测试工程师 QA Engineer');
    await page.getByTestId('admin-member-save').click();
    await page.getByTestId('admin-member-dialog').waitFor({ state: 'detached', timeout: 15_000 });
    await expect.poll(() => memberRow(`qa.${stamp}`).textContent(), { timeout: 15_000 }).toContain('测试工程师 QA Engineer');
    await page.getByTestId('admin-member-search').fill('13912345678');
    await expect.poll(() => page.getByTestId('admin-member-row').count()).toBe(1);
    expect(await memberRow(`qa.${stamp}`).textContent()).toContain(`Zhou QA ${stamp}`);
    await page.getByTestId('admin-member-search').fill('');
  });

  it('the same account again is refused with a message about the account', async () => {
    await page.getByTestId('admin-member-new').click();
    await page.getByTestId('admin-member-account').fill(`qa.${stamp}`);
    await page.getByTestId('admin-member-name').fill('重复');
    await page.getByTestId('admin-member-dialog').locator(`[data-dept-name="${deptName}"] [data-testid="admin-member-dept"]`).check();
    await page.getByTestId('admin-member-save').click();
    await expect.poll(() => page.getByTestId('admin-member-error').textContent(), { timeout: 15_000 }).toMatch(/Account.*already used/);
    await page.keyboard.press('Escape');
  });

  it('downloads the CSV template', async () => {
    await nav('import').click();
    const template = await downloadOf(() => page.getByTestId('admin-import-template').click());
    expect(template.name).toMatch(/\.csv$/);
    expect(template.text.replace(/^\uFEFF/, '').split(/\r?\n/)[0]).toContain('工号 Employee ID');
  });

  const header = '\uFEFF工号 Employee ID,姓名 Name,英文名 English name,手机 Mobile,部门 Department,职位 Title,邮箱 Email\r\n';
  const file = (name: string, body: string) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(header + body, 'utf8') });

  it('a file with a malformed row shows the row error and imports nothing', async () => {
    const body = [`I${stamp}1,王一,Wang Yi,13800000001,研发中心/${deptName},工程师,`, `I${stamp}2,王二,,1380000,研发中心/${deptName},,`].join('\r\n');
    await page.getByTestId('admin-import-file').setInputFiles(file('bad.csv', body));
    await page.getByTestId('admin-import-preview').waitFor();
    const problem = page.locator('[data-testid="admin-import-row-error"]');
    await expect.poll(() => problem.count()).toBe(1);
    expect(await problem.getAttribute('data-line')).toBe('3');
    expect(await problem.getAttribute('data-field')).toBe('mobile');
    expect(await problem.textContent()).toMatch(/Line 3.*Mobile/);
    expect(await page.getByTestId('admin-import-start').isDisabled()).toBe(true);
    await shot('04-import-problems-en');
    await page.getByTestId('admin-import-cancel').click();
  });

  it('a row the server refuses (unknown department) fails its batch: errors shown, nothing imported', async () => {
    const body = [`I${stamp}1,王一,Wang Yi,13800000001,研发中心/${deptName},工程师,`, `I${stamp}2,王二,,13800000002,研发中心/不存在的部门,,`].join('\r\n');
    await page.getByTestId('admin-import-file').setInputFiles(file('unknown-dept.csv', body));
    await page.getByTestId('admin-import-ready').waitFor();
    await page.getByTestId('admin-import-start').click();
    const result = page.getByTestId('admin-import-result');
    await result.waitFor({ timeout: 20_000 });
    expect(await result.getAttribute('data-landed')).toBe('0');
    const serverError = page.locator('[data-testid="admin-import-server-errors"] [data-testid="admin-import-row-error"]');
    await expect.poll(() => serverError.count()).toBe(1);
    expect(await serverError.getAttribute('data-code')).toBe('unknown_department');
    expect(await serverError.getAttribute('data-line')).toBe('3');
    await shot('05-import-rejected-en');
    // Line 2 was fine but its batch is all-or-nothing: it does not exist.
    await nav('members').click();
    await page.getByTestId('admin-member-search').fill(`i${stamp}1`);
    await page.getByTestId('admin-members-empty').waitFor();
    await page.getByTestId('admin-member-search').fill('');
  });

  it('a good file imports, with progress, and lists the new accounts with their passwords', async () => {
    await nav('import').click();
    const body = [`I${stamp}1,王一,Wang Yi,13800000001,研发中心/${deptName},工程师,wang1@example.com`, `I${stamp}2,王二,,+86 13800000002,R&D Center/${deptNameEn},,`].join('\r\n');
    await page.getByTestId('admin-import-file').setInputFiles(file('good.csv', body));
    await page.getByTestId('admin-import-ready').waitFor();
    await page.getByTestId('admin-import-start').click();
    const result = page.getByTestId('admin-import-result');
    await result.waitFor({ timeout: 20_000 });
    expect(await result.getAttribute('data-landed')).toBe('1');
    expect(await result.getAttribute('data-failed')).toBe('0');
    expect(await page.getByTestId('admin-import-bar').getAttribute('value')).toBe('2');
    await expect.poll(() => page.getByTestId('admin-import-created-row').count()).toBe(2);
    await shot('06-import-done-en');
    const accounts = await downloadOf(() => page.getByTestId('admin-import-download-accounts').click());
    const lines = accounts.text.replace(/^\uFEFF/, '').trim().split(/\r\n/);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(`i${stamp}1`.toLowerCase());
    await nav('members').click();
    await memberRow(`i${stamp}1`.toLowerCase()).waitFor({ timeout: 15_000 });
  });

  it('a file Excel saved as GBK (Chinese Windows) is read correctly and imports', async () => {
    await nav('import').click();
    // Header by its English aliases; 王五 in GBK is CD F5 CE E5 (invalid as UTF-8).
    const bytes = Buffer.concat([
      Buffer.from(`employee id,name,department\r\nG${stamp},`, 'latin1'),
      Buffer.from([0xcd, 0xf5, 0xce, 0xe5]),
      Buffer.from(`,R&D Center/${deptNameEn}\r\n`, 'latin1'),
    ]);
    await page.getByTestId('admin-import-file').setInputFiles({ name: 'gbk.csv', mimeType: 'text/csv', buffer: bytes });
    await page.getByTestId('admin-import-ready').waitFor();
    expect(await page.getByTestId('admin-import-summary').textContent()).toContain('GB18030 / GBK');
    expect(await page.getByTestId('admin-import-preview-row').textContent()).toContain('王五');
    await page.getByTestId('admin-import-start').click();
    await page.getByTestId('admin-import-result').waitFor({ timeout: 20_000 });
    expect(await page.locator('[data-testid="admin-import-created-row"]').textContent()).toContain('王五');
  });

  it('offboarding asks for confirmation and says what happens', async () => {
    const account = `i${stamp}2`.toLowerCase();
    await nav('members').click();
    await memberRow(account).getByTestId('admin-member-offboard').click();
    const dialog = page.getByTestId('admin-offboard-dialog');
    expect(await dialog.textContent()).toMatch(/signed out everywhere.*removed from every group.*messages they wrote are kept/s);
    await shot('07-offboard-en');
    await page.getByTestId('admin-offboard-confirm').click();
    await page.getByTestId('admin-members-notice').waitFor({ timeout: 15_000 });
    await page.getByTestId('admin-member-status-filter').selectOption('offboarded');
    await expect.poll(() => memberRow(account).getAttribute('data-status')).toBe('offboarded');
    await page.getByTestId('admin-member-status-filter').selectOption('active');
  });

  it('the audit log lists the changes, filters by action, exports CSV and verifies the chain', async () => {
    await nav('audit').click();
    const rows = page.getByTestId('admin-audit-row');
    await rows.first().waitFor({ timeout: 15_000 });
    const actions = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-action')));
    for (const a of ['org.department.create', 'org.department.reorder', 'org.member.create', 'org.member.import', 'org.member.offboard']) expect(actions).toContain(a);
    await shot('08-audit-en');

    await page.getByTestId('admin-audit-action').fill('org.member.create');
    await page.getByTestId('admin-audit-apply').click();
    await expect.poll(() => rows.evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute('data-action')))])).toEqual(['org.member.create']);
    const createdCount = await rows.count();
    expect(createdCount).toBeGreaterThanOrEqual(3); // the form's member and the two imported ones

    const exported = await downloadOf(() => page.getByTestId('admin-audit-export').click());
    expect(exported.name).toMatch(/^muster-audit-\d{8}-\d{4}\.csv$/);
    const csvLines = exported.text.replace(/^\uFEFF/, '').trim().split(/\r\n/);
    expect(csvLines.length).toBe(createdCount + 1); // header + the filtered entries
    expect(csvLines.slice(1).every((l) => l.includes('org.member.create'))).toBe(true);
    expect(exported.text).toContain(`qa.${stamp}`);
    await expect.poll(() => page.getByTestId('admin-audit-export-note').textContent()).toContain(String(createdCount));

    await page.getByTestId('admin-audit-verify').click();
    const verify = page.getByTestId('admin-audit-verify-result');
    await verify.waitFor({ timeout: 15_000 });
    expect(await verify.getAttribute('data-ok')).toBe('true');
  });

  it('reads in zh-CN', async () => {
    await page.getByTestId('locale-switch').selectOption('zh-CN');
    await expect.poll(() => nav('audit').textContent()).toContain('审计日志');
    expect(await page.getByTestId('admin-audit-verify-result').textContent()).toContain('日志链完整');
    await shot('11-audit-zh');
    await nav('chart').click();
    await treeItem(deptName).click();
    await expect.poll(() => page.getByTestId('admin-dept-title').textContent()).toBe(deptName);
    await shot('12-chart-zh');
    await nav('members').click();
    await page.getByTestId('admin-members-table').waitFor();
    await shot('13-members-zh');
    await page.getByTestId('admin-member-new').click();
    await page.getByTestId('admin-member-save').click();
    await expect.poll(() => page.getByTestId('admin-member-error').textContent()).toContain('请修改');
    await shot('14-member-form-zh');
    await page.keyboard.press('Escape');
    await nav('import').click();
    await shot('15-import-zh');
    const body = `X${stamp},,,1380000,研发中心/${deptName},,not-an-email\r\n`;
    await page.getByTestId('admin-import-file').setInputFiles(file('bad-zh.csv', body));
    await expect.poll(() => page.getByTestId('admin-import-problems-title').textContent()).toContain('尚未导入');
    await shot('16-import-problems-zh');
    await nav('requests').click();
    await page.locator('[data-testid="admin-requests-empty"], [data-testid="admin-requests-list"]').first().waitFor({ timeout: 15_000 });
    await shot('17-requests-zh');
    await page.getByTestId('locale-switch').selectOption('en');
    await shot('18-requests-en');
  });
  it('deleting a department with members moves them first, as chosen', async () => {
    await nav('chart').click();
    await treeItem(deptName).click();
    await page.getByTestId('admin-dept-delete').click();
    const dialog = page.getByTestId('admin-delete-dialog');
    expect(await dialog.textContent()).toMatch(/3 member\(s\)/);
    const qa = await page.getByTestId('admin-delete-move-to').locator('option', { hasText: /^\s*QA$/ }).getAttribute('value');
    await page.getByTestId('admin-delete-move-to').selectOption(qa!);
    await shot('19-delete-en');
    await page.getByTestId('admin-delete-confirm').click();
    await treeItem(deptName).waitFor({ state: 'detached', timeout: 15_000 });
    await nav('members').click();
    await expect.poll(() => memberRow(`qa.${stamp}`).textContent(), { timeout: 15_000 }).toContain('R&D Center / QA');
  });
});

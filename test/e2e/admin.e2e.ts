import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Download, Page } from 'playwright-core';
import { io } from 'socket.io-client';
import { httpRoutes, type TokenBundle } from '@shared/contract';
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
    // Keyboard: the tree is one tab stop; arrows move the selection, Left goes to the parent.
    await treeItem('研发中心').click();
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => treeItem('前端组').getAttribute('aria-selected')).toBe('true');
    await expect.poll(() => page.locator(':focus').getAttribute('data-dept-name')).toBe('前端组');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => treeItem('研发中心').getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('ArrowLeft'); // collapses it
    await treeItem('前端组').waitFor({ state: 'detached' });
    await page.keyboard.press('ArrowRight');
    await treeItem('前端组').waitFor();
    await treeItem('总部').click();
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

  it('sets the new member as the department’s head', async () => {
    await nav('chart').click();
    await treeItem(deptName).click();
    await page.getByTestId('admin-dept-head-button').click();
    await page.getByTestId('admin-head-select').selectOption({ label: `Zhou QA ${stamp}` });
    await page.getByTestId('admin-head-save').click();
    await expect.poll(() => page.getByTestId('admin-dept-head').textContent(), { timeout: 15_000 }).toBe(`Zhou QA ${stamp}`);
    await nav('members').click();
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

  it('a file of two batches: the good batch lands, the one with a bad row does not, and the summary says which', async () => {
    await nav('import').click();
    const lines = Array.from({ length: 201 }, (_, i) => `B${stamp}${i},批量${i},,,研发中心/${i === 200 ? '没有这个部门' : deptName},,`);
    await page.getByTestId('admin-import-file').setInputFiles(file('two-batches.csv', lines.join('\r\n')));
    await page.getByTestId('admin-import-ready').waitFor();
    expect(await page.getByTestId('admin-import-summary').textContent()).toMatch(/201 member row\(s\), sent in 2 batch\(es\)/);
    await page.getByTestId('admin-import-start').click();
    const result = page.getByTestId('admin-import-result');
    await result.waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('admin-import-batch').evaluateAll((els) => els.map((e) => e.getAttribute('data-state')))).toEqual(['imported', 'rejected']);
    expect(await result.getAttribute('data-landed')).toBe('1');
    expect(await result.textContent()).toMatch(/1 of 2 batches imported\. 200 members created\..*1 row was not imported/s);
    const bad = page.locator('[data-testid="admin-import-server-errors"] [data-testid="admin-import-row-error"]');
    expect(await bad.getAttribute('data-line')).toBe('202');
    await shot('06b-import-two-batches-en');
    await page.getByTestId('admin-import-again').click();
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
    await page.getByTestId('admin-member-search').fill(account);
    await memberRow(account).getByTestId('admin-member-offboard').click();
    const dialog = page.getByTestId('admin-offboard-dialog');
    expect(await dialog.textContent()).toMatch(/signed out everywhere.*removed from every group.*messages they wrote are kept/s);
    await shot('07-offboard-en');
    await page.getByTestId('admin-offboard-confirm').click();
    await page.getByTestId('admin-members-notice').waitFor({ timeout: 15_000 });
    await page.getByTestId('admin-member-status-filter').selectOption('offboarded');
    await expect.poll(() => memberRow(account).getAttribute('data-status')).toBe('offboarded');
    await page.getByTestId('admin-member-status-filter').selectOption('active');
    await page.getByTestId('admin-member-search').fill('');
  });

  it('the audit log lists the changes, filters by action, exports CSV and verifies the chain', async () => {
    await nav('audit').click();
    const rows = page.getByTestId('admin-audit-row');
    await rows.first().waitFor({ timeout: 15_000 });
    const actions = () => rows.evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute('data-action')))].sort());
    const apply = async (patch: { action?: string; targetType?: string }) => {
      await page.getByTestId('admin-audit-action').fill(patch.action ?? '');
      await page.getByTestId('admin-audit-target-type').selectOption(patch.targetType ?? '');
      await page.getByTestId('admin-audit-apply').click();
    };
    await shot('08-audit-en');

    await apply({ targetType: 'department' });
    await expect.poll(async () => (await actions()).every((a) => a.startsWith('org.department.'))).toBe(true);
    expect(await actions()).toEqual(expect.arrayContaining(['org.department.create', 'org.department.reorder']));
    await apply({ action: 'org.member.offboard' });
    await expect.poll(actions).toEqual(['org.member.offboard']);
    expect(await rows.count()).toBe(1);
    await apply({ action: 'org.member.import' });
    await expect.poll(() => rows.count()).toBe(3); // the good file, the two-batch file's first batch, the GBK file

    // 200+ creations: the first page, then "Load more" pages back.
    await apply({ action: 'org.member.create' });
    await expect.poll(actions).toEqual(['org.member.create']);
    await expect.poll(() => rows.count()).toBe(50);
    await page.getByTestId('admin-audit-more').click();
    await expect.poll(() => rows.count()).toBe(100);
    const seqs = await rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))));
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a)); // newest first, no repeats across pages
    expect(new Set(seqs).size).toBe(seqs.length);

    const exported = await downloadOf(() => page.getByTestId('admin-audit-export').click());
    expect(exported.name).toMatch(/^muster-audit-\d{8}-\d{4}\.csv$/);
    const csvLines = exported.text.replace(/^\uFEFF/, '').trim().split(/\r\n/);
    const exportedCount = csvLines.length - 1; // header + the filtered entries
    expect(exportedCount).toBeGreaterThanOrEqual(200 + 5); // form member, 2 + 200 + 1 imported, demo seed
    expect(csvLines.slice(1).every((l) => l.includes('org.member.create'))).toBe(true);
    expect(exported.text).toContain(`qa.${stamp}`);
    await expect.poll(() => page.getByTestId('admin-audit-export-note').textContent()).toContain(String(exportedCount));

    await page.getByTestId('admin-audit-verify').click();
    const verify = page.getByTestId('admin-audit-verify-result');
    await verify.waitFor({ timeout: 15_000 });
    expect(await verify.getAttribute('data-ok')).toBe('true');
  });

  it('a department head’s external-group request appears under Requests and is approved there', async () => {
    // zhangwei (department head) asks for an external group from his own client.
    const res = await fetch(stack.server.url + httpRoutes.signIn.path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ org: 'demo', account: 'zhangwei', password: 'muster-demo' }),
    });
    const signedIn = (await res.json()) as { ok: true; value: TokenBundle };
    const socket = io(stack.server.url, { auth: { token: signedIn.value.accessToken }, transports: ['websocket'], reconnection: false, forceNew: true });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      const chart = (await socket.timeout(5000).emitWithAck('org:chart', {})) as { ok: true; value: { members: { id: string; account: string }[] } };
      const lina = chart.value.members.find((m) => m.account === 'lina')!;
      const name = `客户对接群 ${stamp}`;
      const created = (await socket.timeout(5000).emitWithAck('groups:create', { name, type: 'external', memberIds: [lina.id] })) as {
        ok: boolean;
        value?: { pendingRequestId: string | null };
      };
      expect(created.ok, JSON.stringify(created)).toBe(true);
      expect(created.value?.pendingRequestId).toBeTruthy();

      await nav('requests').click();
      await page.getByTestId('admin-requests-refresh').click();
      const item = page.locator('[data-testid="admin-request"]', { hasText: name });
      await item.waitFor({ timeout: 15_000 });
      expect(await page.getByTestId('admin-requests-badge').textContent()).toMatch(/^[1-9]/);
      expect(await item.textContent()).toMatch(/Zhang Wei/);
      await shot('20-requests-en');
      await item.getByTestId('admin-request-approve').click();
      await item.waitFor({ state: 'detached', timeout: 15_000 }); // gone from the pending list
      await page.getByTestId('admin-requests-status').selectOption('all');
      await expect.poll(() => page.locator('[data-testid="admin-request"]', { hasText: name }).getAttribute('data-status'), { timeout: 15_000 }).toBe('approved');
      await page.getByTestId('admin-requests-status').selectOption('pending');
    } finally {
      socket.disconnect();
    }
  });

  it('reads in zh-CN', async () => {
    await page.getByTestId('locale-switch').selectOption('zh-CN');
    await expect.poll(() => nav('audit').textContent()).toContain('审计日志');
    await nav('audit').click();
    await page.getByTestId('admin-audit-verify').click();
    await expect.poll(() => page.getByTestId('admin-audit-verify-result').textContent(), { timeout: 15_000 }).toContain('日志链完整');
    await shot('11-audit-zh');
    await nav('chart').click();
    await treeItem(deptName).click();
    await expect.poll(() => page.getByTestId('admin-dept-title').textContent()).toBe(deptName);
    await shot('12-chart-zh');
    // 203 people: the chart lists some, and links to the Members page filtered by the department.
    await page.getByTestId('admin-dept-all-members').click();
    await expect.poll(() => page.getByTestId('admin-member-count').textContent()).toMatch(/^203 \//);
    expect(await page.getByTestId('admin-member-dept-filter').inputValue()).not.toBe('');
    await page.getByTestId('admin-member-dept-filter').selectOption('');
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
    expect(await dialog.textContent()).toMatch(/\d+ members are in it or under it/);
    const qa = await page.getByTestId('admin-delete-move-to').locator('option', { hasText: /^\s*QA$/ }).getAttribute('value');
    await page.getByTestId('admin-delete-move-to').selectOption(qa!);
    await shot('19-delete-en');
    await page.getByTestId('admin-delete-confirm').click();
    await treeItem(deptName).waitFor({ state: 'detached', timeout: 15_000 });
    await nav('members').click();
    await page.getByTestId('admin-member-search').fill(`qa.${stamp}`);
    await expect.poll(() => memberRow(`qa.${stamp}`).textContent(), { timeout: 15_000 }).toContain('R&D Center / QA');
    await page.getByTestId('admin-member-search').fill('');
  });
  it('offline, the admin pages open from the cached chart and say it may be out of date', async () => {
    await stack.server.stop();
    await page.reload();
    await page.getByTestId('app-shell').waitFor({ timeout: 30_000 });
    await page.getByTestId('nav-admin').click();
    await treeItem('研发中心').waitFor({ timeout: 15_000 });
    await expect.poll(() => page.getByTestId('admin-chart-stale').textContent(), { timeout: 15_000 }).toMatch(/saved on this computer.*Can’t reach the server/);
    await shot('21-offline-en');
  });
});

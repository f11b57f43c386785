import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import { httpRoutes, type TokenBundle } from '@shared/contract';
import { encodeBase64url, inviteTagHex, newInviteKeyPair, signInviteToken } from '@shared/rules/invite-token';
import { ALL_HANDS, groupItem, openApp, signIn, startStack, type Stack } from './support/stack';

/**
 * The join flow end to end (issue 6, points 2, 3, 4, 6, 7) in browser mode: a pasted link, a deep
 * link (`?join=`) before sign-in, the directory, and every failure of point 3 through the real UI.
 * The stack runs on PostgreSQL so the test can write what the UI cannot make: an expired invite
 * signed with its own key, and a key of another organization. Screenshots (en and zh-CN) go to
 * MUSTER_E2E_SHOTS when set.
 */
let stack: Stack;
let db: pg.Client;
let emily: Page; // an employee, the one who joins
let emilyContext: BrowserContext;
const stamp = Date.now().toString(36).slice(-5);
const shots = process.env.MUSTER_E2E_SHOTS;
const apis: Api[] = [];

async function shot(page: Page, name: string) {
  if (!shots) return;
  await mkdir(shots, { recursive: true });
  await page.screenshot({ path: join(shots, `join-${name}.png`) });
}

// ------------------------------------------------------------------ a member's socket, for setup

interface Api {
  call<T = Record<string, unknown>>(name: string, payload: unknown): Promise<T>;
  raw(name: string, payload: unknown): Promise<{ ok: boolean; value?: unknown; error?: { code: string; details?: Record<string, unknown> } }>;
  socket: Socket;
}

async function apiAs(account: string): Promise<Api> {
  const res = await fetch(stack.server.url + httpRoutes.signIn.path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ org: 'demo', account, password: 'muster-demo' }),
  });
  const signedIn = (await res.json()) as { ok: true; value: TokenBundle };
  const socket = io(stack.server.url, { auth: { token: signedIn.value.accessToken }, transports: ['websocket'], reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const raw = (name: string, payload: unknown) => socket.timeout(10_000).emitWithAck(name, payload);
  const api: Api = {
    socket,
    raw,
    async call(name, payload) {
      const r = (await raw(name, payload)) as { ok: boolean; value: never; error?: unknown };
      if (!r.ok) throw new Error(`${account} ${name}: ${JSON.stringify(r.error)}`);
      return r.value;
    },
  };
  apis.push(api);
  return api;
}

// ------------------------------------------------------------------ UI helpers

const step = (page: Page) => page.getByTestId('join-step');

async function closeJoin(page: Page) {
  await page.getByTestId('join-close').click();
  await page.getByTestId('join-dialog').waitFor({ state: 'detached' });
}

/** "Join a group" → "Paste a link" → the text → Enter. */
async function pasteLink(page: Page, text: string) {
  await page.getByTestId('join-menu-open').click();
  await page.getByTestId('join-menu-paste').click();
  await page.getByTestId('join-paste-input').fill(text);
  await page.getByTestId('join-paste-input').press('Enter');
  await page.getByTestId('join-dialog').waitFor();
}

async function expectStep(page: Page, value: string) {
  await expect.poll(() => step(page).getAttribute('data-step'), { timeout: 20_000 }).toBe(value);
}

async function expectOpen(page: Page, name: string) {
  await expect.poll(() => page.getByTestId('chat-title').textContent({ timeout: 1000 }).catch(() => null), { timeout: 20_000 }).toBe(name);
  expect(await groupItem(page, name).getAttribute('aria-selected')).toBe('true');
}

async function setLocale(page: Page, locale: 'en' | 'zh-CN') {
  await page.getByTestId('locale-switch').selectOption(locale);
}

// ------------------------------------------------------------------ fixtures

interface Fixture {
  ids: Record<string, string>; // account → member id
  orgId: string;
}
let fx: Fixture;
let zhang: Api; // zhangwei: owns the test groups
let admin: Api;

async function createGroup(name: string, memberAccounts: string[], settings: Record<string, unknown> = {}): Promise<string> {
  const r = await zhang.call<{ group: { id: string } }>('groups:create', { name, type: 'internal', memberIds: memberAccounts.map((a) => fx.ids[a]!), settings });
  return r.group.id;
}

async function invite(groupId: string, kind: 'qr' | 'live' | 'link' = 'link', maxUses: number | null = null): Promise<{ id: string; token: string }> {
  const req = kind === 'link' ? { kind, groupId, expiresInDays: 7, maxUses } : { kind, groupId };
  const r = await zhang.call<{ invite: { id: string; token: string } }>('invites:create', req);
  return r.invite;
}

const webLink = (token: string) => `${stack.server.url}/join/${token}`;

beforeAll(async () => {
  stack = await startStack(['emily', 'admin', 'chen'], { postgres: true });
  db = new pg.Client({ connectionString: stack.databaseUrl });
  await db.connect();
  zhang = await apiAs('zhangwei');
  admin = await apiAs('admin');
  const chart = await zhang.call<{ members: { id: string; account: string }[] }>('org:chart', {});
  fx = {
    ids: Object.fromEntries(chart.members.map((m) => [m.account, m.id])),
    orgId: (await db.query<{ id: string }>("select id from orgs where slug = 'demo'")).rows[0]!.id,
  };
  ({ page: emily, context: emilyContext } = await openApp(stack, 'emily', 'en-US'));
  await emily.setViewportSize({ width: 1280, height: 800 });
  await signIn(emily, 'emily.carter');
  await groupItem(emily, ALL_HANDS).waitFor({ timeout: 30_000 });
}, 180_000);

// One failing step must not leave a dialog over the next test's buttons.
afterEach(async () => {
  for (let i = 0; i < 3 && emily && (await emily.locator('dialog[open]').count()) > 0; i++) await emily.keyboard.press('Escape');
});

afterAll(async () => {
  for (const a of apis) a.socket.disconnect();
  await db?.end().catch(() => undefined);
  if (stack) await stack.close();
});

describe('joining a group', () => {
  it('a pasted link → preview → joined, and the group is open', async () => {
    const name = `开放群 Open ${stamp}`;
    const groupId = await createGroup(name, ['lina']);
    const { token } = await invite(groupId);
    // surrounding whitespace and a newline, as a chat app copies it
    await pasteLink(emily, `  ${webLink(token)}\n`);
    await expectStep(emily, 'preview-join');
    expect(await emily.getByTestId('join-group-name').textContent()).toBe(name);
    expect(await emily.getByTestId('join-members').textContent()).toMatch(/2 of 500 members/);
    expect(await emily.getByTestId('join-shared-by').textContent()).toMatch(/Zhang Wei/);
    await shot(emily, '01-preview-en');
    // keyboard: the primary button has the focus; Enter joins
    await expect.poll(() => emily.getByTestId('join-accept').evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    await emily.keyboard.press('Enter');
    await emily.getByTestId('join-dialog').waitFor({ state: 'detached', timeout: 20_000 });
    await expectOpen(emily, name);
    await groupItem(emily, name).waitFor();
    await shot(emily, '02-joined-en');
  });

  it('a deep link (?join=) before sign-in waits through sign-in → preview → joined', async () => {
    const name = `深链群 Deep ${stamp}`;
    const groupId = await createGroup(name, ['lina']);
    const { token } = await invite(groupId, 'qr');
    const { context, page } = await openApp(stack, 'chen', 'zh-CN');
    try {
      await page.goto(`${stack.hosts['chen']!.url}/?join=${token}`);
      await page.getByTestId('signin-account').waitFor({ timeout: 30_000 });
      // taken out of the address at once (a reload does not join again; it is not left in history)
      expect(new URL(page.url()).search).toBe('');
      await signIn(page, 'chenjing');
      await expectStep(page, 'preview-join');
      expect(await page.getByTestId('join-group-name').textContent()).toBe(name);
      await shot(page, '03-deeplink-preview-zh');
      await page.getByTestId('join-accept').click();
      await expectOpen(page, name);
    } finally {
      await context.close();
    }
  });

  it('the directory: search → preview → joined', async () => {
    const name = `目录群 Directory ${stamp}`;
    await createGroup(name, ['lina'], { searchable: true });
    await emily.getByTestId('join-menu-open').click();
    await emily.getByTestId('join-menu-find').click();
    await emily.getByTestId('directory-dialog').waitFor();
    await emily.getByTestId('directory-search').fill(`Directory ${stamp}`);
    const item = emily.locator(`[data-testid="directory-item"][data-group-name="${name}"]`);
    await item.waitFor({ timeout: 15_000 });
    await shot(emily, '04-directory-en');
    await emily.getByTestId('directory-search').fill(`nothing-like-this-${stamp}`);
    await emily.getByTestId('directory-empty').waitFor({ timeout: 15_000 });
    await emily.getByTestId('directory-search').fill(`Directory ${stamp}`);
    await item.getByTestId('directory-view').click();
    await expectStep(emily, 'preview-join');
    expect(await emily.getByTestId('join-preview').getAttribute('data-group-id')).toBeTruthy();
    await emily.getByTestId('join-accept').click();
    await expectOpen(emily, name);
  });

  it('the directory pages: 20 at a time, then "Show more"', async () => {
    const prefix = `Paging ${stamp}`;
    for (let i = 1; i <= 23; i++) await createGroup(`${prefix} ${String(i).padStart(2, '0')}`, ['lina'], { searchable: true });
    await emily.getByTestId('join-menu-open').click();
    await emily.getByTestId('join-menu-find').click();
    await emily.getByTestId('directory-search').fill(prefix);
    const items = emily.locator('[data-testid="directory-item"]');
    // the first page of this search (not the unfiltered list shown while it was typed)
    await emily.locator(`[data-testid="directory-item"][data-group-name="${prefix} 01"]`).waitFor({ timeout: 15_000 });
    await expect.poll(() => items.count(), { timeout: 15_000 }).toBe(20);
    await emily.getByTestId('directory-more').click();
    await expect.poll(() => items.count(), { timeout: 15_000 }).toBe(23);
    expect(await emily.getByTestId('directory-more').count()).toBe(0);
    const names = await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-group-name')));
    expect(new Set(names).size).toBe(23);
    await emily.keyboard.press('Escape');
    await emily.getByTestId('directory-dialog').waitFor({ state: 'detached' });
  });

  it('already a member: the code opens the group', async () => {
    const invites = await admin.call<{ invites: { token: string; kind: string }[] }>('invites:list', {
      groupId: (await db.query<{ id: string }>("select id from groups where name = $1", [ALL_HANDS])).rows[0]!.id,
    });
    const qr = invites.invites.find((i) => i.kind === 'qr')!;
    await pasteLink(emily, `muster://join/${qr.token}`);
    await expectStep(emily, 'preview-open');
    await emily.getByTestId('join-open-group').click();
    await expectOpen(emily, ALL_HANDS);
  });

  describe('what the group asks for', () => {
    it('approval: a request with a short note', async () => {
      const name = `审核群 Approval ${stamp}`;
      const groupId = await createGroup(name, ['lina'], { joinVerification: 'approval' });
      await pasteLink(emily, webLink((await invite(groupId)).token));
      await expectStep(emily, 'preview-request');
      expect(await emily.getByTestId('join-asks').getAttribute('data-verification')).toBe('approval');
      expect(await emily.getByTestId('join-request-reason').getAttribute('data-reason')).toBe('approval');
      await emily.getByTestId('join-request-message').fill('前端组 Emily');
      await shot(emily, '05-approval-en');
      await emily.getByTestId('join-request-send').click();
      await expectStep(emily, 'requested');
      await closeJoin(emily);
      // the same code again: the request is waiting
      await pasteLink(emily, webLink((await invite(groupId)).token));
      await expectStep(emily, 'preview-pending');
      await closeJoin(emily);
    });

    it('face verification: the step says face capture is not available yet and offers a request', async () => {
      const groupId = await createGroup(`人脸群 Face ${stamp}`, ['lina'], { joinVerification: 'face' });
      await setLocale(emily, 'zh-CN');
      await pasteLink(emily, webLink((await invite(groupId)).token));
      await expectStep(emily, 'preview-request');
      expect(await emily.getByTestId('join-request-reason').getAttribute('data-reason')).toBe('face_unavailable');
      expect(await emily.getByTestId('join-request-reason').textContent()).toMatch(/人脸/);
      await shot(emily, '06-face-zh');
      await emily.getByTestId('join-request-send').click();
      await expectStep(emily, 'requested');
      await closeJoin(emily);
      await setLocale(emily, 'en');
    });

    it('real name: refused while unverified; once verified, confirm the name shown and join', async () => {
      const name = `实名群 Real name ${stamp}`;
      const groupId = await createGroup(name, ['lina'], { joinVerification: 'real_name' });
      const { token } = await invite(groupId);
      await db.query('update members set real_name_verified = false where id = $1', [fx.ids['emily.carter']]);
      await pasteLink(emily, webLink(token));
      await expectStep(emily, 'refused');
      expect(await emily.getByTestId('join-refused').getAttribute('data-reason')).toBe('real_name_unverified');
      await closeJoin(emily);
      await db.query('update members set real_name_verified = true where id = $1', [fx.ids['emily.carter']]);
      await pasteLink(emily, webLink(token));
      await expectStep(emily, 'preview-confirm_real_name');
      expect(await emily.getByTestId('join-real-name').textContent()).toBeTruthy();
      await shot(emily, '07-real-name-en');
      await emily.getByTestId('join-confirm-name').click();
      await expectOpen(emily, name);
    });

    it('the menu is keyboard operable and opens the scan screen', async () => {
      await emily.getByTestId('join-menu-open').focus();
      await emily.keyboard.press('ArrowDown');
      await expect.poll(() => emily.getByTestId('join-menu-scan').evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
      await emily.keyboard.press('End');
      await expect.poll(() => emily.getByTestId('join-menu-find').evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
      await emily.keyboard.press('Escape');
      await expect.poll(() => emily.getByTestId('join-menu-open').evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
      await emily.keyboard.press('Enter');
      await emily.keyboard.press('Enter'); // the first item: Scan QR code
      await emily.getByTestId('scan-panel').waitFor({ timeout: 10_000 });
      await shot(emily, '08-scan-en');
      await emily.keyboard.press('Escape');
      await emily.getByTestId('scan-panel').waitFor({ state: 'detached', timeout: 10_000 });
    });
  });

  describe('every failure says what happened and what to do', () => {
    const refusal = async (reason: string, text: string, shotName?: string) => {
      await pasteLink(emily, text);
      await expectStep(emily, 'refused');
      expect(await emily.getByTestId('join-refused').getAttribute('data-reason')).toBe(reason);
      const words = (await emily.getByTestId('join-refused').textContent()) ?? '';
      expect(words.length).toBeGreaterThan(30);
      expect(words).not.toMatch(/conflict|internal|undefined|\{|\}/);
      if (shotName) await shot(emily, shotName);
    };

    it('expired (an invite signed with the test’s own key, expired yesterday)', async () => {
      const groupId = await createGroup(`过期群 Expired ${stamp}`, ['lina']);
      const { token } = await signedInvite(fx.orgId, groupId, new Date(Date.now() - 86_400_000));
      await refusal('expired', webLink(token), '10-expired-en');
      await closeJoin(emily);
      await setLocale(emily, 'zh-CN');
      await refusal('expired', webLink(token), '10-expired-zh');
      expect(await emily.getByTestId('join-refused').textContent()).toMatch(/过期/);
      await closeJoin(emily);
      await setLocale(emily, 'en');
    });

    it('another organization (a valid code signed by another organization’s key)', async () => {
      const other = (await db.query<{ id: string }>("insert into orgs (slug, name) values ($1, '别家公司') returning id", [`other-${stamp}`])).rows[0]!.id;
      const { token } = await signedInvite(other, null, new Date(Date.now() + 86_400_000));
      await refusal('wrong_org', token, '11-wrong-org-en');
      await closeJoin(emily);
    });

    it('revoked', async () => {
      const groupId = await createGroup(`撤销群 Revoked ${stamp}`, ['lina']);
      const inv = await invite(groupId);
      await zhang.call('invites:revoke', { inviteId: inv.id });
      await refusal('revoked', webLink(inv.token));
      await closeJoin(emily);
    });

    it('used up (a one-use link someone else used)', async () => {
      const groupId = await createGroup(`次数群 Used ${stamp}`, ['lina']);
      const inv = await invite(groupId, 'link', 1);
      const chen = await apiAs('chenjing');
      await chen.call('join:accept', { target: { source: 'token', token: inv.token } });
      await refusal('used_up', webLink(inv.token));
      await closeJoin(emily);
    });

    it('banned: never back in, whatever link', async () => {
      const groupId = await createGroup(`封禁群 Banned ${stamp}`, ['lina', 'emily.carter']);
      const inv = await invite(groupId);
      await zhang.call('groups:removeMember', { groupId, memberId: fx.ids['emily.carter'], ban: true });
      await refusal('banned', webLink(inv.token), '12-banned-en');
      await closeJoin(emily);
    });

    it('removed: the old link is refused; a request is offered and sent', async () => {
      const name = `移出群 Removed ${stamp}`;
      const groupId = await createGroup(name, ['lina', 'emily.carter']);
      const inv = await invite(groupId);
      await zhang.call('groups:removeMember', { groupId, memberId: fx.ids['emily.carter'], ban: false });
      await pasteLink(emily, webLink(inv.token));
      // The preview already knows: only a request, with the reason in words.
      await expectStep(emily, 'preview-request');
      expect(await emily.getByTestId('join-request-reason').getAttribute('data-reason')).toBe('removed');
      await shot(emily, '13-removed-en');
      // A direct join with the old link is refused by the server (what a stale client would try).
      const direct = await (await apiAs('emily.carter')).raw('join:accept', { target: { source: 'token', token: inv.token } });
      expect(direct.error?.details?.['reason']).toBe('removed');
      await emily.getByTestId('join-request-message').fill('I was removed by mistake — 请让我回来');
      await emily.getByTestId('join-request-send').click();
      await expectStep(emily, 'requested');
      expect(await emily.getByTestId('join-requested').textContent()).toContain(name);
      await closeJoin(emily);
      const pending = await zhang.call<{ requests: { group: { id: string }; reason: string; message: string }[] }>('join:requests:list', { groupId });
      expect(pending.requests).toEqual([expect.objectContaining({ reason: 'removed', message: 'I was removed by mistake — 请让我回来' })]);
    });

    it('dissolved', async () => {
      const groupId = await createGroup(`解散群 Dissolved ${stamp}`, ['lina']);
      const inv = await invite(groupId);
      await zhang.call('groups:dissolve', { groupId });
      await refusal('dissolved', webLink(inv.token));
      await closeJoin(emily);
    });

    it('not a Muster code: a URL is shown as text, opened only in a new browser tab; plain text is shown safely', async () => {
      const url = 'https://example.com/menu?table=12';
      await pasteLink(emily, url);
      await expectStep(emily, 'notCode');
      expect(await emily.getByTestId('join-notcode-text').textContent()).toBe(url);
      const open = emily.getByTestId('join-open-browser');
      expect(await open.getAttribute('href')).toBe(url);
      expect(await open.getAttribute('target')).toBe('_blank');
      expect(await open.getAttribute('rel')).toBe('noopener noreferrer');
      await shot(emily, '14-not-a-code-en');
      await closeJoin(emily);

      const hostile = '<img src=x onerror="window.__pwned=1">javascript:alert(1)\u202Etxt.exe';
      await pasteLink(emily, hostile);
      await expectStep(emily, 'notCode');
      expect(await emily.getByTestId('join-open-browser').count()).toBe(0);
      expect(await emily.getByTestId('join-notcode-text').textContent()).toBe(hostile.replace('\u202E', '\uFFFD'));
      expect(await emily.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await emily.locator('[data-testid="join-dialog"] img').count()).toBe(0);
      await closeJoin(emily);
    });

    it('group full: an employee is told what to do; the super admin upgrades it to 2000 and joins', async () => {
      const name = `满员群 Full ${stamp}`;
      const groupId = await createGroup(name, ['lina']);
      await db.query('update groups set member_cap = 2 where id = $1', [groupId]);
      const inv = await invite(groupId);
      await pasteLink(emily, webLink(inv.token));
      await expectStep(emily, 'full');
      expect(await emily.getByTestId('join-full').getAttribute('data-can-upgrade')).toBe('false');
      expect(await emily.getByTestId('join-upgrade').count()).toBe(0);
      await shot(emily, '15-full-en');
      await closeJoin(emily);

      const { context, page } = await openApp(stack, 'admin', 'en-US');
      try {
        await signIn(page, 'admin');
        await groupItem(page, ALL_HANDS).waitFor({ timeout: 30_000 });
        await pasteLink(page, webLink(inv.token));
        await expectStep(page, 'full');
        expect(await page.getByTestId('join-full').getAttribute('data-can-upgrade')).toBe('true');
        await shot(page, '16-full-upgrade-en');
        await page.getByTestId('join-upgrade').click();
        await expectStep(page, 'preview-join');
        expect(await page.getByTestId('join-members').textContent()).toMatch(/2 of 2000/);
        await page.getByTestId('join-accept').click();
        await expectOpen(page, name);
      } finally {
        await context.close();
      }
    });

    it('a full group with a live code: the overflow group is joined', async () => {
      const name = `活码群 Live ${stamp}`;
      const groupId = await createGroup(name, ['lina']);
      await db.query('update groups set member_cap = 2 where id = $1', [groupId]);
      const live = await invite(groupId, 'live');
      await setLocale(emily, 'zh-CN');
      await pasteLink(emily, `muster://join/${live.token}`);
      await expectStep(emily, 'preview-join');
      expect(await emily.getByTestId('join-group-name').textContent()).toBe(`${name} 2`);
      expect(await emily.getByTestId('join-overflow').textContent()).toContain(name);
      await shot(emily, '17-live-overflow-zh');
      await emily.getByTestId('join-accept').click();
      await expectOpen(emily, `${name} 2`);
      await setLocale(emily, 'en');
    });

    it('offline: checked offline, finishes by itself when back online', async () => {
      const name = `离线群 Offline ${stamp}`;
      const groupId = await createGroup(name, ['lina']);
      const inv = await invite(groupId, 'qr');
      await emilyContext.setOffline(true);
      try {
        await expect.poll(() => emily.getByTestId('connection-status').getAttribute('data-state', { timeout: 1000 }).catch(() => null), { timeout: 30_000 }).toBe('offline');
        await pasteLink(emily, webLink(inv.token));
        await expectStep(emily, 'offline');
        expect(await emily.getByTestId('join-offline').getAttribute('data-check')).toBe('valid');
        expect(await emily.getByTestId('join-offline').textContent()).toMatch(/Checked offline.*valid until/);
        await shot(emily, '18-offline-en');
      } finally {
        await emilyContext.setOffline(false);
      }
      await emily.getByTestId('join-dialog').waitFor({ state: 'detached', timeout: 45_000 });
      await expectOpen(emily, name);
    });
  });
});

/**
 * An invite of `orgId` signed with a key the test made (inserted as a retired key of that
 * organization, so the organization's own active key stays as it is), with its invite row when a
 * group is given. Expired invites cannot be made through the UI or the API (the shortest lasts a day).
 */
async function signedInvite(orgId: string, groupId: string | null, expiresAt: Date): Promise<{ token: string }> {
  const { secretKey, publicKey } = newInviteKeyPair();
  const keyId = 3_000_000_000 + randomBytes(3).readUIntBE(0, 3);
  const tag = randomBytes(8);
  const at = new Date(Math.floor(expiresAt.getTime() / 1000) * 1000);
  const token = signInviteToken({ kind: 'link', keyId, tag, expiresAt: at }, secretKey);
  await db.query(
    `insert into invite_keys (key_id, org_id, public_key, private_key_enc, created_at, retired_at) values ($1, $2, $3, 'not-used-by-this-test', now() - interval '2 days', now())`,
    [keyId, orgId, encodeBase64url(publicKey)],
  );
  if (groupId) {
    await db.query(
      `insert into invites (org_id, group_id, kind, tag, key_id, token, created_by, created_at, expires_at)
       values ($1, $2, 'link', $3, $4, $5, $6, $7, $8)`,
      [orgId, groupId, inviteTagHex(tag), keyId, token, fx.ids['zhangwei'], new Date(at.getTime() - 7 * 86_400_000), at],
    );
  }
  return { token };
}

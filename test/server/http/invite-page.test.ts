import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Invite } from '@shared/contract';
import { decodeBase64url, encodeBase64url } from '@shared/rules/invite-token';
import { escapeHtml, INVITE_PAGE_CSP, pageLocale } from '../../../src/server/invites/page';
import { serverOptionsFromEnv } from '../../../src/server/config';
import { backends } from '../support/databases';
import { request, startTestServer, type ClientSocket, type TestServer } from '../support/server';
import { expectOk, loadFixture, makeGroup, type Fixture } from '../groups/fixtures';

/** The public invite page, `GET /join/<token>`: what anyone opening a link in a browser sees. */

const WEB = 'http://127.0.0.1:5780/';

describe('invite page helpers', () => {
  it('picks zh-CN or English from Accept-Language by preference', () => {
    expect(pageLocale(undefined)).toBe('en');
    expect(pageLocale('')).toBe('en');
    expect(pageLocale('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh-CN');
    expect(pageLocale('en-US,en;q=0.9,zh-CN;q=0.8')).toBe('en');
    expect(pageLocale('fr-FR, zh-TW;q=0.5')).toBe('zh-CN');
    expect(pageLocale('zh;q=0.2, en;q=0.3')).toBe('en');
    expect(pageLocale('zh;q=0, de')).toBe('en');
    expect(pageLocale('ZH-cn')).toBe('zh-CN');
    expect(pageLocale('x'.repeat(10_000))).toBe('en');
  });

  it('escapes everything that could open markup or an attribute', () => {
    expect(escapeHtml(`<img src=x onerror="a('b')">&`)).toBe('&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;');
  });

  it('MUSTER_WEB_URL: a plain http(s) URL, anything else refused with a clear message', () => {
    expect(serverOptionsFromEnv({ MUSTER_WEB_URL: 'http://127.0.0.1:5780' }).webAppUrl).toBe('http://127.0.0.1:5780/');
    expect(serverOptionsFromEnv({}).webAppUrl).toBeUndefined();
    for (const bad of ['javascript:alert(1)', 'not a url', 'http://u:p@host/', 'http://host/?a=1', 'file:///etc/passwd']) {
      expect(() => serverOptionsFromEnv({ MUSTER_WEB_URL: bad }), bad).toThrow(/MUSTER_WEB_URL/);
    }
  });
});

describe.each(backends)('invite page on $name', (backend) => {
  let t: TestServer;
  let f: Fixture;
  let owner: ClientSocket;
  let offset = 0;
  const NAME = `<script>alert("x")</script> 群 & "quotes"`;
  let groupId: string;
  let qr: Invite;

  const page = async (path: string, headers: Record<string, string> = {}, method = 'GET') => {
    const res = await fetch(t.server.url + path, { method, headers });
    return { status: res.status, headers: res.headers, body: await res.text() };
  };

  beforeAll(async () => {
    t = await startTestServer(backend, { webAppUrl: WEB, clock: () => Date.now() + offset, accessTokenTtlSeconds: 365 * 86_400 });
    f = await loadFixture(t.server.db);
    groupId = await makeGroup(f, {
      name: NAME,
      memberCap: 500,
      members: { [f.id('zhangwei')]: 'owner', [f.id('lina')]: 'admin', [f.id('emily.carter')]: 'member' },
    });
    owner = await t.connect((await t.signIn('zhangwei')).accessToken);
    qr = expectOk(await request(owner, 'invites:create', { kind: 'qr', groupId })).invite;
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('shows the group to anyone: name (escaped), count and cap, type, who shared it, expiry, and the ways to open it', async () => {
    const r = await page(`/join/${qr.token}`, { 'accept-language': 'en-US,en;q=0.9' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(r.body).toContain(escapeHtml(NAME));
    expect(r.body).not.toContain('<script>');
    expect(r.body).toContain('3 / 500');
    expect(r.body).toContain('Internal group');
    expect(r.body).toContain('Zhang Wei'); // the sharer, by name only
    expect(r.body).toContain(`datetime="${qr.expiresAt}"`);
    expect(r.body).toContain(`href="muster://join/${qr.token}"`);
    expect(r.body).toContain(`href="${WEB}?join=${qr.token}"`);
    expect(r.body).toContain('Open in the browser app');
    // No member list, no ids, no secrets.
    for (const leak of ['Li Na', '李娜', 'Emily', groupId, f.id('zhangwei'), 'private', 'key']) expect(r.body, leak).not.toContain(leak);
  });

  it('speaks zh-CN to a Chinese browser', async () => {
    const r = await page(`/join/${qr.token}`, { 'accept-language': 'zh-CN,zh;q=0.9' });
    expect(r.status).toBe(200);
    expect(r.body).toContain('<html lang="zh-CN">');
    expect(r.body).toContain('在 Muster 中打开');
    expect(r.body).toContain('内部群');
    expect(r.body).toContain('张伟');
    expect(r.headers.get('content-language')).toBe('zh-CN');
  });

  it('sends a strict CSP and no referrer, is never cached, and carries no script', async () => {
    const r = await page(`/join/${qr.token}`);
    expect(r.headers.get('content-security-policy')).toBe(INVITE_PAGE_CSP);
    expect(INVITE_PAGE_CSP).toContain("default-src 'none'");
    expect(INVITE_PAGE_CSP).not.toContain('unsafe');
    expect(INVITE_PAGE_CSP).not.toContain('script-src');
    expect(r.headers.get('referrer-policy')).toBe('no-referrer');
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('x-frame-options')).toBe('DENY');
    expect(r.body).not.toMatch(/<script|\son\w+=|javascript:/i);
    // The one inline stylesheet is exactly what the CSP hash allows.
    const style = /<style>([\s\S]*?)<\/style>/.exec(r.body)![1]!;
    const { createHash } = await import('node:crypto');
    expect(INVITE_PAGE_CSP).toContain(`'sha256-${createHash('sha256').update(style).digest('base64')}'`);
  });

  it('HEAD answers the same status and headers without a body', async () => {
    const r = await page(`/join/${qr.token}`, {}, 'HEAD');
    expect(r.status).toBe(200);
    expect(r.body).toBe('');
  });

  it('bad tokens get a clear page (404) that never echoes them back', async () => {
    const bytes = decodeBase64url(qr.token)!;
    bytes[20]! ^= 1;
    const hostile = [
      encodeBase64url(bytes),
      qr.token.slice(0, 100),
      'A'.repeat(110),
      'not-a-token',
      '%3Cscript%3Ealert(1)%3C%2Fscript%3E',
      `${qr.token}%22%3E%3Cimg`,
      'x'.repeat(2000),
    ];
    for (const h of hostile) {
      const r = await page(`/join/${h}`, { 'accept-language': 'en' });
      expect(r.status, h).toBe(404);
      expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(r.body).toContain('This is not a valid Muster invite');
      expect(r.body).not.toContain(h.slice(0, 30));
      expect(r.body).not.toContain('muster://');
    }
    // Other methods and shapes stay with the JSON router.
    expect((await page(`/join/${qr.token}`, {}, 'POST')).status).toBe(404);
    expect((await page('/join/')).status).toBe(404);
  });

  it('revoked, used up, expired and dissolved say so (410)', async () => {
    const revoked = expectOk(await request(owner, 'invites:create', { kind: 'qr', groupId })).invite;
    expectOk(await request(owner, 'invites:revoke', { inviteId: revoked.id }));
    const r1 = await page(`/join/${revoked.token}`, { 'accept-language': 'en' });
    expect([r1.status, r1.body.includes('This invite was withdrawn')]).toEqual([410, true]);

    const once = expectOk(await request(owner, 'invites:create', { kind: 'link', groupId, expiresInDays: 1, maxUses: 1 })).invite;
    await t.server.db.query('update invites set uses = 1 where id = $1', [once.id]);
    const r2 = await page(`/join/${once.token}`, { 'accept-language': 'zh-CN' });
    expect([r2.status, r2.body.includes('使用次数已用完')]).toEqual([410, true]);

    offset = 8 * 86_400_000;
    try {
      const r3 = await page(`/join/${qr.token}`, { 'accept-language': 'en' });
      expect([r3.status, r3.body.includes('This invite has expired')]).toEqual([410, true]);
    } finally {
      offset = 0;
    }

    const doomed = await makeGroup(f, { name: 'soon gone', members: { [f.id('zhangwei')]: 'owner' } });
    const gone = expectOk(await request(owner, 'invites:create', { kind: 'qr', groupId: doomed })).invite;
    await t.server.db.query(`update groups set status = 'dissolved' where id = $1`, [doomed]);
    const r4 = await page(`/join/${gone.token}`, { 'accept-language': 'en' });
    expect([r4.status, r4.body.includes('This group was dissolved')]).toEqual([410, true]);
    expect(r4.body).not.toContain('soon gone');
  });
});

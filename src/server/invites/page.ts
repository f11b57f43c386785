import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GroupSettings, GroupSummary } from '@shared/contract';
import { INVITE_TOKEN_MAX_CHARS } from '@shared/rules/limits';
import type { Clock } from '../clock';
import { errorMeta, type Logger } from '../logger';
import type { Db } from '../storage';
import { toInt } from '../storage';
import { InviteKeys } from './keys';
import { checkToken } from './repository';

/**
 * The public invite page, `GET /join/<token>`: what a link opened in a browser shows to anyone —
 * the group's name, avatar colour, member count and cap, type, what it asks for, who shared the
 * link (name only) and until when — or, for a token that leads nowhere, what happened, in words.
 * Then "Open in Muster" (`muster://join/<token>`) and, when the server knows the browser app,
 * "Open in the browser app" (`<web>/?join=<token>`). Joining itself happens in the app, signed in.
 *
 * No secrets and no member list; every text is escaped; no script at all; a CSP that allows only
 * this page's own stylesheet; no referrer (the token is in the URL); never cached.
 * zh-CN or English by Accept-Language.
 */

export interface InvitePageDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** The browser app (`npm run web`), e.g. http://127.0.0.1:5780; null: not offered. */
  webAppUrl: string | null;
}

type Locale = 'zh-CN' | 'en';
type AvatarColor = GroupSummary['avatarColor'];
type GroupType = GroupSummary['type'];
type JoinVerification = GroupSettings['joinVerification'];
type PageRefusal = 'invalid' | 'expired' | 'revoked' | 'used_up' | 'dissolved';

const TOKEN_SHAPE = new RegExp(`^[A-Za-z0-9_-]{1,${INVITE_TOKEN_MAX_CHARS}}$`);

const COLORS: Record<AvatarColor, string> = {
  blue: '#3370ff',
  green: '#2ea121',
  orange: '#f77234',
  purple: '#7f3bf5',
  red: '#f54a45',
  teal: '#14a9a3',
  indigo: '#4954e6',
  gray: '#8f959e',
};

const STYLE = `
:root{color-scheme:light dark;font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:#f2f3f5;color:#1f2329}
main{background:#fff;border-radius:12px;box-shadow:0 2px 12px rgba(0,0,0,.08);padding:32px;max-width:420px;width:calc(100% - 48px);box-sizing:border-box}
.brand{font-size:13px;color:#646a73;margin:0 0 20px}
.avatar{width:64px;height:64px;border-radius:12px;color:#fff;font-size:28px;display:flex;align-items:center;justify-content:center;margin-bottom:16px}
h1{font-size:20px;margin:0 0 8px;word-break:break-word}
dl{margin:16px 0;display:grid;grid-template-columns:auto 1fr;gap:6px 16px;font-size:14px}
dt{color:#646a73}dd{margin:0;word-break:break-word}
.note{font-size:14px;color:#646a73;margin:12px 0}
.refusal h1{color:#d83931}
.actions{display:flex;flex-direction:column;gap:10px;margin-top:24px}
a.button{display:block;text-align:center;padding:10px 16px;border-radius:8px;text-decoration:none;font-size:15px;border:1px solid #d0d3d6;color:#1f2329}
a.button.primary{background:#3370ff;border-color:#3370ff;color:#fff}
a.button:focus-visible{outline:3px solid #94b4ff;outline-offset:2px}
${Object.entries(COLORS)
  .map(([name, hex]) => `.c-${name}{background:${hex}}`)
  .join('')}
@media (prefers-color-scheme:dark){body{background:#1f2329;color:#f0f1f2}main{background:#2b2f36}dt,.brand,.note{color:#a6abb3}a.button{color:#f0f1f2;border-color:#4e5561}}
`;

/** The one inline stylesheet, allowed by its hash: no other style, no script, no image, no frame. */
export const INVITE_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const T = {
  'zh-CN': {
    brand: 'Muster 群邀请',
    title: (name: string) => `邀请你加入「${name}」`,
    members: '成员',
    type: '类型',
    verification: '加入方式',
    sharedBy: '分享人',
    expires: '有效期至',
    openApp: '在 Muster 中打开',
    openWeb: '在浏览器版中打开',
    hint: '加入需要在 Muster 中登录本组织的账号。',
    full: '这个群已满。',
    liveFull: '这个群已满，新成员会进入自动创建的分群。',
    types: { internal: '内部群', external: '外部群', department: '部门群', training: '培训群' } satisfies Record<GroupType, string>,
    verifications: {
      none: '直接加入',
      approval: '需要群主或管理员同意',
      real_name: '需要确认实名',
      face: '需要人脸验证（暂以管理员审核代替）',
    } satisfies Record<JoinVerification, string>,
    refusals: {
      invalid: ['这不是有效的 Muster 邀请', '链接可能不完整或被改动过。请向分享人重新索取链接或二维码。'],
      expired: ['邀请已过期', '请向群成员索取新的邀请链接或二维码。'],
      revoked: ['邀请已被撤销', '分享人或群管理员已撤销这个邀请。请索取新的邀请。'],
      used_up: ['邀请链接的使用次数已用完', '请向群成员索取新的邀请链接。'],
      dissolved: ['这个群已解散', '群已不存在，无法再加入。'],
    } satisfies Record<PageRefusal, [string, string]>,
    date: (d: Date) =>
      `${new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', dateStyle: 'long', timeStyle: 'short', hourCycle: 'h23' }).format(d)}（北京时间）`,
  },
  en: {
    brand: 'Muster group invite',
    title: (name: string) => `You're invited to join “${name}”`,
    members: 'Members',
    type: 'Type',
    verification: 'To join',
    sharedBy: 'Shared by',
    expires: 'Valid until',
    openApp: 'Open in Muster',
    openWeb: 'Open in the browser app',
    hint: 'Joining needs you signed in to Muster with an account of this organization.',
    full: 'This group is full.',
    liveFull: 'This group is full: new members go to an overflow group created automatically.',
    types: { internal: 'Internal group', external: 'External group', department: 'Department group', training: 'Training group' } satisfies Record<GroupType, string>,
    verifications: {
      none: 'Join at once',
      approval: 'The owner or an admin approves',
      real_name: 'Confirm your real name',
      face: 'Face verification (an admin approves for now)',
    } satisfies Record<JoinVerification, string>,
    refusals: {
      invalid: ['This is not a valid Muster invite', 'The link may be incomplete or changed. Ask the person who shared it for a new link or QR code.'],
      expired: ['This invite has expired', 'Ask a member of the group for a new invite link or QR code.'],
      revoked: ['This invite was withdrawn', 'Whoever shared it, or a group admin, revoked it. Ask for a new invite.'],
      used_up: ['This invite link has been used up', 'Ask a member of the group for a new invite link.'],
      dissolved: ['This group was dissolved', 'The group no longer exists and cannot be joined.'],
    } satisfies Record<PageRefusal, [string, string]>,
    date: (d: Date) => `${new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', dateStyle: 'long', timeStyle: 'short' }).format(d)} UTC`,
  },
} as const;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** zh-CN when the browser prefers Chinese over English (by q-value, then order), English otherwise. */
export const pageLocale = (acceptLanguage: string | undefined): Locale => {
  let best: { locale: Locale; q: number } | null = null;
  for (const part of (acceptLanguage ?? '').split(',').slice(0, 32)) {
    const [tag = '', ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    const locale: Locale | null = tag === 'zh' || tag.startsWith('zh-') ? 'zh-CN' : tag === 'en' || tag.startsWith('en-') ? 'en' : null;
    if (locale && (!best || q > best.q)) best = { locale, q };
  }
  return best?.locale ?? 'en';
};

interface GroupView {
  name: string;
  avatarColor: AvatarColor;
  type: GroupType;
  memberCount: number;
  memberCap: number;
  verification: JoinVerification;
  sharedBy: string | null;
  expiresAt: Date;
  live: boolean;
}

type View = { ok: true; group: GroupView } | { ok: false; reason: PageRefusal };

const STATUS: Record<PageRefusal, number> = { invalid: 404, expired: 410, revoked: 410, used_up: 410, dissolved: 410 };

export const createInvitePage = (deps: InvitePageDeps): ((req: IncomingMessage, res: ServerResponse, token: string) => Promise<void>) => {
  const keys = new InviteKeys(deps.db);

  const view = async (token: string, locale: Locale): Promise<View> => {
    if (!TOKEN_SHAPE.test(token)) return { ok: false, reason: 'invalid' };
    const now = new Date(deps.clock());
    const checked = await checkToken(deps.db, keys, token, now, { orgId: null, lock: false });
    if (!checked.ok) return { ok: false, reason: checked.reason === 'wrong_org' ? 'invalid' : checked.reason };
    const invite = checked.invite;
    if (invite.max_uses !== null && toInt(invite.uses) >= toInt(invite.max_uses)) return { ok: false, reason: 'used_up' };
    const rows = await deps.db.query<{
      name: string;
      avatar_color: AvatarColor;
      type: GroupType;
      member_cap: number;
      status: string;
      join_verification: JoinVerification;
      n: number;
      sharer: string | null;
      sharer_en: string | null;
    }>(
      `select g.name, g.avatar_color, g.type, g.member_cap, g.status, g.join_verification,
              (select count(*)::int from group_members gm where gm.group_id = g.id) as n,
              (select m.name from members m where m.id = $2) as sharer, (select m.name_en from members m where m.id = $2) as sharer_en
         from groups g where g.id = $1`,
      [invite.group_id, invite.created_by],
    );
    const g = rows[0];
    if (!g || g.status !== 'active') return { ok: false, reason: 'dissolved' };
    return {
      ok: true,
      group: {
        name: g.name,
        avatarColor: g.avatar_color,
        type: g.type,
        memberCount: toInt(g.n),
        memberCap: toInt(g.member_cap),
        verification: g.join_verification,
        sharedBy: locale === 'en' ? (g.sharer_en ?? g.sharer) : g.sharer,
        expiresAt: new Date(invite.expires_at),
        live: invite.kind === 'live',
      },
    };
  };

  const webLink = (token: string): string | null => {
    if (!deps.webAppUrl) return null;
    const u = new URL(deps.webAppUrl);
    u.searchParams.set('join', token);
    return u.toString();
  };

  const render = (v: View, token: string, locale: Locale): string => {
    const t = T[locale];
    let body: string;
    let title: string;
    if (v.ok) {
      const g = v.group;
      title = t.title(g.name);
      const full = g.memberCount >= g.memberCap;
      body = `
<div class="avatar c-${escapeHtml(g.avatarColor)}" aria-hidden="true">${escapeHtml([...g.name][0] ?? '#')}</div>
<h1>${escapeHtml(title)}</h1>
<dl>
<dt>${t.members}</dt><dd>${g.memberCount} / ${g.memberCap}</dd>
<dt>${t.type}</dt><dd>${escapeHtml(t.types[g.type])}</dd>
<dt>${t.verification}</dt><dd>${escapeHtml(t.verifications[g.verification])}</dd>
${g.sharedBy ? `<dt>${t.sharedBy}</dt><dd>${escapeHtml(g.sharedBy)}</dd>` : ''}
<dt>${t.expires}</dt><dd><time datetime="${escapeHtml(g.expiresAt.toISOString())}">${escapeHtml(t.date(g.expiresAt))}</time></dd>
</dl>
${full ? `<p class="note">${escapeHtml(g.live ? t.liveFull : t.full)}</p>` : ''}
<p class="note">${escapeHtml(t.hint)}</p>`;
    } else {
      const [heading, next] = t.refusals[v.reason];
      title = heading;
      body = `<div class="refusal"><h1>${escapeHtml(heading)}</h1><p class="note">${escapeHtml(next)}</p></div>`;
    }
    // Links only for a token that leads somewhere: a refused one is never echoed back into a link.
    const web = v.ok ? webLink(token) : null;
    const actions = v.ok
      ? `<div class="actions">
<a class="button primary" href="${escapeHtml(`muster://join/${token}`)}">${t.openApp}</a>
${web ? `<a class="button" href="${escapeHtml(web)}" rel="noopener noreferrer">${t.openWeb}</a>` : ''}
</div>`
      : '';
    return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(title)} · Muster</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<p class="brand">${t.brand}</p>
${body}
${actions}
</main>
</body>
</html>
`;
  };

  return async (req, res, token) => {
    const locale = pageLocale(req.headers['accept-language']);
    let v: View;
    try {
      v = await view(token, locale);
    } catch (e) {
      deps.logger.error('invite page failed', errorMeta(e));
      res.statusCode = 500;
      res.setHeader('content-type', 'text/plain; charset=utf-8');
      res.setHeader('cache-control', 'no-store');
      res.end(locale === 'en' ? 'Something went wrong. Try again later.' : '出错了，请稍后再试。');
      return;
    }
    const html = render(v, token, locale);
    res.statusCode = v.ok ? 200 : STATUS[v.reason];
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.setHeader('content-length', Buffer.byteLength(html));
    res.setHeader('content-language', locale);
    res.setHeader('content-security-policy', INVITE_PAGE_CSP);
    res.setHeader('cache-control', 'no-store');
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('x-frame-options', 'DENY');
    res.setHeader('vary', 'Accept-Language');
    res.end(req.method === 'HEAD' ? undefined : html);
  };
};

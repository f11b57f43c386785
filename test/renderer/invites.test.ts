import { describe, expect, it } from 'vitest';
import jsQR from 'jsqr';
import type { Invite } from '@shared/contract';
import { INVITE_MAX_USES_CHOICES, INVITE_TOKEN_MAX_CHARS, LINK_INVITE_MAX_DAYS, LINK_INVITE_MIN_DAYS } from '@shared/rules/limits';
import { translator } from '../../src/renderer/i18n/store';
import {
  EXPIRY_DAY_CHOICES,
  MAX_USES_CHOICES,
  activeInvites,
  expiryText,
  inviteErrorText,
  isActive,
  maxUsesLabel,
  mayRevoke,
  timeLeft,
  usesText,
} from '../../src/renderer/features/invites/format';
import { joinLinks, qrFileName, qrText } from '../../src/renderer/features/invites/links';
import { QUIET_ZONE, pngLayout, qrMatrix, qrPath } from '../../src/renderer/features/invites/qr';
import { parseJoinText } from '@shared/rules/join-link';
import { newInviteKeyPair, signInviteToken } from '@shared/rules/invite-token';

/** A real token, signed the way the server signs them (110 characters). */
const token = signInviteToken({ kind: 'link', keyId: 3, tag: new Uint8Array(8).fill(7), expiresAt: new Date('2026-12-11T10:00:00Z') }, newInviteKeyPair().secretKey);

const en = translator('en');
const zh = translator('zh-CN');
const NOW = new Date('2026-12-04T10:00:00Z');
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString();

const invite = (over: Partial<Invite> = {}): Invite => ({
  id: crypto.randomUUID(),
  groupId: 'g1',
  kind: 'link',
  token: 'AbC-_123',
  createdBy: { id: 'owner', name: '张伟', nameEn: 'Zhang Wei' },
  createdAt: at(-HOUR),
  expiresAt: at(7 * DAY),
  maxUses: 5,
  uses: 0,
  revokedAt: null,
  ...over,
});

describe('join links', () => {
  it('builds the web link from the server URL and the app link, whatever the URL’s trailing slash or query', () => {
    expect(joinLinks('https://muster.example.com', 'tok_1-x')).toEqual({ web: 'https://muster.example.com/join/tok_1-x', app: 'muster://join/tok_1-x' });
    expect(joinLinks('https://muster.example.com/', 't').web).toBe('https://muster.example.com/join/t');
    expect(joinLinks('  http://127.0.0.1:4000//?x=1#frag ', 't').web).toBe('http://127.0.0.1:4000/join/t');
    expect(joinLinks('https://corp.example.com/muster/', 't').web).toBe('https://corp.example.com/muster/join/t');
  });

  it('offers only the app link when the server address is not http(s)', () => {
    for (const bad of ['', 'not a url', 'javascript:alert(1)', 'file:///etc/passwd', 'muster://x']) {
      expect(joinLinks(bad, 't'), bad).toEqual({ web: null, app: 'muster://join/t' });
    }
    expect(qrText(joinLinks('', 't'))).toBe('muster://join/t');
    expect(qrText(joinLinks('https://a.example', 't'))).toBe('https://a.example/join/t');
  });

  it('builds links the join flow’s parser reads back to the same token (web, app and the QR’s text)', () => {
    const links = joinLinks('https://muster.example.com/', token);
    expect(parseJoinText(links.web!)).toEqual({ kind: 'invite', token });
    expect(parseJoinText(links.app)).toEqual({ kind: 'invite', token });
    expect(parseJoinText(qrText(links))).toEqual({ kind: 'invite', token });
    expect(parseJoinText(joinLinks('http://127.0.0.1:4100', token).web!)).toEqual({ kind: 'invite', token });
  });
});

describe('the saved PNG’s file name', () => {
  it('keeps the group name readable, Chinese included, and says what it is and when', () => {
    expect(qrFileName('全员群 All hands', 'qr', new Date(2026, 11, 4))).toBe('muster-全员群-All-hands-qr-2026-12-04.png');
    expect(qrFileName('Ops', 'link', new Date(2026, 0, 9))).toBe('muster-Ops-invite-2026-01-09.png');
    expect(qrFileName('Ops', 'live', new Date(2026, 0, 9))).toBe('muster-Ops-live-qr-2026-01-09.png');
  });

  it('drops path separators, reserved and control characters, bidi overrides and leading dots', () => {
    const name = qrFileName('../..\\a<b>:c"d|e?f*g\u0000h\u202Eexe.png', 'qr', new Date(2026, 0, 1));
    expect(name).toBe('muster-a-b-c-d-e-f-g-h-exe.png-qr-2026-01-01.png');
    // eslint-disable-next-line no-control-regex -- the point: none may survive
    expect(name).not.toMatch(/[/\\<>:"|?*\u0000-\u001f\u202e]/);
    expect(qrFileName('...', 'qr', new Date(2026, 0, 1))).toBe('muster-group-qr-2026-01-01.png');
    expect(qrFileName('   ', 'qr', new Date(2026, 0, 1))).toBe('muster-group-qr-2026-01-01.png');
  });

  it('cuts long names by characters, never through an emoji', () => {
    const name = qrFileName('🎉'.repeat(60), 'qr', new Date(2026, 0, 1));
    expect(name).toBe(`muster-${'🎉'.repeat(40)}-qr-2026-01-01.png`);
  });
});

describe('expiry and uses', () => {
  it('rounds what is left for people: a fresh 7-day code says 7 days; under a day counts hours up', () => {
    expect(timeLeft(at(7 * DAY - 5000), NOW)).toEqual({ unit: 'days', count: 7 });
    expect(timeLeft(at(DAY), NOW)).toEqual({ unit: 'days', count: 1 });
    expect(timeLeft(at(36 * HOUR - 1), NOW)).toEqual({ unit: 'days', count: 1 });
    expect(timeLeft(at(23 * HOUR + 1), NOW)).toEqual({ unit: 'hours', count: 24 });
    expect(timeLeft(at(60_000), NOW)).toEqual({ unit: 'hours', count: 1 });
    expect(timeLeft(at(0), NOW)).toEqual({ unit: 'expired' });
    expect(timeLeft('garbage', NOW)).toEqual({ unit: 'expired' });
  });

  it('says the date and what is left in both languages', () => {
    expect(expiryText(en, at(7 * DAY), NOW)).toMatch(/^Valid until .*2026.* \(7 days left\)$/);
    expect(expiryText(en, at(DAY), NOW)).toContain('(1 day left)');
    expect(expiryText(en, at(2 * HOUR), NOW)).toContain('(2 hours left)');
    expect(expiryText(en, at(-1), NOW)).toBe('Expired');
    expect(expiryText(zh, at(7 * DAY), NOW)).toMatch(/^有效期至 .*（剩余 7 天）$/);
  });

  it('counts uses against the max, or says there is no limit', () => {
    expect(usesText(en, { uses: 2, maxUses: 5 })).toBe('2 / 5 joined');
    expect(usesText(en, { uses: 0, maxUses: null })).toBe('0 joined · no limit');
    expect(usesText(zh, { uses: 3, maxUses: 10 })).toBe('已加入 3 / 10 人');
    expect(maxUsesLabel(en, null)).toBe('Unlimited');
    expect(maxUsesLabel(zh, 25)).toBe('25');
  });

  it('offers exactly the choices of the rules: 1–30 days, the max-uses list and unlimited', () => {
    expect(EXPIRY_DAY_CHOICES[0]).toBe(LINK_INVITE_MIN_DAYS);
    expect(EXPIRY_DAY_CHOICES.at(-1)).toBe(LINK_INVITE_MAX_DAYS);
    expect(EXPIRY_DAY_CHOICES).toHaveLength(30);
    expect(MAX_USES_CHOICES).toEqual([...INVITE_MAX_USES_CHOICES, null]);
  });
});

describe('the list of active invites', () => {
  it('keeps only usable ones (not revoked, not expired, not used up), newest first', () => {
    const fresh = invite({ createdAt: at(-60_000) });
    const older = invite({ createdAt: at(-DAY), kind: 'qr', maxUses: null });
    const revoked = invite({ revokedAt: at(-1000) });
    const expired = invite({ expiresAt: at(-1) });
    const usedUp = invite({ uses: 5, maxUses: 5 });
    const unlimitedBusy = invite({ uses: 999, maxUses: null, createdAt: at(-2 * DAY) });
    expect(activeInvites([older, revoked, fresh, expired, usedUp, unlimitedBusy], NOW).map((i) => i.id)).toEqual([fresh.id, older.id, unlimitedBusy.id]);
    expect(isActive(usedUp, NOW)).toBe(false);
    expect(isActive(invite({ uses: 4 }), NOW)).toBe(true);
  });

  it('offers revoke on one’s own invites, and on all of them to managers', () => {
    const mine = invite({ createdBy: { id: 'me', name: '我', nameEn: null } });
    const theirs = invite();
    expect(mayRevoke(mine, 'me', false)).toBe(true);
    expect(mayRevoke(theirs, 'me', false)).toBe(false);
    expect(mayRevoke(theirs, 'me', true)).toBe(true);
  });

  it('puts refusals in words: who may invite, an invite already gone, offline', () => {
    const forbidden = { code: 'forbidden' as const, message: 'x', details: { permission: 'group.invite.create' } };
    expect(inviteErrorText(en, forbidden, 'create', true)).toBe('Only the owner and admins may invite people to this group. Ask one of them for a code.');
    expect(inviteErrorText(zh, forbidden, 'create', true)).toContain('仅群主和管理员');
    expect(inviteErrorText(en, forbidden, 'create', false)).toBe('You can’t invite people to this group.');
    expect(inviteErrorText(en, { code: 'not_found', message: 'x' }, 'revoke', false)).toMatch(/no longer exists/);
    expect(inviteErrorText(en, { code: 'unavailable', message: 'x' }, 'create', false)).toMatch(/offline/);
    expect(inviteErrorText(en, { code: 'internal', message: 'x' }, 'list', false)).toBe(en.te({ code: 'internal' }));
  });
});

describe('the QR code', () => {
  it('encodes the link so a decoder reads it back, from the same path the screen draws', () => {
    const text = joinLinks('https://muster.example.com', 'A'.repeat(120)).web!;
    const matrix = qrMatrix(text);
    expect(matrix.dark).toHaveLength(matrix.size);
    // Rasterize the SVG path's rectangles at 6 px per module and decode it.
    const scale = 6;
    const side = (matrix.size + 2 * QUIET_ZONE) * scale;
    const rgba = new Uint8ClampedArray(side * side * 4).fill(255);
    for (const m of qrPath(matrix).matchAll(/M(\d+) (\d+)h(\d+)v1h-?\d+z/g)) {
      const [x, y, w] = [Number(m[1]), Number(m[2]), Number(m[3])];
      for (let py = y * scale; py < (y + 1) * scale; py++)
        for (let px = x * scale; px < (x + w) * scale; px++) rgba.fill(0, (py * side + px) * 4, (py * side + px) * 4 + 3);
    }
    expect(jsQR(rgba, side, side)?.data).toBe(text);
  });

  it('stays small enough for a phone across a desk: a real link is version 10 or lower, the longest token 15', () => {
    expect(qrMatrix(joinLinks('https://muster.example.com', token).web!).size).toBeLessThanOrEqual(4 * 10 + 17);
    const longest = joinLinks('https://muster.example.com', 'x'.repeat(INVITE_TOKEN_MAX_CHARS)).web!;
    expect(qrMatrix(longest).size).toBeLessThanOrEqual(4 * 15 + 17);
  });

  it('saves at a whole number of pixels per module, about 1000 px wide, with room for the caption', () => {
    const layout = pngLayout(33);
    expect(Number.isInteger(layout.module)).toBe(true);
    expect(layout.width).toBe((33 + 2 * QUIET_ZONE) * layout.module);
    expect(layout.width).toBeGreaterThan(900);
    expect(layout.width).toBeLessThanOrEqual(1000);
    expect(layout.height).toBeGreaterThan(layout.subtitleY);
    expect(layout.subtitleY).toBeGreaterThan(layout.titleY);
    expect(layout.titleY).toBeGreaterThan(layout.width);
  });
});

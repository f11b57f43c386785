import { describe, expect, it, vi } from 'vitest';
import { err, ok, type GroupSummary, type JoinPreview, type Result } from '@shared/contract';
import { encodeBase64url, newInviteKeyPair, signInviteToken } from '@shared/rules/invite-token';
import { memoryStorage, storageKeys } from '../../src/renderer/lib/storage';
import { createJoinStore, type JoinSession } from '../../src/renderer/features/join/store';
import { joinFromLocation, PENDING_JOIN_MAX_AGE_MS, savePendingJoin, takePendingJoin } from '../../src/renderer/features/join/pending';
import { checkOffline } from '../../src/renderer/features/join/keys';
import type { RequestFn } from '../../src/renderer/sync/request';

const NOW = new Date(Date.UTC(2026, 11, 4, 12));
const ORG = '00000000-0000-4000-8000-0000000000aa';
const GROUP = '00000000-0000-4000-8000-000000000001';
const keys = newInviteKeyPair();
const otherKeys = newInviteKeyPair();
const sign = (expiresAt: Date, secret = keys.secretKey, tagByte = 1) =>
  signInviteToken({ kind: 'qr', keyId: 1, tag: new Uint8Array(8).fill(tagByte), expiresAt }, secret);
const token = sign(new Date(NOW.getTime() + 3 * 86_400_000));
const wireKeys = [{ keyId: 1, publicKey: encodeBase64url(keys.publicKey), createdAt: NOW.toISOString(), retiredAt: null }];

const preview = (over: Partial<JoinPreview> = {}): JoinPreview => ({
  group: { id: GROUP, name: '产品讨论 Product', avatarColor: 'blue', type: 'internal', memberCount: 12, memberCap: 500 },
  via: 'qr',
  sharedBy: { id: '00000000-0000-4000-8000-0000000000b1', name: '张伟', nameEn: 'Zhang Wei' },
  expiresAt: new Date(NOW.getTime() + 3 * 86_400_000).toISOString(),
  verification: 'none',
  next: 'join',
  requestReason: null,
  canUpgrade: false,
  realName: null,
  overflowFrom: null,
  ...over,
});
const summary = { id: GROUP, name: '产品讨论 Product' } as GroupSummary;
const refusal = (reason: string, details: Record<string, unknown> = {}) => err('conflict', `refused: ${reason}`, { reason, ...details });

type Handler = (payload: unknown) => Result<unknown> | Promise<Result<unknown>>;

function setup(handlers: Record<string, Handler>, options: { connecting?: boolean } = {}) {
  const calls: { name: string; payload: unknown }[] = [];
  const request = (async (name: string, payload: unknown) => {
    calls.push({ name, payload });
    const h = handlers[name];
    return h ? h(payload) : err('internal', `no fake for ${name}`);
  }) as unknown as RequestFn;
  const storage = memoryStorage();
  const store = createJoinStore({ storage, now: () => NOW });
  const session = {
    request,
    orgId: ORG,
    joined: vi.fn<JoinSession['joined']>(),
    open: vi.fn<JoinSession['open']>(),
    isConnecting: () => options.connecting ?? false,
  } satisfies JoinSession;
  return { store, storage, session, calls, attach: () => store.getState().attach(session) };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('join flow store', () => {
  it('a pasted link → preview → joined: the group is listed and opened, the dialog closes', async () => {
    const t = setup({ 'invites:keys': () => ok({ orgId: ORG, keys: wireKeys }), 'join:preview': () => ok({ preview: preview() }), 'join:accept': () => ok({ outcome: 'joined', group: summary }) });
    t.attach();
    t.store.getState().start(`  https://muster.example.com/join/${token}\n`, 'paste');
    await settle();
    expect(t.store.getState().step).toMatchObject({ kind: 'preview', preview: { next: 'join' } });
    expect(t.calls.find((c) => c.name === 'join:preview')?.payload).toEqual({ target: { source: 'token', token } });
    await t.store.getState().accept();
    expect(t.session.joined).toHaveBeenCalledWith(summary);
    expect(t.store.getState().step.kind).toBe('idle');
    expect(t.calls.find((c) => c.name === 'join:accept')?.payload).toEqual({ target: { source: 'token', token }, request: false, message: '', confirmRealName: false });
  });

  it('not a Muster code: shown as text or as a URL, nothing sent to the server', () => {
    const t = setup({});
    t.attach();
    t.store.getState().start('https://example.com/menu', 'camera');
    expect(t.store.getState().step).toEqual({ kind: 'notCode', parsed: { kind: 'url', url: 'https://example.com/menu' } });
    t.store.getState().close();
    t.store.getState().start('javascript:alert(1)', 'camera');
    expect(t.store.getState().step).toEqual({ kind: 'notCode', parsed: { kind: 'text', text: 'javascript:alert(1)' } });
    expect(t.calls.filter((c) => c.name.startsWith('join:'))).toEqual([]);
  });

  it.each(['invalid', 'expired', 'revoked', 'used_up', 'wrong_org', 'banned', 'removed', 'dissolved', 'not_found', 'guest_not_allowed', 'real_name_unverified'])(
    'refusal %s becomes its own step',
    async (reason) => {
      const t = setup({ 'join:preview': () => refusal(reason) });
      t.attach();
      t.store.getState().start(token, 'camera');
      await settle();
      expect(t.store.getState().step).toEqual({ kind: 'refused', reason });
    },
  );

  it('removed → "ask for approval" shows the preview offering a request, which is sent with the note', async () => {
    let removedOnce = true;
    const t = setup({
      'join:preview': () => ok({ preview: preview({ next: 'request', requestReason: 'removed' }) }),
      'join:accept': (p) => {
        if (removedOnce) {
          removedOnce = false;
          return refusal('removed');
        }
        expect(p).toMatchObject({ request: true, message: '我想回来' });
        return ok({ outcome: 'requested', request: { id: 'r1', group: { id: GROUP, name: 'x', avatarColor: 'blue' } } });
      },
    });
    t.attach();
    t.store.getState().start(token, 'paste');
    await settle();
    await t.store.getState().accept(); // a stale client pressing Join anyway
    expect(t.store.getState().step).toEqual({ kind: 'refused', reason: 'removed' });
    t.store.getState().retry();
    await settle();
    expect(t.store.getState().step).toMatchObject({ kind: 'preview', preview: { next: 'request', requestReason: 'removed' } });
    await t.store.getState().accept({ request: true, message: '我想回来' });
    expect(t.store.getState().step.kind).toBe('requested');
  });

  it('full: the owner upgrades from the full step and then joins', async () => {
    let cap = 500;
    const t = setup({
      'join:preview': () => ok({ preview: preview(cap === 500 ? { next: 'full', canUpgrade: true, group: { ...preview().group, memberCount: 500 } } : {}) }),
      'groups:upgradeCap': (p) => {
        expect(p).toEqual({ groupId: GROUP });
        cap = 2000;
        return ok({ memberCap: 2000 });
      },
    });
    t.attach();
    t.store.getState().start(token, 'camera');
    await settle();
    expect(t.store.getState().step).toEqual({ kind: 'full', groupId: GROUP, groupName: '产品讨论 Product', memberCap: 500, canUpgrade: true });
    await t.store.getState().upgrade();
    await settle();
    expect(t.store.getState().step).toMatchObject({ kind: 'preview', preview: { next: 'join' } });
  });

  it('full at accept time (the last seat went meanwhile) uses the details the server sent', async () => {
    const t = setup({
      'join:preview': () => ok({ preview: preview() }),
      'join:accept': () => refusal('full', { groupId: GROUP, memberCap: 500, canUpgrade: false }),
    });
    t.attach();
    t.store.getState().start(token, 'camera');
    await settle();
    await t.store.getState().accept();
    expect(t.store.getState().step).toEqual({ kind: 'full', groupId: GROUP, groupName: '产品讨论 Product', memberCap: 500, canUpgrade: false });
    await t.store.getState().upgrade(); // not allowed: nothing is sent
    expect(t.calls.some((c) => c.name === 'groups:upgradeCap')).toBe(false);
  });

  it('already a member: Open opens the group', async () => {
    const t = setup({ 'join:preview': () => ok({ preview: preview({ next: 'open' }) }), 'join:accept': () => ok({ outcome: 'member', groupId: GROUP }) });
    t.attach();
    t.store.getState().start(token, 'camera');
    await settle();
    await t.store.getState().accept();
    expect(t.session.open).toHaveBeenCalledWith(GROUP);
    expect(t.session.joined).not.toHaveBeenCalled();
  });

  it('an unexpected failure is shown in words with a retry, an action failure inline', async () => {
    let fail = true;
    const t = setup({
      'join:preview': () => (fail ? err('internal', 'boom') : ok({ preview: preview() })),
      'join:accept': () => err('forbidden', 'no'),
    });
    t.attach();
    t.store.getState().start(token, 'camera');
    await settle();
    expect(t.store.getState().step).toMatchObject({ kind: 'failed', error: { code: 'internal' } });
    fail = false;
    t.store.getState().retry();
    await settle();
    await t.store.getState().accept();
    expect(t.store.getState().step.kind).toBe('preview');
    expect(t.store.getState().actionError?.code).toBe('forbidden');
  });

  describe('offline', () => {
    it('checks the code against the cached keys and finishes by itself when back online', async () => {
      let online = true;
      const t = setup({
        'invites:keys': () => ok({ orgId: ORG, keys: wireKeys }),
        'join:preview': () => (online ? ok({ preview: preview() }) : err('unavailable', 'offline', { reason: 'offline' })),
        'join:accept': () => ok({ outcome: 'joined', group: summary }),
      });
      t.attach();
      await settle(); // keys cached
      expect(t.storage.getItem(storageKeys.inviteKeys)).toContain(wireKeys[0]!.publicKey);
      online = false;
      t.store.getState().start(token, 'camera');
      await settle();
      const step = t.store.getState().step;
      expect(step).toMatchObject({ kind: 'offline', check: { kind: 'valid' } });
      expect(step.kind === 'offline' && step.check?.kind === 'valid' && step.check.expiresAt.getTime()).toBe(NOW.getTime() + 3 * 86_400_000);
      online = true;
      t.store.getState().resume();
      await settle();
      await settle();
      expect(t.session.joined).toHaveBeenCalledWith(summary);
      expect(t.store.getState().step.kind).toBe('idle');
    });

    it('an expired code is refused offline, a foreign one said to be unverified, none without keys', async () => {
      const t = setup({ 'invites:keys': () => ok({ orgId: ORG, keys: wireKeys }), 'join:preview': () => err('unavailable', 'offline') });
      t.attach();
      await settle();
      t.store.getState().start(sign(new Date(NOW.getTime() - 1000)), 'camera');
      await settle();
      expect(t.store.getState().step).toEqual({ kind: 'refused', reason: 'expired' });
      t.store.getState().close();
      t.store.getState().start(sign(new Date(NOW.getTime() + 86_400_000), otherKeys.secretKey), 'camera');
      await settle();
      expect(t.store.getState().step).toEqual({ kind: 'offline', check: { kind: 'foreign' } });
      expect(checkOffline(token, null, NOW)).toEqual({ kind: 'unknown' });
      expect(checkOffline(token, [], NOW)).toEqual({ kind: 'unknown' });
    });

    it('keys of another organization in the cache are not used', async () => {
      const t = setup({ 'invites:keys': () => ok({ orgId: 'someone-else', keys: wireKeys }), 'join:preview': () => err('unavailable', 'offline') });
      t.attach();
      await settle();
      t.store.getState().start(token, 'camera');
      await settle();
      expect(t.store.getState().step).toEqual({ kind: 'offline', check: { kind: 'unknown' } });
    });

    it('while the app is still connecting, the preview is shown when connected — no join unasked', async () => {
      let online = false;
      const t = setup(
        { 'join:preview': () => (online ? ok({ preview: preview() }) : err('unavailable', 'offline')), 'join:accept': () => ok({ outcome: 'joined', group: summary }) },
        { connecting: true },
      );
      t.attach();
      t.store.getState().start(token, 'deeplink');
      await settle();
      expect(t.store.getState().step.kind).toBe('offline');
      online = true;
      t.store.getState().resume();
      await settle();
      expect(t.store.getState().step).toMatchObject({ kind: 'preview', preview: { next: 'join' } });
      expect(t.session.joined).not.toHaveBeenCalled();
    });
  });

  describe('links before sign-in and while a flow is open', () => {
    it('an invite started while signed out waits through sign-in; other text is dropped', async () => {
      const t = setup({ 'join:preview': () => ok({ preview: preview() }) });
      t.store.getState().start('https://example.com', 'deeplink');
      expect(t.storage.getItem(storageKeys.pendingJoin)).toBeNull();
      t.store.getState().start(`muster://join/${token}`, 'deeplink');
      expect(t.store.getState().step.kind).toBe('idle');
      t.attach();
      await settle();
      expect(t.store.getState().step).toMatchObject({ kind: 'preview' });
      expect(t.storage.getItem(storageKeys.pendingJoin)).toBeNull();
    });

    it('a second code waits until the first dialog closes; the same code again is ignored', async () => {
      const second = sign(new Date(NOW.getTime() + 86_400_000), keys.secretKey, 9);
      const t = setup({ 'join:preview': () => ok({ preview: preview() }) });
      t.attach();
      t.store.getState().start(token, 'deeplink');
      await settle();
      t.store.getState().start(token, 'deeplink');
      t.store.getState().start(second, 'deeplink');
      expect(t.store.getState().queue).toEqual([{ text: second, how: 'deeplink' }]);
      t.store.getState().close();
      await settle();
      expect(t.store.getState().target).toEqual({ source: 'token', token: second });
    });

    it('an answer arriving after the dialog was closed is dropped', async () => {
      let answer!: (r: Result<unknown>) => void;
      const t = setup({ 'join:preview': () => new Promise<Result<unknown>>((r) => (answer = r)) });
      t.attach();
      t.store.getState().start(token, 'camera');
      t.store.getState().close();
      answer(ok({ preview: preview() }));
      await settle();
      expect(t.store.getState().step.kind).toBe('idle');
    });

    it('detach (sign-out) forgets the flow', async () => {
      const t = setup({ 'join:preview': () => ok({ preview: preview() }) });
      t.attach();
      t.store.getState().start(token, 'camera');
      await settle();
      t.store.getState().detach();
      expect(t.store.getState().step.kind).toBe('idle');
      await t.store.getState().accept();
      expect(t.calls.some((c) => c.name === 'join:accept')).toBe(false);
    });
  });
});

describe('pending join (browser mode)', () => {
  it('reads ?join= and /join/ from the address and gives the address back without it', () => {
    expect(joinFromLocation({ pathname: '/', search: `?join=${token}`, hash: '' })).toEqual({ token, cleanUrl: '/' });
    expect(joinFromLocation({ pathname: '/index.html', search: `?lang=en&join=${token}`, hash: '#x' })).toEqual({ token, cleanUrl: '/index.html?lang=en#x' });
    expect(joinFromLocation({ pathname: `/join/${token}`, search: '', hash: '' })).toEqual({ token, cleanUrl: '/' });
    expect(joinFromLocation({ pathname: '/', search: '', hash: '' })).toBeNull();
    // a hostile value is removed from the address too, but never becomes a token
    expect(joinFromLocation({ pathname: '/', search: '?join=javascript:alert(1)', hash: '' })).toEqual({ token: null, cleanUrl: '/' });
    expect(joinFromLocation({ pathname: '/', search: `?join=${token}%00`, hash: '' })?.token).toBeNull();
  });

  it('keeps a token for a day, once, and ignores tampered storage', () => {
    const s = memoryStorage();
    savePendingJoin(s, token, NOW.getTime());
    expect(takePendingJoin(s, NOW.getTime() + 1000)).toBe(token);
    expect(takePendingJoin(s, NOW.getTime() + 1000)).toBeNull();
    savePendingJoin(s, token, NOW.getTime());
    expect(takePendingJoin(s, NOW.getTime() + PENDING_JOIN_MAX_AGE_MS + 1)).toBeNull();
    for (const raw of ['not json', '{"token":1,"at":1}', JSON.stringify({ token: 'javascript:alert(1)', at: NOW.getTime() }), 'null']) {
      s.setItem(storageKeys.pendingJoin, raw);
      expect(takePendingJoin(s, NOW.getTime())).toBeNull();
      expect(s.getItem(storageKeys.pendingJoin)).toBeNull();
    }
  });
});

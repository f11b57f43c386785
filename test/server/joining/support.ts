import { expect } from 'vitest';
import { MusterError, type JoinPreview, type SocketResponse } from '@shared/contract';
import { acceptJoin, previewJoin, type JoinContext } from '../../../src/server/joining';
import { Effects } from '../../../src/server/groups/membership';
import type { Pushes } from '../../../src/server/realtime';
import type { Db } from '../../../src/server/storage';
import type { Fixture } from '../groups/fixtures';
import type { memoryLogger } from '../support/server';

/** Calls the joining core the way src/server/invites does: one transaction, pushes after the commit. */

export interface PushCall {
  fn: keyof Pushes;
  args: unknown[];
}

/** A Pushes port that records what it was asked to send. */
export const recorder = (): { pushes: Pushes; calls: PushCall[] } => {
  const calls: PushCall[] = [];
  const pushes = new Proxy({} as Pushes, {
    get: (_t, fn) => (...args: unknown[]) => {
      calls.push({ fn: fn as keyof Pushes, args });
    },
  });
  return { pushes, calls };
};

export type Outcome<T> = { ok: true; value: T; calls: PushCall[] } | { ok: false; error: MusterError };

export interface JoinOptions {
  via?: JoinContext['via'];
  sharedBy?: string | null;
  expiresAt?: Date | null;
  request?: boolean;
  message?: string;
  confirmRealName?: boolean;
}

export const joinCore = (db: Db, f: Fixture, logger: ReturnType<typeof memoryLogger>) => {
  const ctx = (memberId: string, groupId: string, o: JoinOptions): JoinContext => ({
    memberId,
    orgId: f.orgId,
    groupId,
    via: o.via ?? 'qr',
    sharedBy: o.sharedBy ?? null,
    expiresAt: o.expiresAt ?? null,
  });
  const catching = async <T>(fn: () => Promise<{ value: T; calls: PushCall[] }>): Promise<Outcome<T>> => {
    try {
      return { ok: true, ...(await fn()) };
    } catch (e) {
      if (e instanceof MusterError) return { ok: false, error: e };
      throw e;
    }
  };
  return {
    preview: (memberId: string, groupId: string, o: JoinOptions = {}): Promise<Outcome<Omit<JoinPreview, 'overflowFrom'>>> =>
      catching(async () => ({ value: await db.transaction((tx) => previewJoin(tx, ctx(memberId, groupId, o))), calls: [] })),
    accept: (memberId: string, groupId: string, o: JoinOptions = {}): Promise<Outcome<SocketResponse<'join:accept'>>> =>
      catching(async () => {
        const effects = new Effects();
        const rec = recorder();
        const value = await db.transaction((tx) =>
          acceptJoin(tx, { ...ctx(memberId, groupId, o), request: o.request ?? false, message: o.message ?? '', confirmRealName: o.confirmRealName ?? false }, effects),
        );
        await effects.flush({ db, pushes: rec.pushes, logger });
        return { value, calls: rec.calls };
      }),
  };
};

export const value = <T>(o: Outcome<T>): T => {
  if (!o.ok) expect.fail(`expected ok, got ${o.error.code}: ${o.error.message} ${JSON.stringify(o.error.details ?? {})}`);
  return o.value;
};

export const refused = (o: Outcome<unknown>, code: string, details?: Record<string, unknown>): void => {
  if (o.ok) expect.fail(`expected ${code}, got ok: ${JSON.stringify(o.value).slice(0, 300)}`);
  expect(o.error.code, o.error.message).toBe(code);
  if (details) expect(o.error.details).toMatchObject(details);
};

/** Join settings (and the searchable flag) written straight into a fixture group. */
export const setJoin = (db: Db, groupId: string, s: { verification?: string; searchable?: boolean }): Promise<unknown> =>
  db.query('update groups set join_verification = coalesce($2, join_verification), searchable = coalesce($3, searchable) where id = $1', [
    groupId,
    s.verification ?? null,
    s.searchable ?? null,
  ]);

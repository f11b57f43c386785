import { randomUUID } from 'node:crypto';
import { TEST_ONLY_WEAK_KDF } from '../../../src/server/auth';
import { OrgService, type SessionRevoker } from '../../../src/server/org/service';
import { noPushes, type Pushes } from '../../../src/server/realtime';
import type { Db } from '../../../src/server/storage';

/** A fresh organization with a root department and one super admin, written directly (fast). */
export interface SmallOrg {
  orgId: string;
  rootId: string;
  adminId: string;
}

export const makeSmallOrg = async (db: Db, slug = `t-${randomUUID().slice(0, 8)}`): Promise<SmallOrg> => {
  const orgId = (await db.query<{ id: string }>(`insert into orgs (slug, name) values ($1, '测试公司') returning id`, [slug]))[0]!.id;
  const rootId = (await db.query<{ id: string }>(`insert into departments (org_id, name) values ($1, '总部') returning id`, [orgId]))[0]!.id;
  const adminId = (
    await db.query<{ id: string }>(`insert into members (org_id, account, name, role, password_hash) values ($1, 'admin', '管理员', 'super_admin', 'x') returning id`, [
      orgId,
    ])
  )[0]!.id;
  await db.query('insert into member_departments (member_id, department_id, org_id, is_primary) values ($1, $2, $3, true)', [adminId, rootId, orgId]);
  return { orgId, rootId, adminId };
};

export const silentLogger = { info() {}, warn() {}, error() {} };

/** Sessions are not what these tests look at: revocation is recorded, nothing else. */
export const recordingSessions = (): SessionRevoker & { revoked: string[] } => {
  const revoked: string[] = [];
  return {
    revoked,
    revokeAllSessions: async (_tx, memberId) => {
      revoked.push(memberId);
      return { sessionIds: [], notify: () => {} };
    },
  };
};

export const orgService = (db: Db, pushes: Pushes = noPushes): OrgService =>
  new OrgService({ db, pushes, logger: silentLogger, kdf: TEST_ONLY_WEAK_KDF, sessions: recordingSessions() });

/** mulberry32: the same sequence for the same seed. */
export const prng = (seed: number) => {
  let s = seed;
  const next = (): number => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const chance = (p: number): boolean => next() < p;
  return { next, int, pick, chance };
};

import { expect } from 'vitest';
import type { Result } from '@shared/contract';
import type { GroupRoleName } from '@shared/rules/permissions';
import type { Db } from '../../../src/server/storage';

/**
 * Fixtures for the group tests: people of the demo organization by account, and groups set up
 * directly in SQL (fast: the matrix creates hundreds) with exactly the roles a case needs.
 */
export interface Fixture {
  db: Db;
  orgId: string;
  /** Member id by demo account. */
  id(account: string): string;
  /** Department id by Chinese name. */
  dept(name: string): string;
}

export const loadFixture = async (db: Db): Promise<Fixture> => {
  const org = (await db.query<{ id: string }>(`select id from orgs where slug = 'demo'`))[0]!;
  const members = await db.query<{ id: string; account: string }>('select id, account from members where org_id = $1', [org.id]);
  const depts = await db.query<{ id: string; name: string }>('select id, name from departments where org_id = $1', [org.id]);
  const byAccount = new Map(members.map((m) => [m.account, m.id]));
  const byName = new Map(depts.map((d) => [d.name, d.id]));
  return {
    db,
    orgId: org.id,
    id: (account) => {
      const v = byAccount.get(account);
      if (!v) throw new Error(`no demo account ${account}`);
      return v;
    },
    dept: (name) => {
      const v = byName.get(name);
      if (!v) throw new Error(`no demo department ${name}`);
      return v;
    },
  };
};

export interface GroupSpec {
  type?: 'internal' | 'external' | 'training' | 'department';
  name?: string;
  homeDepartmentId?: string | null;
  departmentId?: string | null;
  memberCap?: number;
  onlyAdminsInvite?: boolean;
  muteAll?: boolean;
  atAll?: 'everyone' | 'admins' | 'owner';
  /** Member id -> role; exactly one owner. */
  members: Record<string, GroupRoleName>;
  banned?: string[];
}

let counter = 0;

/** A group written straight into the tables (bypasses the service; triggers and checks still apply). */
export const makeGroup = async (f: Fixture, spec: GroupSpec): Promise<string> => {
  const type = spec.type ?? 'internal';
  const owner = Object.entries(spec.members).find(([, r]) => r === 'owner')?.[0] ?? null;
  const rows = await f.db.query<{ id: string }>(
    `insert into groups (org_id, name, type, owner_id, department_id, home_department_id, member_cap, only_admins_invite, mute_all, at_all)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id`,
    [
      f.orgId,
      spec.name ?? `fixture group ${++counter}`,
      type,
      owner,
      spec.departmentId ?? null,
      spec.homeDepartmentId ?? null,
      spec.memberCap ?? (type === 'external' ? 500 : type === 'internal' ? 500 : 2000),
      spec.onlyAdminsInvite ?? false,
      spec.muteAll ?? false,
      spec.atAll ?? 'admins',
    ],
  );
  const id = rows[0]!.id;
  const entries = Object.entries(spec.members);
  await f.db.query(
    `insert into group_members (group_id, member_id, org_id, role) select $1, m, $2, r from unnest($3::uuid[], $4::text[]) as t(m, r)`,
    [id, f.orgId, entries.map(([m]) => m), entries.map(([, r]) => r)],
  );
  if (spec.banned?.length) {
    await f.db.query(`insert into group_bans (group_id, member_id, org_id) select $1, unnest($2::uuid[]), $3`, [id, spec.banned, f.orgId]);
  }
  return id;
};

/** A fresh leaf department under the root (department groups need one of their own). */
export const makeDepartment = async (f: Fixture, name: string): Promise<string> => {
  const root = (await f.db.query<{ id: string }>('select id from departments where org_id = $1 and parent_id is null', [f.orgId]))[0]!.id;
  return (
    await f.db.query<{ id: string }>('insert into departments (org_id, parent_id, name) values ($1, $2, $3) returning id', [
      f.orgId,
      root,
      name,
    ])
  )[0]!.id;
};

/** A member written directly (guests, crowds for cap tests); they never sign in. */
export const makeMembers = async (
  f: Fixture,
  n: number,
  opts: { kind?: 'employee' | 'guest'; prefix?: string } = {},
): Promise<string[]> => {
  const prefix = opts.prefix ?? `fx${++counter}`;
  const root = (await f.db.query<{ id: string }>('select id from departments where org_id = $1 and parent_id is null', [f.orgId]))[0]!.id;
  const rows = await f.db.query<{ id: string }>(
    `insert into members (org_id, account, name, name_en, role, password_hash, kind)
     select $1, $2 || '.' || i, '访客' || i, 'Visitor ' || i, 'employee', 'x', $3 from generate_series(1, $4::int) as i returning id`,
    [f.orgId, prefix, opts.kind ?? 'employee', n],
  );
  const ids = rows.map((r) => r.id);
  await f.db.query(
    `insert into member_departments (member_id, department_id, org_id, is_primary) select unnest($1::uuid[]), $2, $3, true`,
    [ids, root, f.orgId],
  );
  return ids;
};

/** Another organization with one member and one group: its ids must never be usable from the demo org. */
export const makeForeignOrg = async (db: Db): Promise<{ orgId: string; memberId: string; groupId: string }> => {
  const orgId = (
    await db.query<{ id: string }>(
      `insert into orgs (slug, name) values ('other-' || substr(md5(random()::text), 1, 8), '别家') returning id`,
    )
  )[0]!.id;
  const memberId = (
    await db.query<{ id: string }>(
      `insert into members (org_id, account, name, role, password_hash) values ($1, 'someone', '某人', 'super_admin', 'x') returning id`,
      [orgId],
    )
  )[0]!.id;
  const groupId = (
    await db.query<{ id: string }>(
      `insert into groups (org_id, name, type, owner_id) values ($1, '别家的群', 'internal', $2) returning id`,
      [orgId, memberId],
    )
  )[0]!.id;
  await db.query(`insert into group_members (group_id, member_id, org_id, role) values ($1, $2, $3, 'owner')`, [groupId, memberId, orgId]);
  return { orgId, memberId, groupId };
};

export const roleOf = async (db: Db, groupId: string, memberId: string): Promise<GroupRoleName | null> =>
  (await db.query<{ role: GroupRoleName }>('select role from group_members where group_id = $1 and member_id = $2', [groupId, memberId]))[0]
    ?.role ?? null;

export const memberIdsOf = async (db: Db, groupId: string): Promise<string[]> =>
  (await db.query<{ member_id: string }>('select member_id from group_members where group_id = $1 order by member_id', [groupId])).map(
    (r) => r.member_id,
  );

/** Everything a refused request must leave untouched. */
export const snapshot = async (db: Db): Promise<string> => {
  const counts = await db.query(
    `select (select count(*)::int from groups) as groups, (select count(*)::int from group_members) as memberships,
            (select count(*)::int from messages) as messages, (select count(*)::int from group_bans) as bans,
            (select count(*)::int from audit_log) as audit, (select count(*)::int from group_requests) as requests,
            (select coalesce(sum(last_seq), 0)::int from groups) as seqs,
            (select string_agg(g.id::text || g.name || g.avatar_color || g.member_cap || g.mute_all || coalesce(g.announcement, '') || g.status || g.type, ',' order by g.id) from groups g) as group_state,
            (select string_agg(gm.group_id::text || gm.member_id::text || gm.role || gm.muted, ',' order by gm.group_id, gm.member_id) from group_members gm) as member_state`,
  );
  return JSON.stringify(counts[0]);
};

export const expectOk = <T>(r: Result<T>): T => {
  if (!r.ok) expect.fail(`expected ok, got ${r.error.code}: ${r.error.message} ${JSON.stringify(r.error.details ?? {})}`);
  return r.value;
};

export const expectErr = (r: Result<unknown>, code: string, details?: Record<string, unknown>): void => {
  if (r.ok) expect.fail(`expected ${code}, got ok: ${JSON.stringify(r.value).slice(0, 200)}`);
  expect(r.error.code, r.error.message).toBe(code);
  if (details) expect(r.error.details).toMatchObject(details);
};

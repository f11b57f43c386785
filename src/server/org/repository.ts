import type { MemberProfile, OrgInfo } from '@shared/contract';
import type { Db } from '../storage';

interface OrgRow {
  id: string;
  slug: string;
  name: string;
  name_en: string | null;
}

interface MemberRow {
  id: string;
  org_id: string;
  account: string;
  name: string;
  name_en: string | null;
  title: string | null;
  role: MemberProfile['role'];
  department_id: string | null;
}

/** A member row plus what sign-in needs; never leaves the server. */
export interface MemberCredentials {
  profile: MemberProfile;
  passwordHash: string;
}

// The primary department lives in member_departments (a member may belong to several).
const MEMBER_COLUMNS = `id, org_id, account, name, name_en, title, role,
  (select md.department_id from member_departments md where md.member_id = members.id and md.is_primary) as department_id`;

const toOrg = (r: OrgRow): OrgInfo => ({ id: r.id, slug: r.slug, name: r.name, nameEn: r.name_en });

const toProfile = (r: MemberRow): MemberProfile => ({
  id: r.id,
  orgId: r.org_id,
  account: r.account,
  name: r.name,
  nameEn: r.name_en,
  role: r.role,
  departmentId: r.department_id,
  title: r.title,
});

/** Accounts are stored lower-case: sign-in is case-insensitive. */
export const normalizeAccount = (account: string): string => account.trim().toLowerCase();

export const findOrgBySlug = async (db: Db, slug: string): Promise<OrgInfo | null> => {
  const rows = await db.query<OrgRow>('select id, slug, name, name_en from orgs where slug = $1', [slug]);
  return rows[0] ? toOrg(rows[0]) : null;
};

export const getOrg = async (db: Db, orgId: string): Promise<OrgInfo | null> => {
  const rows = await db.query<OrgRow>('select id, slug, name, name_en from orgs where id = $1', [orgId]);
  return rows[0] ? toOrg(rows[0]) : null;
};

export const findMemberCredentials = async (db: Db, orgId: string, account: string): Promise<MemberCredentials | null> => {
  const rows = await db.query<MemberRow & { password_hash: string }>(
    `select ${MEMBER_COLUMNS}, password_hash from members where org_id = $1 and account = $2 and status = 'active'`,
    [orgId, normalizeAccount(account)],
  );
  const row = rows[0];
  return row ? { profile: toProfile(row), passwordHash: row.password_hash } : null;
};

export const getMemberProfile = async (db: Db, memberId: string): Promise<MemberProfile | null> => {
  const rows = await db.query<MemberRow>(`select ${MEMBER_COLUMNS} from members where id = $1`, [memberId]);
  return rows[0] ? toProfile(rows[0]) : null;
};

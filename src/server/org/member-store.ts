import { randomBytes } from 'node:crypto';
import type { OrgRoleName } from '@shared/rules/permissions';
import { hashPassword, type KdfParams } from '../auth';
import type { Db } from '../storage';

/**
 * The one place a member row is written (created by an admin, imported from CSV, seeded).
 * Departments are written with it: exactly one primary.
 */
export interface NewMember {
  orgId: string;
  account: string; // already normalised (lower-case)
  role: OrgRoleName;
  name: string;
  nameEn: string | null;
  employeeId: string | null;
  mobile: string | null;
  email: string | null;
  title: string | null;
  kind: 'employee' | 'guest';
  hidden: boolean;
  restrictedView: boolean;
  realNameVerified: boolean;
  departmentIds: readonly string[];
  primaryDepartmentId: string;
  passwordHash: string;
}

/** A readable one-time password (shown once to the admin; the member changes it). */
export const generateInitialPassword = (): string => {
  // No 0/O/1/l/I: it is read aloud and typed by hand.
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(12);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
};

export const hashInitialPassword = (password: string, kdf: KdfParams): Promise<string> => hashPassword(password, kdf);

export const insertMember = async (tx: Db, m: NewMember): Promise<string> => {
  const rows = await tx.query<{ id: string }>(
    `insert into members (org_id, account, name, name_en, title, role, password_hash, hidden, employee_id, mobile, email, kind,
                          restricted_view, real_name_verified)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) returning id`,
    [
      m.orgId, m.account, m.name, m.nameEn, m.title, m.role, m.passwordHash, m.hidden, m.employeeId, m.mobile, m.email, m.kind,
      m.restrictedView, m.realNameVerified,
    ],
  );
  const id = rows[0]!.id;
  await tx.query(
    `insert into member_departments (member_id, department_id, org_id, is_primary)
     select $1, d, $2, d = $4 from unnest($3::uuid[]) as d`,
    [id, m.orgId, m.departmentIds, m.primaryDepartmentId],
  );
  return id;
};

import { MusterError, type Department, type DirectoryMember, type SocketRequestName, type SocketResponse } from '@shared/contract';
import { can, type Permission } from '@shared/rules/permissions';
import { authorize, loadActor, type Actor } from '../access';
import { appendAudit, type AuditRecord } from '../audit';
import type { KdfParams } from '../auth';
import { dissolveGroup, Effects, lockGroup, memberCount, removeMemberships, type PersonRow } from '../groups/membership';
import type { Logger } from '../logger';
import type { ParsedRequest, Pushes } from '../realtime';
import type { Db } from '../storage';
import { isUniqueViolation, toInt } from '../storage';
import { lockOrgChart, syncDepartmentGroups } from './department-sync';
import { listDepartments, listVisibleMembers, readDepartment, readMemberRow, toDirectoryMember, type MemberRow } from './directory';
import { generateInitialPassword, hashInitialPassword, insertMember } from './member-store';
import { normalizeAccount } from './repository';

/**
 * The organization: department tree and members (issue 5 points 1 and 4). Every change runs in one
 * transaction that first takes the per-org org-chart advisory lock (so two admins' edits, imports
 * and the department sync are serialised), writes the change and its audit entry, re-syncs the
 * department groups, bumps `orgs.chart_version`, and pushes `org:changed` to the organization after
 * commit. Authorization comes from the shared permission table only.
 *
 * Department heads: `departments.head_id` is independent of the org role. A head's powers over
 * groups created under their departments come from `head_id` (access/headsDepartment); the org role
 * `dept_head` (set with org:member:setRole) grants what the table gives that role. Setting a head
 * does not change anybody's org role.
 *
 * Offboarded members keep their department rows (admins see where they were); every query that
 * counts people — department groups, "is this department empty" — looks at active members only.
 */
export interface SessionRevoker {
  revokeAllSessions(tx: Db, memberId: string): Promise<{ sessionIds: string[]; notify: () => void }>;
}

export interface OrgDeps {
  db: Db;
  pushes: Pushes;
  logger: Logger;
  kdf: KdfParams;
  sessions: SessionRevoker;
}

type Req<N extends SocketRequestName> = ParsedRequest<N>;

interface Change {
  tx: Db;
  effects: Effects;
  actor: Actor;
  audit(r: Omit<AuditRecord, 'orgId' | 'actor'>): Promise<void>;
  /**
   * Narrows the department sync to these departments (see SyncScope). A change that never calls it
   * syncs the whole organization: forgetting costs time, never correctness.
   */
  touch(...departmentIds: (string | null | undefined)[]): void;
}

const notFoundDepartment = (ids: string | string[]): MusterError =>
  new MusterError('not_found', 'No such department in this organization', { departmentIds: Array.isArray(ids) ? ids : [ids] });
const notFoundMember = (id: string): MusterError => new MusterError('not_found', 'No such member in this organization', { memberId: id });
const conflict = (reason: string, message: string, details: Record<string, unknown> = {}): MusterError =>
  new MusterError('conflict', message, { reason, ...details });

export class OrgService {
  constructor(private readonly deps: OrgDeps) {}

  // ---------------------------------------------------------------- reading

  async chart(memberId: string, orgId: string): Promise<SocketResponse<'org:chart'>> {
    const { db } = this.deps;
    const actor = await loadActor(db, memberId, orgId);
    const admin = can('org.member.manage', { orgRole: actor.orgRole });
    const seesHidden = can('org.directory.hidden', { orgRole: actor.orgRole });
    const [departments, rows, version] = await Promise.all([
      listDepartments(db, orgId),
      listVisibleMembers(db, orgId, { id: actor.id, admin, seesHidden, restricted: actor.restrictedView && !admin }),
      db.query<{ v: number | string }>('select chart_version as v from orgs where id = $1', [orgId]),
    ]);
    return { departments, members: rows.map((r) => toDirectoryMember(r, { admin, viewerId: actor.id })), version: toInt(version[0]!.v) };
  }

  // ---------------------------------------------------------------- departments

  async createDepartment(memberId: string, orgId: string, req: Req<'org:department:create'>): Promise<Department> {
    return this.change(memberId, orgId, 'org.department.manage', async ({ tx, audit, touch }) => {
      await this.department(tx, orgId, req.parentId);
      await this.refuseSiblingName(tx, orgId, req.parentId, req.name, req.nameEn, null);
      touch(req.parentId); // the parent may stop being a leaf
      const rows = await tx.query<{ id: string }>(
        `insert into departments (org_id, parent_id, name, name_en, sort)
         values ($1, $2, $3, $4, (select coalesce(max(sort) + 1, 0) from departments where parent_id = $2)) returning id`,
        [orgId, req.parentId, req.name, req.nameEn],
      );
      const created = (await readDepartment(tx, orgId, rows[0]!.id))!;
      await audit({ action: 'org.department.create', targetType: 'department', targetId: created.id, targetLabel: created.name, after: created });
      return created;
    });
  }

  async updateDepartment(memberId: string, orgId: string, req: Req<'org:department:update'>): Promise<Department> {
    if (req.name === undefined && req.nameEn === undefined && req.headId === undefined) {
      throw new MusterError('bad_request', 'Nothing to change: give name, nameEn or headId');
    }
    return this.change(memberId, orgId, 'org.department.manage', async ({ tx, audit, touch }) => {
      const before = await this.department(tx, orgId, req.id);
      touch(before.id);
      const name = req.name ?? before.name;
      const nameEn = req.nameEn === undefined ? before.nameEn : req.nameEn;
      if (before.parentId && (name !== before.name || nameEn !== before.nameEn)) {
        await this.refuseSiblingName(tx, orgId, before.parentId, name, nameEn, before.id);
      }
      let headId = before.headId;
      if (req.headId !== undefined) {
        if (req.headId !== null) {
          const head = await tx.query<{ status: string; kind: string }>('select status, kind from members where id = $1 and org_id = $2', [
            req.headId,
            orgId,
          ]);
          if (!head[0]) throw new MusterError('not_found', 'The department head must be a member of this organization', { field: 'headId' });
          if (head[0].status !== 'active') throw conflict('head_offboarded', 'An offboarded member cannot head a department', { field: 'headId' });
          if (head[0].kind === 'guest') throw conflict('head_guest', 'An outside contact cannot head a department', { field: 'headId' });
        }
        headId = req.headId;
      }
      await tx.query('update departments set name = $2, name_en = $3, head_id = $4 where id = $1', [before.id, name, nameEn, headId]);
      const after = (await readDepartment(tx, orgId, before.id))!;
      await audit({ action: 'org.department.update', targetType: 'department', targetId: after.id, targetLabel: after.name, before, after });
      return after;
    });
  }

  async moveDepartment(memberId: string, orgId: string, req: Req<'org:department:move'>): Promise<Department> {
    return this.change(memberId, orgId, 'org.department.manage', async ({ tx, audit, touch }) => {
      const before = await this.department(tx, orgId, req.id);
      if (before.parentId === null) throw conflict('root_department', 'The root department cannot be moved');
      // The old parent may become a leaf, the new one stops being one; the subtree keeps its shape.
      touch(before.id, before.parentId, req.parentId);
      await this.department(tx, orgId, req.parentId);
      const subtree = await this.subtree(tx, before.id);
      if (subtree.includes(req.parentId)) {
        throw conflict('into_own_subtree', 'A department cannot move into itself or one of its own sub-departments', {
          field: 'parentId',
        });
      }
      if (req.parentId !== before.parentId) await this.refuseSiblingName(tx, orgId, req.parentId, before.name, before.nameEn, before.id);
      const siblings = (
        await tx.query<{ id: string }>('select id from departments where parent_id = $1 and id <> $2 order by sort, name, id', [req.parentId, before.id])
      ).map((r) => r.id);
      siblings.splice(Math.min(req.index ?? siblings.length, siblings.length), 0, before.id);
      await tx.query('update departments set parent_id = $2 where id = $1', [before.id, req.parentId]);
      await this.renumber(tx, siblings);
      const after = (await readDepartment(tx, orgId, before.id))!;
      await audit({
        action: 'org.department.move',
        targetType: 'department',
        targetId: after.id,
        targetLabel: after.name,
        before: { parentId: before.parentId, sort: before.sort },
        after: { parentId: after.parentId, sort: after.sort },
      });
      return after;
    });
  }

  async reorderDepartments(memberId: string, orgId: string, req: Req<'org:department:reorder'>): Promise<void> {
    await this.change(memberId, orgId, 'org.department.manage', async ({ tx, audit, touch }) => {
      const parent = await this.department(tx, orgId, req.parentId);
      touch(); // the order of siblings changes no department group
      const children = (await tx.query<{ id: string }>('select id from departments where parent_id = $1 order by sort, name, id', [parent.id])).map(
        (r) => r.id,
      );
      const given = new Set(req.orderedIds);
      const missing = children.filter((id) => !given.has(id));
      const unexpected = req.orderedIds.filter((id) => !children.includes(id));
      if (given.size !== req.orderedIds.length || missing.length > 0 || unexpected.length > 0) {
        throw new MusterError('bad_request', 'orderedIds must list exactly the children of the department, each once', {
          field: 'orderedIds',
          missing,
          unexpected,
          repeated: given.size !== req.orderedIds.length,
        });
      }
      await this.renumber(tx, req.orderedIds);
      await audit({
        action: 'org.department.reorder',
        targetType: 'department',
        targetId: parent.id,
        targetLabel: parent.name,
        before: { order: children },
        after: { order: req.orderedIds },
      });
    });
  }

  async deleteDepartment(memberId: string, orgId: string, req: Req<'org:department:delete'>): Promise<number> {
    return this.change(memberId, orgId, 'org.department.manage', async ({ tx, audit, touch }) => {
      const dept = await this.department(tx, orgId, req.id);
      if (dept.parentId === null) throw conflict('root_department', 'The root department cannot be deleted');
      const subtree = await this.subtree(tx, dept.id);
      touch(dept.parentId, req.moveMembersTo, ...subtree);
      const active = await tx.query<{ member_id: string }>(
        `select distinct md.member_id from member_departments md join members m on m.id = md.member_id
          where md.department_id = any($1::uuid[]) and m.status = 'active'`,
        [subtree],
      );
      if (req.moveMembersTo === undefined) {
        if (subtree.length > 1) {
          throw conflict('has_subdepartments', 'The department has sub-departments: delete or move them first, or give moveMembersTo', {
            subdepartments: subtree.length - 1,
          });
        }
        if (active.length > 0) {
          throw conflict('has_members', 'The department has members: move them first, or give moveMembersTo', { members: active.length });
        }
      } else {
        const target = await this.department(tx, orgId, req.moveMembersTo);
        if (subtree.includes(target.id)) {
          throw conflict('target_in_subtree', 'Members cannot move into the department being deleted or one of its sub-departments', {
            field: 'moveMembersTo',
          });
        }
        // Every member of the subtree (offboarded ones too: their record keeps a department) lands in
        // the target; whoever had their primary department in the subtree gets the target as primary.
        const movers = await tx.query<{ member_id: string; had_primary: boolean }>(
          `select member_id, bool_or(is_primary) as had_primary from member_departments
            where department_id = any($1::uuid[]) group by member_id`,
          [subtree],
        );
        await tx.query(
          `insert into member_departments (member_id, department_id, org_id, is_primary)
           select unnest($1::uuid[]), $2, $3, false on conflict (member_id, department_id) do nothing`,
          [movers.map((m) => m.member_id), target.id, orgId],
        );
        await tx.query('delete from member_departments where department_id = any($1::uuid[])', [subtree]);
        await tx.query('update member_departments set is_primary = true where department_id = $1 and member_id = any($2::uuid[])', [
          target.id,
          movers.filter((m) => m.had_primary).map((m) => m.member_id),
        ]);
      }
      const deleted = await tx.query<{ id: string; name: string }>('select id, name from departments where id = any($1::uuid[])', [subtree]);
      await tx.query('delete from departments where id = any($1::uuid[])', [subtree]);
      await audit({
        action: 'org.department.delete',
        targetType: 'department',
        targetId: dept.id,
        targetLabel: dept.name,
        before: { ...dept, subdepartments: deleted.filter((d) => d.id !== dept.id).map((d) => d.name) },
        after: req.moveMembersTo ? { movedMembersTo: req.moveMembersTo, movedMembers: active.length } : null,
      });
      return req.moveMembersTo ? active.length : 0;
    });
  }

  // ---------------------------------------------------------------- members

  async createMember(memberId: string, orgId: string, req: Req<'org:member:create'>): Promise<SocketResponse<'org:member:create'>> {
    const actor = await loadActor(this.deps.db, memberId, orgId);
    authorize('org.member.manage', { orgRole: actor.orgRole });
    if (req.fields.kind === 'guest' && req.role !== 'employee') {
      throw new MusterError('bad_request', 'An outside contact (guest) always has the employee org role', { field: 'role' });
    }
    const account = normalizeAccount(req.account);
    const initialPassword = generateInitialPassword();
    const passwordHash = await hashInitialPassword(initialPassword, this.deps.kdf);
    try {
      const member = await this.change(memberId, orgId, 'org.member.manage', async ({ tx, audit, touch }) => {
        touch(...req.departments.departmentIds);
        if ((await tx.query('select 1 from members where org_id = $1 and account = $2', [orgId, account])).length > 0) {
          throw conflict('duplicate', `The account ${account} already exists in this organization`, { field: 'account' });
        }
        await this.refuseEmployeeId(tx, orgId, req.fields.employeeId, null);
        await this.departments(tx, orgId, req.departments.departmentIds);
        const f = req.fields;
        const id = await insertMember(tx, {
          orgId,
          account,
          role: req.role,
          name: f.name,
          nameEn: f.nameEn,
          employeeId: f.employeeId,
          mobile: f.mobile,
          email: f.email,
          title: f.title,
          kind: f.kind,
          hidden: f.hidden,
          restrictedView: f.restrictedView,
          realNameVerified: f.realNameVerified,
          departmentIds: req.departments.departmentIds,
          primaryDepartmentId: req.departments.primaryDepartmentId,
          passwordHash,
        });
        await audit({
          action: 'org.member.create',
          targetType: 'member',
          targetId: id,
          targetLabel: f.name,
          after: { account, role: req.role, ...f, ...req.departments },
        });
        return this.memberOut(tx, orgId, id);
      });
      return { member, initialPassword };
    } catch (e) {
      // A concurrent create outside the org-chart lock (none today) would land here.
      if (isUniqueViolation(e, 'members_org_account_key')) throw conflict('duplicate', `The account ${account} already exists`, { field: 'account' });
      if (isUniqueViolation(e, 'members_org_employee_id_key')) throw conflict('duplicate', 'The employee id is already used', { field: 'employeeId' });
      throw e;
    }
  }

  async updateMember(memberId: string, orgId: string, req: Req<'org:member:update'>): Promise<DirectoryMember> {
    const fields = Object.fromEntries(Object.entries(req.fields).filter(([, v]) => v !== undefined)) as typeof req.fields;
    if (Object.keys(fields).length === 0) throw new MusterError('bad_request', 'Nothing to change: give at least one field');
    return this.change(memberId, orgId, 'org.member.manage', async ({ tx, effects, actor, audit, touch }) => {
      const before = await this.activeMember(tx, orgId, req.id);
      touch(...before.department_ids);
      if (fields.employeeId !== undefined && fields.employeeId !== before.employee_id) await this.refuseEmployeeId(tx, orgId, fields.employeeId, before.id);
      if (fields.kind === 'guest' && before.kind === 'employee') {
        if (before.role !== 'employee') {
          throw conflict('guest_role', 'Set the org role to employee before making this member an outside contact', { field: 'kind' });
        }
        // Outside contacts may only be in external or training groups (the database refuses anything else).
        const groups = await tx.query<{ id: string; name: string; type: string }>(
          `select g.id, g.name, g.type from group_members gm join groups g on g.id = gm.group_id
            where gm.member_id = $1 and g.type in ('internal', 'department') order by g.name, g.id`,
          [before.id],
        );
        const internal = groups.filter((g) => g.type === 'internal');
        if (internal.length > 0) {
          throw conflict('guest_in_internal_groups', 'An outside contact cannot stay in internal groups: remove them from these groups first', {
            field: 'kind',
            groups: internal.map((g) => ({ id: g.id, name: g.name })),
          });
        }
        // Department groups follow the department: the member leaves them now (they are no longer eligible).
        for (const g of groups) {
          const group = await lockGroup(tx, orgId, g.id);
          await removeMemberships(tx, effects, group, [personOf(before)], { actor: { id: actor.id, name: actor.name, nameEn: actor.nameEn }, reason: 'department' });
        }
      }
      const set = { ...fields };
      const columns: Record<string, string> = {
        name: 'name',
        nameEn: 'name_en',
        employeeId: 'employee_id',
        mobile: 'mobile',
        email: 'email',
        title: 'title',
        kind: 'kind',
        hidden: 'hidden',
        restrictedView: 'restricted_view',
        realNameVerified: 'real_name_verified',
      };
      const keys = Object.keys(set) as (keyof typeof set)[];
      await tx.query(
        `update members set ${keys.map((k, i) => `${columns[k]} = $${i + 2}`).join(', ')}, updated_at = now() where id = $1`,
        [before.id, ...keys.map((k) => set[k])],
      );
      const after = (await readMemberRow(tx, orgId, before.id))!;
      const pickKeys = (r: MemberRow) => Object.fromEntries(keys.map((k) => [k, r[columns[k] as keyof MemberRow]]));
      await audit({ action: 'org.member.update', targetType: 'member', targetId: after.id, targetLabel: after.name, before: pickKeys(before), after: pickKeys(after) });
      return toDirectoryMember(after, { admin: true, viewerId: actor.id });
    });
  }

  async setDepartments(memberId: string, orgId: string, req: Req<'org:member:setDepartments'>): Promise<DirectoryMember> {
    return this.change(memberId, orgId, 'org.member.manage', async ({ tx, actor, audit, touch }) => {
      const before = await this.activeMember(tx, orgId, req.id);
      const { departmentIds, primaryDepartmentId } = req.departments;
      touch(...before.department_ids, ...departmentIds);
      await this.departments(tx, orgId, departmentIds);
      // Departments the member stays in keep their joined_at: "longest-standing" (department-group owner) means it.
      await tx.query('delete from member_departments where member_id = $1 and not (department_id = any($2::uuid[]))', [before.id, departmentIds]);
      await tx.query('update member_departments set is_primary = false where member_id = $1 and is_primary and department_id <> $2', [
        before.id,
        primaryDepartmentId,
      ]);
      await tx.query(
        `insert into member_departments (member_id, department_id, org_id, is_primary)
         select $1, d, $2, d = $4 from unnest($3::uuid[]) as d on conflict (member_id, department_id) do nothing`,
        [before.id, orgId, departmentIds, primaryDepartmentId],
      );
      await tx.query('update member_departments set is_primary = true where member_id = $1 and department_id = $2', [before.id, primaryDepartmentId]);
      const after = (await readMemberRow(tx, orgId, before.id))!;
      await audit({
        action: 'org.member.setDepartments',
        targetType: 'member',
        targetId: after.id,
        targetLabel: after.name,
        before: { departmentIds: before.department_ids, primaryDepartmentId: before.primary_department_id },
        after: { departmentIds: after.department_ids, primaryDepartmentId: after.primary_department_id },
      });
      return toDirectoryMember(after, { admin: true, viewerId: actor.id });
    });
  }

  async setRole(memberId: string, orgId: string, req: Req<'org:member:setRole'>): Promise<DirectoryMember> {
    return this.change(memberId, orgId, 'org.member.manage', async ({ tx, actor, audit, touch }) => {
      const before = await this.activeMember(tx, orgId, req.id);
      touch(); // an org role has nothing to do with department groups
      if (before.id === actor.id) throw conflict('own_role', 'You cannot change your own org role; ask another super admin');
      if (before.kind === 'guest' && req.role !== 'employee') {
        throw conflict('guest_role', 'An outside contact (guest) always has the employee org role', { field: 'role' });
      }
      if (before.role === 'super_admin' && req.role !== 'super_admin') await this.refuseLastSuperAdmin(tx, orgId);
      await tx.query('update members set role = $2, updated_at = now() where id = $1', [before.id, req.role]);
      const after = (await readMemberRow(tx, orgId, before.id))!;
      await audit({ action: 'org.member.setRole', targetType: 'member', targetId: after.id, targetLabel: after.name, before: { role: before.role }, after: { role: after.role } });
      return toDirectoryMember(after, { admin: true, viewerId: actor.id });
    });
  }

  /**
   * Offboarding: the member can no longer sign in (status), every sign-in is revoked and their
   * sockets closed, they leave every group (an emptied group is dissolved; an owner is succeeded by
   * the longest-standing admin, else member), they stop heading departments, and the department
   * groups re-sync. What they wrote stays, under their name.
   */
  async offboard(memberId: string, orgId: string, req: Req<'org:member:offboard'>): Promise<SocketResponse<'org:member:offboard'>> {
    let notify: (() => void) | undefined;
    const result = await this.change(memberId, orgId, 'org.member.manage', async ({ tx, effects, actor, audit, touch }) => {
      const before = await this.member(tx, orgId, req.id);
      touch(...before.department_ids);
      if (before.status === 'offboarded') throw conflict('offboarded', 'This member is already offboarded');
      if (before.id === actor.id) throw conflict('self', 'You cannot offboard yourself');
      if (before.role === 'super_admin') await this.refuseLastSuperAdmin(tx, orgId);
      await tx.query(`update members set status = 'offboarded', offboarded_at = now(), updated_at = now() where id = $1`, [before.id]);
      const headed = await tx.query<{ id: string; name: string }>('update departments set head_id = null where head_id = $1 returning id, name', [before.id]);
      touch(...headed.map((d) => d.id));
      const revoked = await this.deps.sessions.revokeAllSessions(tx, before.id);
      notify = revoked.notify;
      const groups = await tx.query<{ group_id: string }>('select group_id from group_members where member_id = $1 order by group_id', [before.id]);
      const me = { id: actor.id, name: actor.name, nameEn: actor.nameEn };
      let dissolved = 0;
      for (const { group_id } of groups) {
        const group = await lockGroup(tx, orgId, group_id);
        await removeMemberships(tx, effects, group, [personOf(before)], { actor: me, reason: 'offboarded' });
        if ((await memberCount(tx, group.id)) === 0) {
          await dissolveGroup(tx, effects, group, me);
          dissolved++;
        }
      }
      effects.add(({ pushes }) => pushes.disconnectMember(before.id));
      await audit({
        action: 'org.member.offboard',
        targetType: 'member',
        targetId: before.id,
        targetLabel: before.name,
        before: { status: 'active', role: before.role, groups: groups.length, headOf: headed.map((d) => d.name) },
        after: { status: 'offboarded', sessionsRevoked: revoked.sessionIds.length, groupsLeft: groups.length, groupsDissolved: dissolved },
      });
      return { member: await this.memberOut(tx, orgId, before.id), groupsLeft: groups.length };
    });
    notify?.();
    return result;
  }

  // ---------------------------------------------------------------- the transaction every change runs in

  private async change<T>(memberId: string, orgId: string, permission: Permission, fn: (c: Change) => Promise<T>): Promise<T> {
    const { db, pushes, logger } = this.deps;
    const actor = await loadActor(db, memberId, orgId);
    authorize(permission, { orgRole: actor.orgRole });
    const effects = new Effects();
    const auditActor = { id: actor.id, name: actor.name, nameEn: actor.nameEn };
    const result = await db.transaction(async (tx) => {
      await lockOrgChart(tx, orgId);
      // Audit entries are appended last: the audit lock is always taken after any group lock (the
      // group services lock a group, then audit), so an org change and a group change cannot deadlock.
      const records: Omit<AuditRecord, 'orgId' | 'actor'>[] = [];
      let touched: Set<string> | null = null;
      const out = await fn({
        tx,
        effects,
        actor,
        audit: async (r) => {
          records.push(r);
        },
        touch: (...ids) => {
          touched ??= new Set();
          for (const id of ids) if (id) touched.add(id);
        },
      });
      const scope: Set<string> | null = touched;
      await syncDepartmentGroups(tx, effects, orgId, scope ? { departmentIds: [...scope] } : undefined);
      for (const r of records) await appendAudit(tx, { ...r, orgId, actor: auditActor });
      const version = toInt(
        (await tx.query<{ v: number | string }>('update orgs set chart_version = chart_version + 1 where id = $1 returning chart_version as v', [orgId]))[0]!
          .v,
      );
      effects.add(({ pushes: p }) => p.toOrg(orgId, 'org:changed', { version }));
      return out;
    });
    await effects.flush({ db, pushes, logger });
    return result;
  }

  // ---------------------------------------------------------------- checks

  private async department(tx: Db, orgId: string, id: string): Promise<Department> {
    const d = await readDepartment(tx, orgId, id);
    if (!d) throw notFoundDepartment(id);
    return d;
  }

  private async departments(tx: Db, orgId: string, ids: readonly string[]): Promise<void> {
    const found = new Set(
      (await tx.query<{ id: string }>('select id from departments where org_id = $1 and id = any($2::uuid[])', [orgId, ids])).map((r) => r.id),
    );
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length > 0) throw notFoundDepartment(missing);
  }

  /** The department and everything under it (ids). */
  private async subtree(tx: Db, id: string): Promise<string[]> {
    const rows = await tx.query<{ id: string }>(
      `with recursive sub(id) as (select $1::uuid union all select d.id from departments d join sub on d.parent_id = sub.id)
       select id from sub`,
      [id],
    );
    return rows.map((r) => r.id);
  }

  private async renumber(tx: Db, orderedIds: readonly string[]): Promise<void> {
    await tx.query(
      `update departments d set sort = o.n - 1 from unnest($1::uuid[]) with ordinality as o(id, n) where d.id = o.id`,
      [orderedIds],
    );
  }

  /** Siblings must be told apart by name (paths like `研发中心/平台部` in the member import resolve by name). */
  private async refuseSiblingName(tx: Db, orgId: string, parentId: string, name: string, nameEn: string | null, self: string | null): Promise<void> {
    const clash = await tx.query<{ name: string }>(
      `select name from departments where org_id = $1 and parent_id = $2 and id is distinct from $3
          and (name = $4 or ($5::text is not null and lower(name_en) = lower($5::text)))`,
      [orgId, parentId, self, name, nameEn],
    );
    if (clash.length > 0) {
      throw conflict('duplicate_name', `A department called "${clash[0]!.name}" already exists at this place in the tree`, { field: 'name' });
    }
  }

  private async refuseEmployeeId(tx: Db, orgId: string, employeeId: string | null | undefined, self: string | null): Promise<void> {
    if (!employeeId) return;
    // Case-insensitive, offboarded members included: an employee id is never reused (as the import checks).
    const taken = await tx.query<{ name: string }>(
      'select name from members where org_id = $1 and lower(employee_id) = lower($2) and id is distinct from $3',
      [orgId, employeeId, self],
    );
    if (taken.length > 0) throw conflict('duplicate', `The employee id ${employeeId} already belongs to ${taken[0]!.name}`, { field: 'employeeId' });
  }

  private async refuseLastSuperAdmin(tx: Db, orgId: string): Promise<void> {
    const n = await tx.query<{ n: number }>(`select count(*)::int as n from members where org_id = $1 and role = 'super_admin' and status = 'active'`, [
      orgId,
    ]);
    if (toInt(n[0]!.n) <= 1) throw conflict('last_super_admin', 'The organization must keep at least one active super admin');
  }

  private async member(tx: Db, orgId: string, id: string): Promise<MemberRow> {
    const r = await readMemberRow(tx, orgId, id);
    if (!r) throw notFoundMember(id);
    return r;
  }

  private async activeMember(tx: Db, orgId: string, id: string): Promise<MemberRow> {
    const r = await this.member(tx, orgId, id);
    if (r.status !== 'active') throw conflict('offboarded', 'This member is offboarded and can no longer be changed');
    return r;
  }

  private async memberOut(tx: Db, orgId: string, id: string): Promise<DirectoryMember> {
    return toDirectoryMember((await readMemberRow(tx, orgId, id))!, { admin: true, viewerId: '' });
  }
}

const personOf = (r: MemberRow): PersonRow => ({ id: r.id, name: r.name, name_en: r.name_en, title: r.title, kind: r.kind, status: r.status });

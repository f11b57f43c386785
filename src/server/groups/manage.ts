import {
  MusterError,
  type ExternalGroupRequest,
  type GroupDetail,
  type GroupSettings,
  type GroupSummary,
  type PersonRef,
} from '@shared/contract';
import { GROUP_MEMBER_CAP, GROUP_NAME_MAX_CHARS } from '@shared/rules/limits';
import { can, type GroupRoleName, type Permission, type PermissionFacts } from '@shared/rules/permissions';
import { actorRef, authorize, headsDepartment, loadActor, type Actor } from '../access';
import { appendAudit } from '../audit';
import type { Logger } from '../logger';
import type { Pushes } from '../realtime';
import type { Db } from '../storage';
import { toInt, toIso } from '../storage';
import {
  addMemberships,
  createGroup,
  dissolveGroup,
  type Effects,
  inTransactionThenPush,
  loadPeople,
  lockGroup,
  memberCount,
  personRef,
  postSystemMessage,
  queueGroupUpdated,
  queueMembersChanged,
  readGroup,
  removeMemberships,
  settingsOf,
  type GroupRow,
  type PersonRow,
} from './membership';
import { listSummaries } from './repository';
import { notMember } from './service';

/**
 * Group management: every `groups:*` action and the external-group requests that wait for a
 * super admin. Each action loads the actor fresh, locks the group (one change at a time per group:
 * caps and the single owner hold under concurrency), decides from the shared permission table
 * with the facts of the case, changes rows through membership.ts, posts the system message and
 * the audit entry in the same transaction, and pushes only after the commit.
 *
 * Refusals: a missing permission is `forbidden` naming it. Ids of another organization's groups
 * or members are `not_found`, never disclosed. `groups:detail` answers `not_member` to a
 * non-member (super admins may read any group of their organization: `group.read` grants it).
 */

/** What one action knows about the caller and the group, locked for the transaction. */
interface Scene {
  actor: Actor;
  me: PersonRef;
  group: GroupRow;
  role: GroupRoleName | null;
  facts: PermissionFacts;
}

interface Target {
  person: PersonRow;
  role: GroupRoleName;
  muted: boolean;
}

const conflict = (reason: string, message: string, details: Record<string, unknown> = {}): MusterError =>
  new MusterError('conflict', message, { reason, ...details });

/** Department groups follow the org chart: nobody edits their membership by hand until the sync is closed. */
const refuseDepartmentGroup = (g: GroupRow): void => {
  if (g.type === 'department') {
    throw conflict('department_group', 'Members of a department group follow the org chart; close the department sync first');
  }
};

/** The external group made from an internal one when an outside contact is added (names stay within the limit). */
export const externalGroupName = (name: string): string => {
  const suffix = '（外部）';
  return name.slice(0, GROUP_NAME_MAX_CHARS - suffix.length) + suffix;
};

interface RequestRow {
  id: string;
  requester_id: string;
  requester_name: string;
  requester_name_en: string | null;
  name: string;
  member_ids: string[];
  settings: Partial<GroupSettings> | string | null;
  avatar_color: GroupSummary['avatarColor'] | null;
  status: ExternalGroupRequest['status'];
  created_at: Date | string;
  decided_at: Date | string | null;
  group_id: string | null;
}

const REQUEST_SELECT = `select r.id, r.requester_id, m.name as requester_name, m.name_en as requester_name_en, r.name, r.member_ids,
    r.settings, r.avatar_color, r.status, r.created_at, r.decided_at, r.group_id
  from group_requests r join members m on m.id = r.requester_id`;

const toRequest = (r: RequestRow): ExternalGroupRequest => ({
  id: r.id,
  requester: { id: r.requester_id, name: r.requester_name, nameEn: r.requester_name_en },
  name: r.name,
  memberIds: r.member_ids,
  status: r.status,
  createdAt: toIso(r.created_at),
  decidedAt: r.decided_at === null ? null : toIso(r.decided_at),
  groupId: r.group_id,
});

export interface CreateInput {
  name: string;
  type: 'internal' | 'external' | 'training';
  memberIds: string[];
  avatarColor?: GroupSummary['avatarColor'] | undefined;
  settings?: Partial<GroupSettings> | undefined;
}

export class GroupManager {
  constructor(
    private readonly db: Db,
    private readonly pushes: Pushes,
    private readonly logger: Logger,
  ) {}

  // ---------------------------------------------------------------- plumbing

  /** One transaction; its pushes go out only after the commit. */
  private async atomically<T>(fn: (tx: Db, effects: Effects) => Promise<T>): Promise<T> {
    return inTransactionThenPush({ db: this.db, pushes: this.pushes, logger: this.logger }, fn);
  }

  /** Loads the actor, then locks the group and gathers the facts the permission table may need. */
  private async inGroup<T>(
    memberId: string,
    orgId: string,
    groupId: string,
    fn: (tx: Db, effects: Effects, scene: Scene) => Promise<T>,
  ): Promise<T> {
    const actor = await loadActor(this.db, memberId, orgId);
    return this.atomically(async (tx, effects) => {
      const group = await lockGroup(tx, orgId, groupId);
      const role = await roleIn(tx, group.id, actor.id);
      const facts: PermissionFacts = {
        orgRole: actor.orgRole,
        groupRole: role,
        headsGroupDepartment: actor.orgRole === 'dept_head' ? await headsDepartment(tx, actor.id, group.home_department_id) : false,
        onlyAdminsInvite: group.only_admins_invite,
        atAll: group.at_all,
      };
      return fn(tx, effects, { actor, me: actorRef(actor), group, role, facts });
    });
  }

  /** A member of the group the action is about: foreign or unknown ids are `not_found`, so is someone not in the group. */
  private async target(tx: Db, scene: Scene, memberId: string): Promise<Target> {
    const [person] = await loadPeople(tx, scene.actor.orgId, [memberId]);
    const rows = await tx.query<{ role: GroupRoleName; muted: boolean }>(
      'select role, muted from group_members where group_id = $1 and member_id = $2',
      [scene.group.id, memberId],
    );
    if (!rows[0]) throw new MusterError('not_found', 'Not a member of this group', { reason: 'not_in_group', memberId });
    return { person: person!, role: rows[0].role, muted: rows[0].muted };
  }

  private audit(tx: Db, scene: Scene, action: string, extra: { before?: unknown; after?: unknown; member?: PersonRow }): Promise<void> {
    return appendAudit(tx, {
      orgId: scene.actor.orgId,
      actor: scene.me,
      action,
      targetType: extra.member ? 'group_member' : 'group',
      targetId: extra.member ? extra.member.id : scene.group.id,
      targetLabel: extra.member ? `${extra.member.name} · ${scene.group.name}` : scene.group.name,
      before: extra.before === undefined ? undefined : { groupId: scene.group.id, ...(extra.before as object) },
      after: extra.after === undefined ? undefined : { groupId: scene.group.id, ...(extra.after as object) },
    });
  }

  // ---------------------------------------------------------------- creating

  async create(
    memberId: string,
    orgId: string,
    input: CreateInput,
  ): Promise<{ group: GroupSummary | null; pendingRequestId: string | null }> {
    const actor = await loadActor(this.db, memberId, orgId);
    const permission: Permission = `group.create.${input.type}`;
    const { approval } = authorize(permission, { orgRole: actor.orgRole });
    const memberIds = input.memberIds.filter((id) => id !== actor.id);
    if (approval) {
      const id = await this.atomically(async (tx, effects) => {
        await loadPeople(tx, orgId, memberIds);
        return this.fileRequest(tx, effects, actor, { ...input, memberIds });
      });
      return { group: null, pendingRequestId: id };
    }
    const groupId = await this.atomically(async (tx, effects) => {
      const [owner] = await loadPeople(tx, orgId, [actor.id]);
      const members = await loadPeople(tx, orgId, memberIds);
      const group = await createGroup(tx, effects, {
        orgId,
        name: input.name,
        type: input.type,
        owner: owner!,
        members,
        avatarColor: input.avatarColor,
        settings: input.settings,
        homeDepartmentId: actor.primaryDepartmentId,
        actor: actorRef(actor),
        source: 'created',
      });
      await appendAudit(tx, {
        orgId,
        actor: actorRef(actor),
        action: 'group.create',
        targetType: 'group',
        targetId: group.id,
        targetLabel: group.name,
        after: {
          name: group.name,
          type: group.type,
          memberCap: toInt(group.member_cap),
          memberIds: [actor.id, ...memberIds],
          settings: settingsOf(group),
        },
      });
      return group.id;
    });
    const [summary] = await listSummaries(this.db, actor.id, groupId);
    return { group: summary ?? null, pendingRequestId: null };
  }

  /** An external group a department head asked for waits for a super admin (`org:request` to each of them). */
  private async fileRequest(tx: Db, effects: Effects, actor: Actor, input: CreateInput): Promise<string> {
    const rows = await tx.query<{ id: string }>(
      `insert into group_requests (org_id, requester_id, name, member_ids, settings, avatar_color)
       values ($1, $2, $3, $4::uuid[], $5::jsonb, $6) returning id`,
      [actor.orgId, actor.id, input.name, input.memberIds, JSON.stringify(input.settings ?? {}), input.avatarColor ?? null],
    );
    const id = rows[0]!.id;
    await appendAudit(tx, {
      orgId: actor.orgId,
      actor: actorRef(actor),
      action: 'group.request.create',
      targetType: 'request',
      targetId: id,
      targetLabel: input.name,
      after: { name: input.name, type: 'external', memberIds: input.memberIds },
    });
    effects.add(async ({ db, pushes }) => {
      const [request] = (await db.query<RequestRow>(`${REQUEST_SELECT} where r.id = $1`, [id])).map(toRequest);
      pushes.toMembers(await superAdmins(db, actor.orgId), 'org:request', request!);
    });
    return id;
  }

  // ---------------------------------------------------------------- reading

  async detail(memberId: string, orgId: string, groupId: string): Promise<GroupDetail> {
    const actor = await loadActor(this.db, memberId, orgId);
    const db = this.db;
    const g = await readGroup(db, orgId, groupId);
    const role = await roleIn(db, g.id, actor.id);
    const facts: PermissionFacts = { orgRole: actor.orgRole, groupRole: role };
    if (!can('group.read', facts)) throw notMember();
    const members = await db.query<{
      id: string;
      name: string;
      name_en: string | null;
      title: string | null;
      kind: 'employee' | 'guest';
      role: GroupRoleName;
      muted: boolean;
      joined_at: Date | string;
    }>(
      `select m.id, m.name, m.name_en, m.title, m.kind, gm.role, gm.muted, gm.joined_at
         from group_members gm join members m on m.id = gm.member_id
        where gm.group_id = $1
        order by case gm.role when 'owner' then 0 when 'admin' then 1 else 2 end, gm.joined_at, m.id`,
      [g.id],
    );
    const bans = can('group.ban.manage', facts)
      ? await db.query<{
          id: string;
          name: string;
          name_en: string | null;
          by_id: string | null;
          by_name: string | null;
          by_name_en: string | null;
          created_at: Date | string;
        }>(
          `select m.id, m.name, m.name_en, b.id as by_id, b.name as by_name, b.name_en as by_name_en, gb.created_at
             from group_bans gb join members m on m.id = gb.member_id left join members b on b.id = gb.banned_by
            where gb.group_id = $1 order by gb.created_at, m.id`,
          [g.id],
        )
      : [];
    let announcement: GroupDetail['announcement'] = null;
    if (g.announcement !== null) {
      const by = g.announcement_by
        ? (
            await db.query<{ id: string; name: string; name_en: string | null }>('select id, name, name_en from members where id = $1', [
              g.announcement_by,
            ])
          )[0]
        : undefined;
      announcement = { text: g.announcement, by: by ? personRef(by) : null, at: toIso(g.announcement_at ?? g.created_at) };
    }
    return {
      id: g.id,
      orgId: g.org_id,
      name: g.name,
      type: g.type,
      avatarColor: g.avatar_color,
      memberCap: toInt(g.member_cap),
      memberCount: members.length,
      departmentId: g.department_id,
      announcement,
      settings: settingsOf(g),
      members: members.map((m) => ({
        id: m.id,
        name: m.name,
        nameEn: m.name_en,
        title: m.title,
        kind: m.kind,
        role: m.role,
        muted: m.muted,
        joinedAt: toIso(m.joined_at),
      })),
      bans: bans.map((b) => ({
        member: { id: b.id, name: b.name, nameEn: b.name_en },
        bannedBy: b.by_id ? { id: b.by_id, name: b.by_name!, nameEn: b.by_name_en } : null,
        at: toIso(b.created_at),
      })),
      createdAt: toIso(g.created_at),
    };
  }

  // ---------------------------------------------------------------- membership

  /**
   * Adds members. An outside contact added to an internal group never changes that group: a new
   * external group (owner: the actor) is created with the internal group's members and everyone
   * asked for — which needs `group.create.external` too (a department head's waits for approval).
   */
  async addMembers(
    memberId: string,
    orgId: string,
    groupId: string,
    memberIds: string[],
  ): Promise<{ added: string[]; externalGroup: GroupSummary | null; pendingRequestId: string | null }> {
    const r = await this.inGroup(memberId, orgId, groupId, async (tx, effects, scene) => {
      authorize('group.member.add', scene.facts);
      refuseDepartmentGroup(scene.group);
      const people = await loadPeople(tx, orgId, memberIds);
      if (scene.group.type === 'internal' && people.some((p) => p.kind === 'guest')) {
        return this.splitToExternal(tx, effects, scene, people);
      }
      const added = await addMemberships(tx, effects, scene.group, people, { actor: scene.me, source: 'added', event: 'members_added' });
      if (added.length > 0) await this.audit(tx, scene, 'group.member.add', { after: { memberIds: added } });
      return { added, externalGroupId: null, pendingRequestId: null };
    });
    const externalGroup = r.externalGroupId ? ((await listSummaries(this.db, memberId, r.externalGroupId))[0] ?? null) : null;
    return { added: r.added, externalGroup, pendingRequestId: r.pendingRequestId };
  }

  private async splitToExternal(
    tx: Db,
    effects: Effects,
    scene: Scene,
    people: PersonRow[],
  ): Promise<{ added: string[]; externalGroupId: string | null; pendingRequestId: string | null }> {
    const { approval } = authorize('group.create.external', { orgRole: scene.actor.orgRole });
    // Someone banned from the internal group does not get into its external twin either.
    const banned = await tx.query<{ member_id: string }>(
      'select member_id from group_bans where group_id = $1 and member_id = any($2::uuid[])',
      [scene.group.id, people.map((p) => p.id)],
    );
    if (banned.length > 0) {
      throw conflict('banned', 'Banned from this group: remove them from the ban list first', {
        memberIds: banned.map((b) => b.member_id),
      });
    }
    const existing = (
      await tx.query<{ member_id: string }>('select member_id from group_members where group_id = $1 order by joined_at, member_id', [
        scene.group.id,
      ])
    ).map((r) => r.member_id);
    const all = [...new Set([scene.actor.id, ...existing, ...people.map((p) => p.id)])];
    const cap = GROUP_MEMBER_CAP.external;
    if (all.length > cap) {
      throw conflict('group_full', `An external group holds at most ${cap} members; this one would have ${all.length}`, {
        memberCap: cap,
        memberCount: all.length,
        externalGroup: true,
      });
    }
    const name = externalGroupName(scene.group.name);
    const others = all.filter((id) => id !== scene.actor.id);
    if (approval) {
      const id = await this.fileRequest(tx, effects, scene.actor, {
        name,
        type: 'external',
        memberIds: others,
        avatarColor: scene.group.avatar_color,
      });
      return { added: [], externalGroupId: null, pendingRequestId: id };
    }
    const [owner, ...members] = await loadPeople(tx, scene.actor.orgId, all);
    const created = await createGroup(tx, effects, {
      orgId: scene.actor.orgId,
      name,
      type: 'external',
      owner: owner!,
      members,
      avatarColor: scene.group.avatar_color,
      homeDepartmentId: scene.group.home_department_id ?? scene.actor.primaryDepartmentId,
      actor: scene.me,
      source: 'created',
    });
    await appendAudit(tx, {
      orgId: scene.actor.orgId,
      actor: scene.me,
      action: 'group.create',
      targetType: 'group',
      targetId: created.id,
      targetLabel: created.name,
      after: { name: created.name, type: 'external', fromGroupId: scene.group.id, memberIds: all },
    });
    return { added: [], externalGroupId: created.id, pendingRequestId: null };
  }

  async removeMember(memberId: string, orgId: string, groupId: string, targetId: string, ban: boolean): Promise<void> {
    await this.inGroup(memberId, orgId, groupId, async (tx, effects, scene) => {
      // Refused before looking at the target when even a plain member could not be removed: nobody learns who is in the group.
      authorize('group.member.remove', { ...scene.facts, targetRole: 'member' });
      const t = await this.target(tx, scene, targetId);
      authorize('group.member.remove', { ...scene.facts, targetRole: t.role });
      refuseDepartmentGroup(scene.group);
      await removeMemberships(tx, effects, scene.group, [t.person], { actor: scene.me, reason: 'removed', ban });
      await this.audit(tx, scene, ban ? 'group.member.ban' : 'group.member.remove', {
        member: t.person,
        before: { role: t.role },
        after: { banned: ban },
      });
      // A super admin removed the last one (the owner): an empty group is dissolved, its history kept.
      if ((await memberCount(tx, scene.group.id)) === 0) await dissolveGroup(tx, effects, scene.group, scene.me);
    });
  }

  async unban(memberId: string, orgId: string, groupId: string, targetId: string): Promise<void> {
    await this.inGroup(memberId, orgId, groupId, async (tx, _effects, scene) => {
      authorize('group.ban.manage', scene.facts);
      const [person] = await loadPeople(tx, orgId, [targetId]);
      const gone = await tx.query('delete from group_bans where group_id = $1 and member_id = $2 returning member_id', [
        scene.group.id,
        targetId,
      ]);
      if (gone.length === 0)
        throw new MusterError('not_found', 'Not on the ban list of this group', { reason: 'not_banned', memberId: targetId });
      await this.audit(tx, scene, 'group.ban.remove', { member: person!, before: { banned: true }, after: { banned: false } });
    });
  }

  async leave(memberId: string, orgId: string, groupId: string): Promise<void> {
    await this.inGroup(memberId, orgId, groupId, async (tx, effects, scene) => {
      if (scene.role === 'owner') {
        throw conflict('owner_must_transfer', 'The owner cannot leave: transfer ownership first, or dissolve the group');
      }
      authorize('group.leave', scene.facts);
      refuseDepartmentGroup(scene.group);
      const [me] = await loadPeople(tx, orgId, [scene.actor.id]);
      await removeMemberships(tx, effects, scene.group, [me!], { actor: scene.me, reason: 'left' });
      await this.audit(tx, scene, 'group.member.leave', { member: me!, before: { role: scene.role } });
    });
  }

  // ---------------------------------------------------------------- roles

  async setRole(memberId: string, orgId: string, groupId: string, targetId: string, role: 'admin' | 'member'): Promise<void> {
    await this.inGroup(memberId, orgId, groupId, async (tx, effects, scene) => {
      authorize('group.role.set', scene.facts);
      const t = await this.target(tx, scene, targetId);
      if (t.role === 'owner') throw conflict('target_is_owner', 'The owner keeps their role: transfer ownership instead');
      if (t.role === role) return;
      await tx.query('update group_members set role = $3 where group_id = $1 and member_id = $2', [scene.group.id, targetId, role]);
      await postSystemMessage(tx, effects, scene.group.id, {
        type: 'role_changed',
        actor: scene.me,
        targets: [personRef(t.person)],
        data: { role },
      });
      queueMembersChanged(effects, scene.group.id, [{ id: targetId, role, muted: t.muted }]);
      await this.audit(tx, scene, 'group.role.set', { member: t.person, before: { role: t.role }, after: { role } });
    });
  }

  /** One owner, always: the old owner becomes an admin in the same transaction (the group is locked). */
  async transferOwnership(memberId: string, orgId: string, groupId: string, targetId: string): Promise<void> {
    await this.inGroup(memberId, orgId, groupId, async (tx, effects, scene) => {
      authorize('group.ownership.transfer', scene.facts);
      const t = await this.target(tx, scene, targetId);
      if (t.role === 'owner') return;
      if (t.person.kind === 'guest' && scene.group.type !== 'external' && scene.group.type !== 'training') {
        throw new MusterError('forbidden', 'Outside contacts can only be in external or training groups', { reason: 'guest_not_allowed' });
      }
      const old = await tx.query<{ member_id: string; muted: boolean }>(
        `update group_members set role = 'admin' where group_id = $1 and role = 'owner' returning member_id, muted`,
        [scene.group.id],
      );
      await tx.query(`update group_members set role = 'owner' where group_id = $1 and member_id = $2`, [scene.group.id, targetId]);
      await tx.query('update groups set owner_id = $2 where id = $1', [scene.group.id, targetId]);
      await postSystemMessage(tx, effects, scene.group.id, { type: 'owner_transferred', actor: scene.me, targets: [personRef(t.person)] });
      queueMembersChanged(effects, scene.group.id, [
        ...old.map((o) => ({ id: o.member_id, role: 'admin' as const, muted: o.muted })),
        { id: targetId, role: 'owner', muted: t.muted },
      ]);
      await this.audit(tx, scene, 'group.ownership.transfer', {
        member: t.person,
        before: { ownerId: old[0]?.member_id ?? null, role: t.role },
        after: { ownerId: targetId },
      });
    });
  }

  async muteMember(memberId: string, orgId: string, groupId: string, targetId: string, muted: boolean): Promise<void> {
    await this.inGroup(memberId, orgId, groupId, async (tx, effects, scene) => {
      authorize('group.member.mute', { ...scene.facts, targetRole: 'member' });
      const t = await this.target(tx, scene, targetId);
      authorize('group.member.mute', { ...scene.facts, targetRole: t.role });
      if (t.muted === muted) return;
      await tx.query('update group_members set muted = $3 where group_id = $1 and member_id = $2', [scene.group.id, targetId, muted]);
      await postSystemMessage(tx, effects, scene.group.id, {
        type: 'member_muted',
        actor: scene.me,
        targets: [personRef(t.person)],
        data: { muted },
      });
      queueMembersChanged(effects, scene.group.id, [{ id: targetId, role: t.role, muted }]);
      await this.audit(tx, scene, 'group.member.mute', { member: t.person, before: { muted: t.muted }, after: { muted } });
    });
  }

  // ---------------------------------------------------------------- the group itself

  async update(
    memberId: string,
    orgId: string,
    groupId: string,
    change: { name?: string | undefined; avatarColor?: GroupSummary['avatarColor'] | undefined },
  ): Promise<void> {
    await this.inGroup(memberId, orgId, groupId, async (tx, effects, scene) => {
      authorize('group.rename', scene.facts);
      const g = scene.group;
      const name = change.name !== undefined && change.name !== g.name ? change.name : undefined;
      const color = change.avatarColor !== undefined && change.avatarColor !== g.avatar_color ? change.avatarColor : undefined;
      if (name === undefined && color === undefined) return;
      await tx.query('update groups set name = coalesce($2, name), avatar_color = coalesce($3, avatar_color) where id = $1', [
        g.id,
        name ?? null,
        color ?? null,
      ]);
      if (name !== undefined) await postSystemMessage(tx, effects, g.id, { type: 'renamed', actor: scene.me, targets: [], data: { name } });
      if (color !== undefined)
        await postSystemMessage(tx, effects, g.id, { type: 'avatar_changed', actor: scene.me, targets: [], data: { avatarColor: color } });
      queueGroupUpdated(effects, g.id);
      await this.audit(tx, scene, 'group.update', {
        before: { ...(name !== undefined ? { name: g.name } : {}), ...(color !== undefined ? { avatarColor: g.avatar_color } : {}) },
        after: { ...(name !== undefined ? { name } : {}), ...(color !== undefined ? { avatarColor: color } : {}) },
      });
    });
  }

  /** Blank text clears the announcement. */
  async setAnnouncement(memberId: string, orgId: string, groupId: string, text: string): Promise<void> {
    await this.inGroup(memberId, orgId, groupId, async (tx, effects, scene) => {
      authorize('group.announcement', scene.facts);
      const next = text.trim() === '' ? null : text;
      if (next === scene.group.announcement) return;
      await tx.query(
        `update groups set announcement = $2, announcement_by = case when $2::text is null then null else $3::uuid end,
                announcement_at = case when $2::text is null then null else now() end where id = $1`,
        [scene.group.id, next, scene.actor.id],
      );
      await postSystemMessage(tx, effects, scene.group.id, {
        type: 'announcement',
        actor: scene.me,
        targets: [],
        data: { text: next ?? '' },
      });
      queueGroupUpdated(effects, scene.group.id);
      await this.audit(tx, scene, 'group.announcement', { before: { text: scene.group.announcement }, after: { text: next } });
    });
  }

  async updateSettings(memberId: string, orgId: string, groupId: string, settings: Partial<GroupSettings>): Promise<GroupSettings> {
    return this.inGroup(memberId, orgId, groupId, async (tx, effects, scene) => {
      authorize('group.settings', scene.facts);
      const current = settingsOf(scene.group);
      const changed = (Object.keys(settings) as (keyof GroupSettings)[]).filter(
        (k) => settings[k] !== undefined && settings[k] !== current[k],
      );
      if (changed.length === 0) return current;
      const next: GroupSettings = { ...current, ...Object.fromEntries(changed.map((k) => [k, settings[k]])) };
      await tx.query(
        `update groups set join_verification = $2, searchable = $3, only_admins_invite = $4, mute_all = $5, at_all = $6, newcomer_history = $7
          where id = $1`,
        [scene.group.id, next.joinVerification, next.searchable, next.onlyAdminsInvite, next.muteAll, next.atAll, next.newcomerHistory],
      );
      await postSystemMessage(tx, effects, scene.group.id, {
        type: 'settings_changed',
        actor: scene.me,
        targets: [],
        data: { settings: changed },
      });
      queueGroupUpdated(effects, scene.group.id);
      await this.audit(tx, scene, 'group.settings', {
        before: Object.fromEntries(changed.map((k) => [k, current[k]])),
        after: Object.fromEntries(changed.map((k) => [k, next[k]])),
      });
      return next;
    });
  }

  /** Internal groups start at 500 and go to 2000 once; asking again answers the cap as it is. */
  async upgradeCap(memberId: string, orgId: string, groupId: string): Promise<number> {
    return this.inGroup(memberId, orgId, groupId, async (tx, effects, scene) => {
      authorize('group.cap.upgrade', scene.facts);
      const g = scene.group;
      if (g.type !== 'internal') throw conflict('not_internal', 'Only internal groups are upgraded; other types already have their cap');
      const cap = GROUP_MEMBER_CAP.internal;
      if (toInt(g.member_cap) >= cap) return toInt(g.member_cap);
      await tx.query('update groups set member_cap = $2 where id = $1', [g.id, cap]);
      await postSystemMessage(tx, effects, g.id, { type: 'cap_upgraded', actor: scene.me, targets: [], data: { cap } });
      queueGroupUpdated(effects, g.id);
      await this.audit(tx, scene, 'group.cap.upgrade', { before: { memberCap: toInt(g.member_cap) }, after: { memberCap: cap } });
      return cap;
    });
  }

  /**
   * The owner dissolves; a super admin may force-dissolve any group of the organization. Messages
   * are never deleted. Department groups belong to the org chart: close their sync first.
   */
  async dissolve(memberId: string, orgId: string, groupId: string): Promise<void> {
    await this.inGroup(memberId, orgId, groupId, async (tx, effects, scene) => {
      const forced = !can('group.dissolve', scene.facts);
      if (forced && !can('group.dissolve.force', scene.facts)) authorize('group.dissolve', scene.facts);
      if (scene.group.type === 'department') {
        throw conflict('department_group', 'A department group follows the org chart: close the department sync before dissolving it');
      }
      const ids = await dissolveGroup(tx, effects, scene.group, scene.me);
      await this.audit(tx, scene, forced ? 'group.dissolve.force' : 'group.dissolve', {
        before: { memberCount: ids.length },
        after: { status: 'dissolved' },
      });
    });
  }

  /** A department group becomes an ordinary internal group (cap 2000) that the sync never touches again. */
  async closeDepartmentSync(memberId: string, orgId: string, groupId: string): Promise<void> {
    const actor = await loadActor(this.db, memberId, orgId);
    await this.atomically(async (tx, effects) => {
      // The same lock the org-chart edits take before syncing: a sync never sees a half-closed group.
      await tx.query(`select pg_advisory_xact_lock(hashtext('org-chart:' || $1::text))`, [orgId]);
      const group = await lockGroup(tx, orgId, groupId);
      const role = await roleIn(tx, group.id, actor.id);
      const scene: Scene = { actor, me: actorRef(actor), group, role, facts: { orgRole: actor.orgRole, groupRole: role } };
      authorize('group.departmentSync.close', scene.facts);
      if (group.type !== 'department') throw conflict('not_department_group', 'This is not a department group');
      await tx.query(`update groups set type = 'internal', department_id = null, member_cap = $2 where id = $1`, [
        group.id,
        GROUP_MEMBER_CAP.internal,
      ]);
      // The department gets no new department group either (department-sync.ts).
      await tx.query('update departments set group_sync_closed = true where id = $1', [group.department_id]);
      await postSystemMessage(tx, effects, group.id, { type: 'department_sync_closed', actor: scene.me, targets: [] });
      queueGroupUpdated(effects, group.id);
      await this.audit(tx, scene, 'group.departmentSync.close', {
        before: { type: 'department', departmentId: group.department_id },
        after: { type: 'internal', departmentId: null, memberCap: GROUP_MEMBER_CAP.internal },
      });
    });
  }

  // ---------------------------------------------------------------- requests (external groups awaiting approval)

  /** Super admins see every request of the organization; anyone else only their own. */
  async listRequests(memberId: string, orgId: string, status: 'pending' | 'all'): Promise<ExternalGroupRequest[]> {
    const actor = await loadActor(this.db, memberId, orgId);
    const all = can('org.request.decide', { orgRole: actor.orgRole });
    const rows = await this.db.query<RequestRow>(
      `${REQUEST_SELECT} where r.org_id = $1 and ($2::boolean or r.requester_id = $3) and ($4 = 'all' or r.status = 'pending')
        order by r.created_at desc, r.id limit 500`,
      [orgId, all, actor.id, status],
    );
    return rows.map(toRequest);
  }

  /** Approving creates the external group with the requester as owner; either way the requester is told. */
  async decideRequest(memberId: string, orgId: string, requestId: string, approve: boolean): Promise<ExternalGroupRequest> {
    const actor = await loadActor(this.db, memberId, orgId);
    authorize('org.request.decide', { orgRole: actor.orgRole });
    const request = await this.atomically(async (tx, effects) => {
      const locked = await tx.query<RequestRow>(`${REQUEST_SELECT} where r.id = $1 and r.org_id = $2 for update of r`, [requestId, orgId]);
      const r = locked[0];
      if (!r) throw new MusterError('not_found', 'No such request');
      if (r.status !== 'pending') throw conflict('already_decided', `This request was already ${r.status}`, { status: r.status });
      let groupId: string | null = null;
      if (approve) {
        const owners = await tx.query<PersonRow>(
          `select id, name, name_en, title, kind, status from members where id = $1 and org_id = $2 and status = 'active'`,
          [r.requester_id, orgId],
        );
        if (!owners[0]) throw conflict('requester_inactive', 'The requester is no longer active: reject the request instead');
        // People offboarded since the request are left out rather than failing the approval.
        const members = await tx.query<PersonRow>(
          `select id, name, name_en, title, kind, status from members where org_id = $1 and id = any($2::uuid[]) and status = 'active'`,
          [orgId, r.member_ids],
        );
        const settings = typeof r.settings === 'string' ? (JSON.parse(r.settings) as Partial<GroupSettings>) : (r.settings ?? {});
        const requester = await loadActor(tx, r.requester_id, orgId);
        const group = await createGroup(tx, effects, {
          orgId,
          name: r.name,
          type: 'external',
          owner: owners[0],
          members,
          avatarColor: r.avatar_color ?? undefined,
          settings,
          homeDepartmentId: requester.primaryDepartmentId,
          actor: actorRef(requester),
          source: 'created',
        });
        groupId = group.id;
        await appendAudit(tx, {
          orgId,
          actor: actorRef(actor),
          action: 'group.create',
          targetType: 'group',
          targetId: group.id,
          targetLabel: group.name,
          after: { name: group.name, type: 'external', ownerId: r.requester_id, requestId: r.id, memberIds: members.map((m) => m.id) },
        });
      }
      await tx.query(`update group_requests set status = $2, decided_by = $3, decided_at = now(), group_id = $4 where id = $1`, [
        r.id,
        approve ? 'approved' : 'rejected',
        actor.id,
        groupId,
      ]);
      await appendAudit(tx, {
        orgId,
        actor: actorRef(actor),
        action: approve ? 'group.request.approve' : 'group.request.reject',
        targetType: 'request',
        targetId: r.id,
        targetLabel: r.name,
        before: { status: 'pending' },
        after: { status: approve ? 'approved' : 'rejected', groupId },
      });
      const decided = toRequest((await tx.query<RequestRow>(`${REQUEST_SELECT} where r.id = $1`, [r.id]))[0]!);
      effects.add(async ({ db, pushes }) => {
        pushes.toMembers([...new Set([decided.requester.id, ...(await superAdmins(db, orgId))])], 'org:request', decided);
      });
      return decided;
    });
    return request;
  }
}

const roleIn = async (db: Db, groupId: string, memberId: string): Promise<GroupRoleName | null> =>
  (await db.query<{ role: GroupRoleName }>('select role from group_members where group_id = $1 and member_id = $2', [groupId, memberId]))[0]
    ?.role ?? null;

const superAdmins = async (db: Db, orgId: string): Promise<string[]> =>
  (await db.query<{ id: string }>(`select id from members where org_id = $1 and role = 'super_admin' and status = 'active'`, [orgId])).map(
    (r) => r.id,
  );

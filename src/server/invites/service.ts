import { MusterError, type Invite, type InviteKey, type JoinPreview, type JoinTarget, type SocketResponse } from '@shared/contract';
import { QR_INVITE_DAYS } from '@shared/rules/limits';
import { can, type GroupRoleName, type PermissionFacts } from '@shared/rules/permissions';
import { actorRef, authorize, headsDepartment, loadActor, type Actor } from '../access';
import { appendAudit } from '../audit';
import type { Clock } from '../clock';
import { type Effects, inTransactionThenPush, readGroup, type GroupRow } from '../groups/membership';
import { acceptJoin, previewJoin, refusal, type JoinContext } from '../joining';
import type { Logger } from '../logger';
import type { Pushes } from '../realtime';
import type { Db } from '../storage';
import { toInt } from '../storage';
import { InviteKeys, toWireKey } from './keys';
import { resolveLiveTarget } from './live';
import { checkToken, countUse, hasUsed, insertInvite, listActiveInvites, readInvite, type InviteRow, type TokenRefusal } from './repository';

/**
 * Invites: the organizations' signing keys, creating / listing / revoking QR codes, links and live
 * codes, and the token half of joining (join:preview / join:accept): a token is checked against
 * every key of the instance and its invite row (invalid, another organization, expired, revoked,
 * used up), a live code picks or opens the group, then the join decision (src/server/joining)
 * takes over. The joiner is always the signed-in member.
 */

export interface InviteDeps {
  db: Db;
  pushes: Pushes;
  logger: Logger;
  clock: Clock;
}

export type CreateInviteRequest =
  | { kind: 'qr' | 'live'; groupId: string }
  | { kind: 'link'; groupId: string; expiresInDays: number; maxUses: number | null };

export type JoinAcceptRequest = { target: JoinTarget; request: boolean; message: string; confirmRealName: boolean };

const TOKEN_MESSAGES: Record<TokenRefusal | 'used_up', string> = {
  invalid: 'This is not a valid Muster invite',
  wrong_org: 'This invite belongs to another organization',
  expired: 'This invite has expired: ask for a new one',
  revoked: 'This invite was withdrawn: ask for a new one',
  used_up: 'This invite link has been used up: ask for a new one',
};

const inviteNotFound = (): MusterError => new MusterError('not_found', 'No such invite');

export class InviteService {
  readonly keys: InviteKeys;

  constructor(private readonly deps: InviteDeps) {
    this.keys = new InviteKeys(deps.db);
  }

  /** Whole seconds: what a token can carry, and what the rows then agree with. */
  private now(): Date {
    return new Date(Math.floor(this.deps.clock() / 1000) * 1000);
  }

  /** One transaction; its pushes go out only after the commit. */
  private async atomically<T>(fn: (tx: Db, effects: Effects) => Promise<T>): Promise<T> {
    await this.keys.prepare();
    return inTransactionThenPush(this.deps, fn);
  }

  private async facts(tx: Db, actor: Actor, group: GroupRow): Promise<PermissionFacts> {
    const role =
      (await tx.query<{ role: GroupRoleName }>('select role from group_members where group_id = $1 and member_id = $2', [group.id, actor.id]))[0]
        ?.role ?? null;
    return {
      orgRole: actor.orgRole,
      groupRole: role,
      headsGroupDepartment: actor.orgRole === 'dept_head' ? await headsDepartment(tx, actor.id, group.home_department_id) : false,
      onlyAdminsInvite: group.only_admins_invite,
      atAll: group.at_all,
    };
  }

  // ---------------------------------------------------------------- keys

  /** The organization's keys that still verify (the active one is created on first ask). */
  async listKeys(memberId: string, orgId: string): Promise<{ orgId: string; keys: InviteKey[] }> {
    await loadActor(this.deps.db, memberId, orgId);
    const now = this.now();
    const rows = await this.atomically(async (tx) => {
      await this.keys.active(tx, orgId, now, null);
      return this.keys.listValid(tx, orgId, now);
    });
    return { orgId, keys: rows.map(toWireKey) };
  }

  /** Super admin: a new signing key; the old one keeps verifying for the grace period. Audited. */
  async rotateKey(memberId: string, orgId: string): Promise<{ keyId: number }> {
    const actor = await loadActor(this.deps.db, memberId, orgId);
    authorize('org.inviteKey.rotate', { orgRole: actor.orgRole });
    const now = this.now();
    return this.atomically(async (tx) => {
      const { retired, created } = await this.keys.rotate(tx, orgId, now, actor.id);
      const org = (await tx.query<{ name: string }>('select name from orgs where id = $1', [orgId]))[0];
      await appendAudit(tx, {
        orgId,
        actor: actorRef(actor),
        action: 'org.inviteKey.rotate',
        targetType: 'org',
        targetId: orgId,
        targetLabel: org?.name ?? orgId,
        before: { keyId: retired ? toInt(retired.key_id) : null },
        after: { keyId: toInt(created.key_id) },
      });
      return { keyId: toInt(created.key_id) };
    });
  }

  // ---------------------------------------------------------------- invites

  async create(memberId: string, orgId: string, req: CreateInviteRequest): Promise<{ invite: Invite }> {
    const actor = await loadActor(this.deps.db, memberId, orgId);
    // One reading of the clock: the expiry counts from its whole second, createdAt keeps the milliseconds.
    const createdAt = new Date(this.deps.clock());
    const now = new Date(Math.floor(createdAt.getTime() / 1000) * 1000);
    const id = await this.atomically(async (tx) => {
      const group = await readGroup(tx, orgId, req.groupId);
      authorize('group.invite.create', await this.facts(tx, actor, group));
      if (group.type === 'department') {
        // Department groups follow the org chart; a code would let people in beside it.
        throw new MusterError('conflict', 'Members of a department group follow the org chart: it has no invites', {
          reason: 'department_group',
        });
      }
      const maxUses = req.kind === 'link' ? req.maxUses : null;
      const { id: inviteId, expiresAt } = await insertInvite(tx, this.keys, {
        orgId,
        groupId: group.id,
        kind: req.kind,
        createdBy: actor.id,
        now,
        createdAt,
        days: req.kind === 'link' ? req.expiresInDays : QR_INVITE_DAYS,
        maxUses,
      });
      await appendAudit(tx, {
        orgId,
        actor: actorRef(actor),
        action: 'group.invite.create',
        targetType: 'group',
        targetId: group.id,
        targetLabel: group.name,
        after: { groupId: group.id, inviteId, kind: req.kind, expiresAt: expiresAt.toISOString(), maxUses },
      });
      return inviteId;
    });
    return { invite: (await readInvite(this.deps.db, id))! };
  }

  /** Unexpired, unrevoked invites of the group: all for those who manage them, otherwise one's own. */
  async list(memberId: string, orgId: string, groupId: string): Promise<{ invites: Invite[] }> {
    const actor = await loadActor(this.deps.db, memberId, orgId);
    const group = await readGroup(this.deps.db, orgId, groupId);
    const all = can('group.invite.manage', await this.facts(this.deps.db, actor, group));
    return { invites: await listActiveInvites(this.deps.db, group.id, this.now(), all ? null : actor.id) };
  }

  /** Revokes one's own invite, or any of the group's with group.invite.manage. Revoking twice changes nothing. */
  async revoke(memberId: string, orgId: string, inviteId: string): Promise<void> {
    const actor = await loadActor(this.deps.db, memberId, orgId);
    const now = this.now();
    await this.atomically(async (tx) => {
      const invite = (
        await tx.query<InviteRow & { group_name: string }>(
          `select i.id, i.group_id, i.created_by, i.kind, i.revoked_at, g.name as group_name
             from invites i join groups g on g.id = i.group_id where i.id = $1 and i.org_id = $2 for update of i`,
          [inviteId, orgId],
        )
      )[0];
      if (!invite) throw inviteNotFound();
      if (invite.created_by !== actor.id) {
        const group = (await tx.query<GroupRow>('select * from groups where id = $1', [invite.group_id]))[0]!;
        authorize('group.invite.manage', await this.facts(tx, actor, group));
      }
      if (invite.revoked_at !== null) return;
      await tx.query('update invites set revoked_at = $2, revoked_by = $3 where id = $1', [invite.id, now.toISOString(), actor.id]);
      await appendAudit(tx, {
        orgId,
        actor: actorRef(actor),
        action: 'group.invite.revoke',
        targetType: 'group',
        targetId: invite.group_id,
        targetLabel: invite.group_name,
        before: { groupId: invite.group_id, inviteId: invite.id, kind: invite.kind, revokedAt: null },
        after: { groupId: invite.group_id, inviteId: invite.id, revokedAt: now.toISOString() },
      });
    });
  }

  // ---------------------------------------------------------------- joining by token

  /**
   * The token's invite and the group it leads this person to, or the refusal. `accepting`: the
   * invite's row stays locked to the end of the transaction (uses are counted under it).
   */
  private async resolve(
    tx: Db,
    effects: Effects,
    memberId: string,
    orgId: string,
    token: string,
    now: Date,
    accepting: boolean,
  ): Promise<{ invite: InviteRow; ctx: JoinContext; overflowFrom: JoinPreview['overflowFrom'] }> {
    const checked = await checkToken(tx, this.keys, token, now, { orgId, lock: accepting });
    if (!checked.ok) throw refusal(checked.reason, TOKEN_MESSAGES[checked.reason]);
    const invite = checked.invite;
    let groupId = invite.group_id;
    let overflowFrom: JoinPreview['overflowFrom'] = null;
    if (invite.kind === 'live') {
      const live = await resolveLiveTarget(tx, effects, invite, memberId, accepting);
      groupId = live.groupId;
      overflowFrom = live.overflowFrom;
    }
    if (invite.max_uses !== null && toInt(invite.uses) >= toInt(invite.max_uses)) {
      // Used up for newcomers only: someone it already let in (or who is in anyway) hears 'open'.
      const inGroup = (await tx.query('select 1 from group_members where group_id = $1 and member_id = $2', [groupId, memberId])).length > 0;
      if (!inGroup && !(await hasUsed(tx, invite.id, memberId))) throw refusal('used_up', TOKEN_MESSAGES.used_up);
    }
    return {
      invite,
      ctx: { memberId, orgId, groupId, via: invite.kind, sharedBy: invite.created_by, expiresAt: new Date(invite.expires_at) },
      overflowFrom,
    };
  }

  async preview(memberId: string, orgId: string, target: JoinTarget): Promise<{ preview: JoinPreview }> {
    await loadActor(this.deps.db, memberId, orgId);
    const now = this.now();
    return this.atomically(async (tx, effects) => {
      if (target.source === 'directory') {
        const p = await previewJoin(tx, { memberId, orgId, groupId: target.groupId, via: 'directory', sharedBy: null, expiresAt: null });
        return { preview: { ...p, overflowFrom: null } };
      }
      const r = await this.resolve(tx, effects, memberId, orgId, target.token, now, false);
      return { preview: { ...(await previewJoin(tx, r.ctx)), overflowFrom: r.overflowFrom } };
    });
  }

  async accept(memberId: string, orgId: string, req: JoinAcceptRequest): Promise<SocketResponse<'join:accept'>> {
    await loadActor(this.deps.db, memberId, orgId);
    const now = this.now();
    const extra = { request: req.request, message: req.message, confirmRealName: req.confirmRealName };
    return this.atomically(async (tx, effects) => {
      if (req.target.source === 'directory') {
        const ctx: JoinContext = { memberId, orgId, groupId: req.target.groupId, via: 'directory', sharedBy: null, expiresAt: null };
        return acceptJoin(tx, { ...ctx, ...extra }, effects);
      }
      const r = await this.resolve(tx, effects, memberId, orgId, req.target.token, now, true);
      const outcome = await acceptJoin(tx, { ...r.ctx, ...extra }, effects);
      // A use is someone new actually joining; the invite row is locked, so two people racing for
      // the last use are counted (and let in) one after the other.
      if (outcome.outcome === 'joined') await countUse(tx, r.invite.id, memberId, now);
      return outcome;
    });
  }
}

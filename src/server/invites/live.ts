import { MusterError } from '@shared/contract';
import { GROUP_NAME_MAX_CHARS } from '@shared/rules/limits';
import { appendAudit } from '../audit';
import { createGroup, readGroup, settingsOf, type Effects, type PersonRow } from '../groups/membership';
import type { Db } from '../storage';
import { toInt } from '../storage';
import type { InviteRow } from './repository';

/**
 * Live codes (活码): one QR code for a chain of groups. A joiner goes to the first group of the
 * chain with a free seat; when every group is full, an overflow group is created — `<base name> 2`,
 * `3`, … — with the base group's type, settings, cap, avatar colour and owner. Creation happens
 * under the invite's row lock, re-checked after taking it, so any number of people scanning at the
 * same moment create exactly one overflow group.
 *
 * A person who is in, banned from, or was removed from any group of the chain is sent to that
 * group, whatever the others look like: an overflow group is no back door (the join decision then
 * says 'open', 'banned' or 'request').
 */

interface ChainRow {
  group_id: string;
  position: number;
  name: string;
  status: 'active' | 'dissolved';
  member_cap: number;
  n: number;
  is_member: boolean;
  banned: boolean;
  removed: boolean;
}

const readChain = (tx: Db, inviteId: string, memberId: string): Promise<ChainRow[]> =>
  tx.query<ChainRow>(
    `select l.group_id, l.position, g.name, g.status, g.member_cap,
            (select count(*)::int from group_members gm where gm.group_id = g.id) as n,
            exists(select 1 from group_members gm where gm.group_id = g.id and gm.member_id = $2) as is_member,
            exists(select 1 from group_bans b where b.group_id = g.id and b.member_id = $2) as banned,
            coalesce((select d.reason in ('removed', 'banned') from group_departures d
                       where d.group_id = g.id and d.member_id = $2 order by d.at desc, d.id desc limit 1), false) as removed
       from live_code_groups l join groups g on g.id = l.group_id
      where l.invite_id = $1
      order by l.position`,
    [inviteId, memberId],
  );

export interface LiveTarget {
  groupId: string;
  /** Set when the target is not the live code's own group. */
  overflowFrom: { id: string; name: string } | null;
}

/**
 * The group a live code sends this person to. `locked`: the caller holds the invite's row lock
 * (accepting); otherwise the lock is taken only if an overflow group must be created.
 */
export const resolveLiveTarget = async (
  tx: Db,
  effects: Effects,
  invite: InviteRow,
  memberId: string,
  locked: boolean,
): Promise<LiveTarget> => {
  const chain = await readChain(tx, invite.id, memberId);
  const base = chain[0];
  if (!base) throw new Error(`live code ${invite.id} has no groups`);
  const target = (row: ChainRow): LiveTarget => ({
    groupId: row.group_id,
    overflowFrom: row.group_id === base.group_id ? null : { id: base.group_id, name: base.name },
  });

  const personal = chain.find((r) => r.is_member) ?? chain.find((r) => r.banned) ?? chain.find((r) => r.removed);
  if (personal) return target(personal);
  // The code belongs to its group: once that is dissolved, the code leads nowhere (the decision says so).
  if (base.status !== 'active') return target(base);
  const free = chain.find((r) => r.status === 'active' && toInt(r.n) < toInt(r.member_cap));
  if (free) return target(free);

  if (!locked) {
    await tx.query('select 1 from invites where id = $1 for update', [invite.id]);
    return resolveLiveTarget(tx, effects, invite, memberId, true);
  }
  const created = await createOverflowGroup(tx, effects, invite, chain);
  return { groupId: created, overflowFrom: { id: base.group_id, name: base.name } };
};

/** `<name> <n>`, the name shortened so the whole stays within the limit. */
export const overflowName = (base: string, n: number): string => {
  const suffix = ` ${n}`;
  return [...base].slice(0, GROUP_NAME_MAX_CHARS - suffix.length).join('') + suffix;
};

const createOverflowGroup = async (tx: Db, effects: Effects, invite: InviteRow, chain: readonly ChainRow[]): Promise<string> => {
  const base = await readGroup(tx, invite.org_id, chain[0]!.group_id);
  const owner = (
    await tx.query<PersonRow>(
      `select m.id, m.name, m.name_en, m.title, m.kind, m.status
         from group_members gm join members m on m.id = gm.member_id
        where gm.group_id = $1 and gm.role = 'owner' and m.status = 'active'`,
      [base.id],
    )
  )[0];
  if (!owner) {
    // Nobody could own the new group: the chain stays full.
    throw new MusterError('conflict', 'The group is full and has no owner to open an overflow group', {
      reason: 'full',
      groupId: base.id,
      memberCap: toInt(base.member_cap),
      canUpgrade: false,
    });
  }
  const position = Math.max(...chain.map((r) => toInt(r.position))) + 1;
  const group = await createGroup(tx, effects, {
    orgId: invite.org_id,
    name: overflowName(base.name, position + 1),
    type: base.type,
    owner,
    members: [],
    avatarColor: base.avatar_color,
    settings: settingsOf(base),
    homeDepartmentId: base.home_department_id,
    actor: null,
    source: 'created',
  });
  await tx.query('update groups set member_cap = $2 where id = $1', [group.id, toInt(base.member_cap)]);
  await tx.query('insert into live_code_groups (invite_id, group_id, position) values ($1, $2, $3)', [invite.id, group.id, position]);
  await appendAudit(tx, {
    orgId: invite.org_id,
    actor: null,
    action: 'group.create',
    targetType: 'group',
    targetId: group.id,
    targetLabel: group.name,
    after: { type: base.type, overflowFrom: base.id, liveCode: invite.id, ownerId: owner.id, memberCap: toInt(base.member_cap) },
  });
  return group.id;
};

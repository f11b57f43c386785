import type { GroupSummary, Message } from '@shared/contract';
import { toMessage } from '../rows';
import type { Db } from '../storage';
import { toInt, toIso } from '../storage';

type GroupRole = GroupSummary['myRole'];
type GroupType = GroupSummary['type'];

export const membershipRole = async (db: Db, groupId: string, memberId: string): Promise<GroupRole | null> => {
  const rows = await db.query<{ role: GroupRole }>('select role from group_members where group_id = $1 and member_id = $2', [
    groupId,
    memberId,
  ]);
  return rows[0]?.role ?? null;
};

export const groupIdsOf = async (db: Db, memberId: string): Promise<string[]> =>
  (await db.query<{ group_id: string }>('select group_id from group_members where member_id = $1', [memberId])).map(
    (r) => r.group_id,
  );

interface SummaryRow {
  id: string;
  org_id: string;
  name: string;
  type: GroupType;
  last_seq: number;
  updated_at: Date | string;
  avatar_color: GroupSummary['avatarColor'];
  member_cap: number;
  department_id: string | null;
  my_role: GroupRole;
  last_read_seq: number;
  member_count: number;
  lm_id: string | null;
  lm_seq: number | null;
  lm_sender_id: string | null;
  lm_sender_name: string | null;
  lm_kind: Message['kind'] | null;
  lm_body: string | null;
  lm_client_id: string | null;
  lm_created_at: Date | string | null;
  lm_system: unknown;
}

/** The member's groups (or one of them, `onlyGroupId`), as their list shows them. */
export const listSummaries = async (db: Db, memberId: string, onlyGroupId?: string): Promise<GroupSummary[]> => {
  const rows = await db.query<SummaryRow>(
    `select g.id, g.org_id, g.name, g.type, g.last_seq, g.updated_at, g.avatar_color, g.member_cap, g.department_id,
            gm.role as my_role, gm.last_read_seq,
            (select count(*)::int from group_members c where c.group_id = g.id) as member_count,
            lm.id as lm_id, lm.seq as lm_seq, lm.sender_id as lm_sender_id, coalesce(ls.name, '') as lm_sender_name,
            lm.kind as lm_kind, lm.body as lm_body, lm.client_id as lm_client_id, lm.created_at as lm_created_at, lm.system as lm_system
       from group_members gm
       join groups g on g.id = gm.group_id
       left join messages lm on lm.group_id = g.id and lm.seq = g.last_seq
       left join members ls on ls.id = lm.sender_id
      where gm.member_id = $1 and ($2::uuid is null or g.id = $2::uuid)
      order by g.updated_at desc, g.id`,
    [memberId, onlyGroupId ?? null],
  );
  return rows.map((r) => ({
    id: r.id,
    orgId: r.org_id,
    name: r.name,
    type: r.type,
    memberCount: toInt(r.member_count),
    myRole: r.my_role,
    lastSeq: toInt(r.last_seq),
    lastReadSeq: toInt(r.last_read_seq),
    lastMessage:
      r.lm_id === null
        ? null
        : toMessage({
            id: r.lm_id,
            group_id: r.id,
            seq: r.lm_seq!,
            sender_id: r.lm_sender_id,
            sender_name: r.lm_sender_name ?? '',
            kind: r.lm_kind!,
            body: r.lm_body!,
            client_id: r.lm_client_id,
            created_at: r.lm_created_at!,
            system: r.lm_system,
          }),
    updatedAt: toIso(r.updated_at),
    avatarColor: r.avatar_color,
    memberCap: toInt(r.member_cap),
    departmentId: r.department_id,
  }));
};

/**
 * Moves the read marker forward only — never back, never past the group's last message.
 * Returns the marker after the call and whether it moved; null when not a member.
 */
export const advanceReadMarker = async (
  db: Db,
  groupId: string,
  memberId: string,
  seq: number,
): Promise<{ lastReadSeq: number; changed: boolean } | null> => {
  const moved = await db.query<{ last_read_seq: number }>(
    `update group_members gm set last_read_seq = least($3, g.last_seq)
       from groups g
      where g.id = gm.group_id and gm.group_id = $1 and gm.member_id = $2 and gm.last_read_seq < least($3, g.last_seq)
      returning gm.last_read_seq`,
    [groupId, memberId, seq],
  );
  if (moved[0]) return { lastReadSeq: toInt(moved[0].last_read_seq), changed: true };
  const current = await db.query<{ last_read_seq: number }>(
    'select last_read_seq from group_members where group_id = $1 and member_id = $2',
    [groupId, memberId],
  );
  return current[0] ? { lastReadSeq: toInt(current[0].last_read_seq), changed: false } : null;
};

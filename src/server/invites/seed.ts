import { QR_INVITE_DAYS } from '@shared/rules/limits';
import type { Db } from '../storage';
import { InviteKeys } from './keys';
import { insertInvite } from './repository';

/**
 * The demo organization's invites, so a first start shows some (called by the seed, inside its
 * transaction): the all-hands group's QR code shared by the admin, and a link to the project group
 * shared by its owner, 10 uses, a week.
 */
export const seedDemoInvites = async (tx: Db, orgId: string, now: Date): Promise<void> => {
  const at = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const keys = new InviteKeys(tx);
  const group = async (prefix: string) =>
    (await tx.query<{ id: string }>('select id from groups where org_id = $1 and name like $2 order by created_at limit 1', [orgId, `${prefix}%`]))[0]?.id;
  const member = async (account: string) =>
    (await tx.query<{ id: string }>('select id from members where org_id = $1 and account = $2', [orgId, account]))[0]?.id;
  const plans = [
    { group: '全员群', by: 'admin', kind: 'qr', days: QR_INVITE_DAYS, maxUses: null },
    { group: 'Muster 2.0', by: 'zhangwei', kind: 'link', days: 7, maxUses: 10 },
  ] as const;
  for (const p of plans) {
    const groupId = await group(p.group);
    const createdBy = await member(p.by);
    if (!groupId || !createdBy) throw new Error(`demo data: no group "${p.group}" or member ${p.by} for the demo invites`);
    await insertInvite(tx, keys, { orgId, groupId, kind: p.kind, createdBy, now: at, days: p.days, maxUses: p.maxUses });
  }
};

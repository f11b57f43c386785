import { MusterError, type GroupSummary } from '@shared/contract';
import type { Db } from '../storage';
import * as repo from './repository';

export const notMember = (): MusterError => new MusterError('not_member', 'You are not a member of this group');

export class GroupService {
  constructor(private readonly db: Db) {}

  list(memberId: string): Promise<GroupSummary[]> {
    return repo.listSummaries(this.db, memberId);
  }

  groupIdsOf(memberId: string): Promise<string[]> {
    return repo.groupIdsOf(this.db, memberId);
  }

  /** Server-side authorization for every group action: throws `not_member` (also for unknown groups). */
  async requireMember(groupId: string, memberId: string): Promise<void> {
    if (!(await repo.membershipRole(this.db, groupId, memberId))) throw notMember();
  }

  async markRead(memberId: string, groupId: string, seq: number): Promise<{ groupId: string; lastReadSeq: number; changed: boolean }> {
    const r = await repo.advanceReadMarker(this.db, groupId, memberId, seq);
    if (!r) throw notMember();
    return { groupId, ...r };
  }
}

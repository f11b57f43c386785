import type { Db } from '../../../src/server/storage';
import { hashPassword, TEST_ONLY_WEAK_KDF } from '../../../src/server/auth';
import { makeMembers, type Fixture } from '../groups/fixtures';
import type { ClientSocket, TestServer } from '../support/server';

/** People who can sign in (makeMembers' crowd cannot): for races over many sockets. */
export const signedInCrowd = async (
  t: TestServer,
  f: Fixture,
  n: number,
  prefix: string,
): Promise<{ ids: string[]; sockets: ClientSocket[] }> => {
  const ids = await makeMembers(f, n, { prefix });
  const hash = await hashPassword('crowd-password', TEST_ONLY_WEAK_KDF);
  await t.server.db.query('update members set password_hash = $2 where id = any($1::uuid[])', [ids, hash]);
  const accounts = ids.map((_, i) => `${prefix}.${i + 1}`);
  const sockets: ClientSocket[] = [];
  for (const a of accounts) sockets.push(await t.connect((await t.signIn(a, 'crowd-password')).accessToken));
  return { ids, sockets };
};

/** Row counts of everything joining could write. */
export const joinSnapshot = async (db: Db): Promise<string> =>
  JSON.stringify(
    (
      await db.query(
        `select (select count(*)::int from groups) as groups, (select count(*)::int from group_members) as memberships,
                (select count(*)::int from messages) as messages, (select count(*)::int from audit_log) as audit,
                (select count(*)::int from invites) as invites, (select coalesce(sum(uses), 0)::int from invites) as uses,
                (select count(*)::int from invite_uses) as invite_uses, (select count(*)::int from live_code_groups) as live,
                (select count(*)::int from join_requests) as requests, (select count(*)::int from invite_keys) as keys`,
      )
    )[0],
  );

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupRequests } from '@shared/contract';
import { ANNOUNCEMENT_MAX_CHARS, GROUP_ADD_MAX, GROUP_NAME_MAX_CHARS } from '@shared/rules/limits';
import { backends } from '../support/databases';
import { rawRequest, startTestServer, type ClientSocket, type TestServer } from '../support/server';
import { expectErr, loadFixture, makeForeignOrg, makeGroup, makeMembers, snapshot, type Fixture } from './fixtures';

/**
 * Hostile input for every group request (and the external-group requests): wrong types, unknown
 * keys, another organization's ids, groups the caller is not in, oversized names, repeated or too
 * many member ids. Each is a typed error, and nothing at all is written.
 */
interface Ids {
  group: string;
  foreignGroup: string;
  foreignMember: string;
  foreignRequest: string;
  member: string; // in the group
  outsider: string; // in the org, not in the group
  crowd: string[]; // 501 members of the org
}

type Case = [label: string, request: string, payload: (ids: Ids) => unknown, code: string, details?: Record<string, unknown>];

const long = (n: number) => '名'.repeat(n);

const CASES: Case[] = [
  // groups:create
  ['name of the wrong type', 'groups:create', () => ({ name: 42, type: 'internal', memberIds: [] }), 'bad_request'],
  ['blank name', 'groups:create', () => ({ name: '   ', type: 'internal', memberIds: [] }), 'bad_request'],
  ['oversized name', 'groups:create', () => ({ name: long(GROUP_NAME_MAX_CHARS + 1), type: 'internal', memberIds: [] }), 'bad_request'],
  ['NUL in the name', 'groups:create', () => ({ name: 'a\u0000b', type: 'internal', memberIds: [] }), 'bad_request'],
  ['department type by request', 'groups:create', () => ({ name: 'x', type: 'department', memberIds: [] }), 'bad_request'],
  ['unknown key', 'groups:create', () => ({ name: 'x', type: 'internal', memberIds: [], ownerId: randomUUID() }), 'bad_request'],
  [
    '__proto__ key',
    'groups:create',
    () => JSON.parse('{"name":"x","type":"internal","memberIds":[],"__proto__":{"admin":true}}'),
    'bad_request',
  ],
  ['repeated member ids', 'groups:create', (i) => ({ name: 'x', type: 'internal', memberIds: [i.member, i.member] }), 'bad_request'],
  ['more than 500 member ids', 'groups:create', (i) => ({ name: 'x', type: 'internal', memberIds: i.crowd }), 'bad_request'],
  ['member id not a uuid', 'groups:create', () => ({ name: 'x', type: 'internal', memberIds: ['1 or 1=1'] }), 'bad_request'],
  ["another organization's member", 'groups:create', (i) => ({ name: 'x', type: 'internal', memberIds: [i.foreignMember] }), 'not_found'],
  ['unknown member', 'groups:create', () => ({ name: 'x', type: 'internal', memberIds: [randomUUID()] }), 'not_found'],
  [
    'bad setting',
    'groups:create',
    () => ({ name: 'x', type: 'internal', memberIds: [], settings: { joinVerification: 'maybe' } }),
    'bad_request',
  ],
  ['free-form colour', 'groups:create', () => ({ name: 'x', type: 'internal', memberIds: [], avatarColor: '#ff0000' }), 'bad_request'],
  ['an array instead of an object', 'groups:create', () => [], 'bad_request'],
  // groups:detail
  ['group id not a uuid', 'groups:detail', () => ({ groupId: 'abc' }), 'bad_request'],
  ["another organization's group", 'groups:detail', (i) => ({ groupId: i.foreignGroup }), 'not_found'],
  ['unknown group', 'groups:detail', () => ({ groupId: randomUUID() }), 'not_found'],
  ['unknown key', 'groups:detail', (i) => ({ groupId: i.group, all: true }), 'bad_request'],
  // groups:addMembers
  ['no member ids', 'groups:addMembers', (i) => ({ groupId: i.group, memberIds: [] }), 'bad_request'],
  ['repeated member ids', 'groups:addMembers', (i) => ({ groupId: i.group, memberIds: [i.outsider, i.outsider] }), 'bad_request'],
  ['more than 500 member ids', 'groups:addMembers', (i) => ({ groupId: i.group, memberIds: i.crowd }), 'bad_request'],
  [
    "another organization's member",
    'groups:addMembers',
    (i) => ({ groupId: i.group, memberIds: [i.outsider, i.foreignMember] }),
    'not_found',
  ],
  ["another organization's group", 'groups:addMembers', (i) => ({ groupId: i.foreignGroup, memberIds: [i.outsider] }), 'not_found'],
  ['member ids as a string', 'groups:addMembers', (i) => ({ groupId: i.group, memberIds: i.outsider }), 'bad_request'],
  // groups:removeMember
  ['ban as a string', 'groups:removeMember', (i) => ({ groupId: i.group, memberId: i.member, ban: 'yes' }), 'bad_request'],
  ["another organization's member", 'groups:removeMember', (i) => ({ groupId: i.group, memberId: i.foreignMember }), 'not_found'],
  [
    'someone not in the group',
    'groups:removeMember',
    (i) => ({ groupId: i.group, memberId: i.outsider }),
    'not_found',
    { reason: 'not_in_group' },
  ],
  ["another organization's group", 'groups:removeMember', (i) => ({ groupId: i.foreignGroup, memberId: i.foreignMember }), 'not_found'],
  // groups:unban
  ["another organization's member", 'groups:unban', (i) => ({ groupId: i.group, memberId: i.foreignMember }), 'not_found'],
  ['someone not banned', 'groups:unban', (i) => ({ groupId: i.group, memberId: i.outsider }), 'not_found', { reason: 'not_banned' }],
  ["another organization's group", 'groups:unban', (i) => ({ groupId: i.foreignGroup, memberId: i.foreignMember }), 'not_found'],
  // groups:setRole
  ['role owner by setRole', 'groups:setRole', (i) => ({ groupId: i.group, memberId: i.member, role: 'owner' }), 'bad_request'],
  ["another organization's member", 'groups:setRole', (i) => ({ groupId: i.group, memberId: i.foreignMember, role: 'admin' }), 'not_found'],
  ['someone not in the group', 'groups:setRole', (i) => ({ groupId: i.group, memberId: i.outsider, role: 'admin' }), 'not_found'],
  // groups:transferOwnership
  ["another organization's member", 'groups:transferOwnership', (i) => ({ groupId: i.group, memberId: i.foreignMember }), 'not_found'],
  ['someone not in the group', 'groups:transferOwnership', (i) => ({ groupId: i.group, memberId: i.outsider }), 'not_found'],
  ["another organization's group", 'groups:transferOwnership', (i) => ({ groupId: i.foreignGroup, memberId: i.member }), 'not_found'],
  // groups:update
  ['nothing to change', 'groups:update', (i) => ({ groupId: i.group }), 'bad_request'],
  ['oversized name', 'groups:update', (i) => ({ groupId: i.group, name: long(GROUP_NAME_MAX_CHARS + 1) }), 'bad_request'],
  ['unknown key', 'groups:update', (i) => ({ groupId: i.group, name: 'x', type: 'external' }), 'bad_request'],
  ["another organization's group", 'groups:update', (i) => ({ groupId: i.foreignGroup, name: 'x' }), 'not_found'],
  // groups:setAnnouncement
  [
    'oversized announcement',
    'groups:setAnnouncement',
    (i) => ({ groupId: i.group, text: 'x'.repeat(ANNOUNCEMENT_MAX_CHARS + 1) }),
    'bad_request',
  ],
  ['announcement of the wrong type', 'groups:setAnnouncement', (i) => ({ groupId: i.group, text: 5 }), 'bad_request'],
  ["another organization's group", 'groups:setAnnouncement', (i) => ({ groupId: i.foreignGroup, text: 'x' }), 'not_found'],
  // groups:updateSettings
  ['no settings', 'groups:updateSettings', (i) => ({ groupId: i.group, settings: {} }), 'bad_request'],
  ['only unknown settings', 'groups:updateSettings', (i) => ({ groupId: i.group, settings: { superPowers: true } }), 'bad_request'],
  ['setting of the wrong type', 'groups:updateSettings', (i) => ({ groupId: i.group, settings: { muteAll: 'yes' } }), 'bad_request'],
  ["another organization's group", 'groups:updateSettings', (i) => ({ groupId: i.foreignGroup, settings: { muteAll: true } }), 'not_found'],
  // groups:muteMember
  ['muted missing', 'groups:muteMember', (i) => ({ groupId: i.group, memberId: i.member }), 'bad_request'],
  [
    "another organization's member",
    'groups:muteMember',
    (i) => ({ groupId: i.group, memberId: i.foreignMember, muted: true }),
    'not_found',
  ],
  // groups:upgradeCap
  ["another organization's group", 'groups:upgradeCap', (i) => ({ groupId: i.foreignGroup }), 'not_found'],
  ['unknown key', 'groups:upgradeCap', (i) => ({ groupId: i.group, cap: 100000 }), 'bad_request'],
  // groups:leave
  ["another organization's group", 'groups:leave', (i) => ({ groupId: i.foreignGroup }), 'not_found'],
  ['group id of the wrong type', 'groups:leave', () => ({ groupId: 7 }), 'bad_request'],
  // groups:dissolve
  ["another organization's group", 'groups:dissolve', (i) => ({ groupId: i.foreignGroup }), 'not_found'],
  ['unknown group', 'groups:dissolve', () => ({ groupId: randomUUID() }), 'not_found'],
  // groups:closeDepartmentSync
  ["another organization's group", 'groups:closeDepartmentSync', (i) => ({ groupId: i.foreignGroup }), 'not_found'],
  ['not a department group', 'groups:closeDepartmentSync', (i) => ({ groupId: i.group }), 'conflict', { reason: 'not_department_group' }],
  // org:requests:*
  ['unknown status', 'org:requests:list', () => ({ status: 'everything' }), 'bad_request'],
  ["another organization's request", 'org:requests:decide', (i) => ({ id: i.foreignRequest, approve: true }), 'not_found'],
  ['approve as a string', 'org:requests:decide', (i) => ({ id: i.foreignRequest, approve: 'yes' }), 'bad_request'],
];

/** Requests of people who are not in the group, answered from the table. */
const OUTSIDER_CASES: Case[] = [
  ['read by a non-member', 'groups:detail', (i) => ({ groupId: i.group }), 'not_member'],
  [
    'add by a non-member',
    'groups:addMembers',
    (i) => ({ groupId: i.group, memberIds: [i.outsider] }),
    'forbidden',
    { permission: 'group.member.add' },
  ],
  [
    'remove by a non-member',
    'groups:removeMember',
    (i) => ({ groupId: i.group, memberId: i.member }),
    'forbidden',
    { permission: 'group.member.remove' },
  ],
  ['leave by a non-member', 'groups:leave', (i) => ({ groupId: i.group }), 'forbidden', { permission: 'group.leave' }],
  ['dissolve by a non-member', 'groups:dissolve', (i) => ({ groupId: i.group }), 'forbidden', { permission: 'group.dissolve' }],
  ['send by a non-member', 'messages:send', (i) => ({ groupId: i.group, clientId: randomUUID(), body: 'x' }), 'not_member'],
];

describe.each(backends)('hostile group requests on $name', (backend) => {
  let t: TestServer;
  let f: Fixture;
  let ids: Ids;
  let owner: ClientSocket; // 张伟 owns the group (and, as a dept head, is no super admin)
  let admin: ClientSocket; // the super admin, for org:requests:decide
  let outsider: ClientSocket; // Emily, not in the group

  beforeAll(async () => {
    t = await startTestServer(backend, { socketRateLimit: { perSecond: 10_000, burst: 10_000 } });
    f = await loadFixture(t.server.db);
    const foreign = await makeForeignOrg(t.server.db);
    const foreignRequest = (
      await t.server.db.query<{ id: string }>(
        `insert into group_requests (org_id, requester_id, name, member_ids) values ($1, $2, 'x', '{}') returning id`,
        [foreign.orgId, foreign.memberId],
      )
    )[0]!.id;
    ids = {
      group: await makeGroup(f, { members: { [f.id('zhangwei')]: 'owner', [f.id('lina')]: 'member' } }),
      foreignGroup: foreign.groupId,
      foreignMember: foreign.memberId,
      foreignRequest,
      member: f.id('lina'),
      outsider: f.id('yanglei'),
      crowd: await makeMembers(f, GROUP_ADD_MAX + 1),
    };
    const s = await Promise.all(['zhangwei', 'admin', 'emily.carter'].map(async (a) => t.connect((await t.signIn(a)).accessToken)));
    [owner, admin, outsider] = [s[0]!, s[1]!, s[2]!];
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('has cases for every group request', () => {
    const names = new Set(CASES.map((c) => c[1]));
    expect(Object.keys(groupRequests).filter((n) => !names.has(n))).toEqual([]);
    expect(names.has('org:requests:list') && names.has('org:requests:decide')).toBe(true);
  });

  it.each(CASES.map((c) => [`${c[1]}: ${c[0]}`, c] as const))('%s', async (_name, [, name, payload, code, details]) => {
    const before = await snapshot(t.server.db);
    const socket = name === 'org:requests:decide' ? admin : owner;
    expectErr(await rawRequest(socket, name, payload(ids)), code, details);
    expect(await snapshot(t.server.db)).toBe(before);
  });

  it.each(OUTSIDER_CASES.map((c) => [`${c[1]}: ${c[0]}`, c] as const))('%s', async (_name, [, name, payload, code, details]) => {
    const before = await snapshot(t.server.db);
    expectErr(await rawRequest(outsider, name, payload(ids)), code, details);
    expect(await snapshot(t.server.db)).toBe(before);
  });

  it("never says whether another organization's id exists", async () => {
    const a = await rawRequest(owner, 'groups:detail', { groupId: ids.foreignGroup });
    const b = await rawRequest(owner, 'groups:detail', { groupId: randomUUID() });
    expect(a).toEqual(b);
  });
});

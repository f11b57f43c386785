import { randomUUID } from 'node:crypto';
import { DEPARTMENT_GROUP_MIN_MEMBERS, GROUP_MEMBER_CAP, INTERNAL_GROUP_INITIAL_CAP } from '@shared/rules/limits';
import { appendAudit } from '../audit';
import { hashPassword, type KdfParams } from '../auth';
import type { Clock } from '../clock';
import { seedDemoInvites } from '../invites/seed';
import type { Db } from '../storage';
import {
  DEMO_ORG,
  DEMO_PASSWORD,
  DEPARTMENTS,
  GROUPS,
  MEMBERS,
  type DemoMember,
} from './demo-org';
import { THREADS, type Thread } from './demo-messages';

export interface SeedOptions {
  kdf: KdfParams;
  clock: Clock;
  /** Delete the demo organization (and everything in it) first, then create it afresh. */
  reset?: boolean;
}

export type SeedResult =
  | { created: false }
  | { created: true; orgId: string; departments: number; members: number; groups: number; messages: number };

const SEED_LOCK_KEY = 7_800_002;
const DAY_MS = 24 * 60 * 60 * 1000;
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

/**
 * Creates the demo organization (Starriver Tech) unless it exists. Content is deterministic; only
 * the dates follow the day of seeding. All-or-nothing: one transaction, under an advisory lock so
 * two nodes starting together seed once.
 */
export const seedDemo = async (db: Db, opts: SeedOptions): Promise<SeedResult> => {
  if (!opts.reset && (await demoExists(db))) return { created: false };
  const plan = buildPlan(opts.clock());
  // Hashing is the slow part: do it before taking the lock. Each member gets its own salt.
  const hashes = await mapLimited(MEMBERS, 4, () => hashPassword(DEMO_PASSWORD, opts.kdf));

  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [SEED_LOCK_KEY]);
    if (opts.reset) await tx.query('delete from orgs where slug = $1', [DEMO_ORG.slug]);
    else if (await demoExists(tx)) return { created: false } as const;
    await writePlan(tx, plan, hashes);
    await seedDemoInvites(tx, plan.orgId, new Date(opts.clock()));
    return {
      created: true,
      orgId: plan.orgId,
      departments: plan.departments.length,
      members: plan.members.length,
      groups: plan.groups.length,
      messages: plan.messages.length,
    } as const;
  });
};

const demoExists = async (db: Db): Promise<boolean> =>
  (await db.query('select 1 from orgs where slug = $1', [DEMO_ORG.slug])).length > 0;

// ------------------------------------------------------------------ plan (pure)

interface PlannedGroup {
  id: string;
  name: string;
  type: keyof typeof GROUP_MEMBER_CAP;
  ownerId: string;
  departmentId: string | null;
  createdAt: number;
  members: { id: string; role: 'owner' | 'admin' | 'member' }[];
  announcement: { text: string; byId: string; at: number } | null;
  join?: { verification: 'none' | 'approval' | 'real_name' | 'face'; searchable: boolean };
  joinRequests?: { requesterId: string; message: string; at: number }[];
}

interface PlannedMessage {
  groupId: string;
  seq: number;
  senderId: string | null;
  kind: 'text' | 'system';
  body: string;
  at: number;
}

interface Plan {
  orgId: string;
  departments: { id: string; parentId: string | null; name: string; nameEn: string; sort: number; headId: string | null }[];
  members: (DemoMember & { id: string; departmentId: string; employeeId: string | null; mobile: string; email: string })[];
  groups: PlannedGroup[];
  messages: PlannedMessage[];
  readMarks: { groupId: string; memberId: string; seq: number }[];
}

/** A tiny seeded PRNG (mulberry32): the same "randomness" on every seed. */
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

export const buildPlan = (nowMs: number): Plan => {
  const rand = prng(20_240_917);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const todayStart = Math.floor((nowMs + SHANGHAI_OFFSET_MS) / DAY_MS) * DAY_MS - SHANGHAI_OFFSET_MS;
  const threadStart = (t: Thread): number => {
    const [h, m] = t.at.split(':').map(Number) as [number, number];
    return todayStart - t.daysAgo * DAY_MS + (h * 60 + m) * 60_000;
  };

  const deptIds = new Map(DEPARTMENTS.map((d) => [d.key, randomUUID()]));
  const members = MEMBERS.map((m, i) => ({
    ...m,
    id: randomUUID(),
    departmentId: mustGet(deptIds, m.dept, 'department'),
    ...contactOf(m, i),
  }));
  const memberByAccount = new Map(members.map((m) => [m.account, m]));
  const idOf = (account: string) => mustGet(memberByAccount, account, 'member').id;

  const departments = DEPARTMENTS.map((d, sort) => ({
    id: mustGet(deptIds, d.key, 'department'),
    parentId: d.parent ? mustGet(deptIds, d.parent, 'department') : null,
    name: d.name,
    nameEn: d.nameEn,
    sort,
    headId: d.head ? idOf(d.head) : null,
  }));

  const groups: { group: PlannedGroup; threads: readonly Thread[]; intro: string }[] = [];
  const earliest = (threads: readonly Thread[]) =>
    threads.length ? Math.min(...threads.map(threadStart)) - 60 * 60_000 : todayStart - 21 * DAY_MS;

  for (const g of GROUPS) {
    const threads = THREADS[g.key] ?? [];
    // Outside contacts never join internal groups ('everyone' means every employee).
    const explicit = g.members === 'everyone' ? members.filter((m) => m.kind !== 'guest').map((m) => m.account) : g.members;
    const accounts = [...new Set([g.owner, ...g.admins, ...explicit])];
    const owner = mustGet(memberByAccount, g.owner, 'member');
    groups.push({
      group: {
        id: randomUUID(),
        name: g.name,
        type: g.type,
        ownerId: owner.id,
        departmentId: null,
        createdAt: earliest(threads),
        members: accounts.map((a) => ({ id: idOf(a), role: a === g.owner ? 'owner' : g.admins.includes(a) ? 'admin' : 'member' })),
        // Posted a day after the group's first thread started.
        announcement: g.announcement ? { text: g.announcement.text, byId: idOf(g.announcement.by), at: earliest(threads) + DAY_MS } : null,
        ...(g.join ? { join: g.join } : {}),
        ...(g.joinRequests ? { joinRequests: g.joinRequests.map((r) => ({ requesterId: idOf(r.by), message: r.message, at: nowMs - 3 * 60 * 60_000 })) } : {}),
      },
      threads,
      intro: `${owner.name} 创建了群聊「${g.name}」\n${owner.nameEn} created the group`,
    });
  }

  // Department groups, by the rules the department sync enforces (org/department-sync.ts): leaf
  // departments only, once they have 3 eligible members (employees, not hidden, not restricted-view);
  // the head owns it, else the first member. The seed test checks a sync afterwards changes nothing.
  const parents = new Set(DEPARTMENTS.map((d) => d.parent).filter(Boolean));
  for (const d of DEPARTMENTS.filter((x) => !parents.has(x.key))) {
    const visible = members.filter((m) => m.dept === d.key && !m.hidden && !m.restrictedView && m.kind !== 'guest');
    if (visible.length < DEPARTMENT_GROUP_MIN_MEMBERS) continue;
    const ownerAccount = d.head && visible.some((m) => m.account === d.head) ? d.head : visible[0]!.account;
    const threads = THREADS[`dept:${d.key}`] ?? [];
    groups.push({
      group: {
        id: randomUUID(),
        name: `${d.name} ${d.nameEn}`,
        type: 'department',
        ownerId: idOf(ownerAccount),
        departmentId: mustGet(deptIds, d.key, 'department'),
        createdAt: earliest(threads),
        members: visible.map((m) => ({ id: m.id, role: m.account === ownerAccount ? 'owner' : 'member' })),
        announcement: null,
      },
      threads,
      intro: '部门群已创建，成员随组织架构自动同步。\nDepartment group created; membership follows the org chart.',
    });
  }

  const messages: PlannedMessage[] = [];
  const readMarks: Plan['readMarks'] = [];
  for (const { group, threads, intro } of groups) {
    const memberIds = new Set(group.members.map((m) => m.id));
    const timeline: Omit<PlannedMessage, 'seq'>[] = [
      { groupId: group.id, senderId: null, kind: 'system', body: intro, at: group.createdAt },
    ];
    for (const t of [...threads].sort((a, b) => threadStart(a) - threadStart(b))) {
      let at = threadStart(t);
      for (const [account, text] of t.lines) {
        const senderId = idOf(account);
        if (!memberIds.has(senderId)) throw new Error(`demo data: ${account} writes in "${group.name}" without being a member`);
        timeline.push({ groupId: group.id, senderId, kind: 'text', body: text, at });
        at += int(20, 6 * 60) * 1000;
      }
    }
    timeline.sort((a, b) => a.at - b.at);
    const lastOwn = new Map<string, number>();
    timeline.forEach((m, i) => {
      messages.push({ ...m, seq: i + 1 });
      if (m.senderId) lastOwn.set(m.senderId, i + 1);
    });
    const lastSeq = timeline.length;
    // Most people are caught up; some have a few unread, never fewer read than their own last message.
    for (const { id } of group.members) {
      const behind = rand() < 0.55 ? 0 : int(1, Math.min(12, lastSeq));
      readMarks.push({ groupId: group.id, memberId: id, seq: Math.max(lastSeq - behind, lastOwn.get(id) ?? 0) });
    }
  }

  return { orgId: randomUUID(), departments, members, groups: groups.map((g) => g.group), messages, readMarks };
};

// ------------------------------------------------------------------ write

const iso = (ms: number) => new Date(ms).toISOString();

const writePlan = async (tx: Db, plan: Plan, hashes: readonly string[]): Promise<void> => {
  await tx.query('insert into orgs (id, slug, name, name_en) values ($1, $2, $3, $4)', [
    plan.orgId,
    DEMO_ORG.slug,
    DEMO_ORG.name,
    DEMO_ORG.nameEn,
  ]);
  // Parents come before children in the list, so the self-reference is always satisfied.
  await insertRows(tx, 'departments', ['id', 'org_id', 'parent_id', 'name', 'name_en', 'sort'], plan.departments.map((d) => [
    d.id, plan.orgId, d.parentId, d.name, d.nameEn, d.sort,
  ]));
  await insertRows(
    tx,
    'members',
    ['id', 'org_id', 'account', 'name', 'name_en', 'title', 'role', 'password_hash', 'hidden', 'restricted_view', 'kind', 'employee_id', 'mobile', 'email'],
    plan.members.map((m, i) => [
      m.id, plan.orgId, m.account, m.name, m.nameEn, m.title, m.role, hashes[i], m.hidden ?? false, m.restrictedView ?? false, m.kind ?? 'employee',
      m.employeeId, m.mobile, m.email,
    ]),
  );
  await insertRows(
    tx,
    'member_departments',
    ['member_id', 'department_id', 'org_id', 'is_primary'],
    plan.members.map((m) => [m.id, m.departmentId, plan.orgId, true]),
  );
  for (const d of plan.departments) {
    if (d.headId) await tx.query('update departments set head_id = $2 where id = $1', [d.id, d.headId]);
  }

  const lastAt = new Map<string, { seq: number; at: number }>();
  for (const m of plan.messages) {
    const prev = lastAt.get(m.groupId);
    if (!prev || m.seq > prev.seq) lastAt.set(m.groupId, { seq: m.seq, at: m.at });
  }
  await insertRows(
    tx,
    'groups',
    [
      'id', 'org_id', 'name', 'type', 'owner_id', 'department_id', 'last_seq', 'created_at', 'updated_at', 'member_cap', 'created_by',
      'home_department_id', 'announcement', 'announcement_by', 'announcement_at',
    ],
    plan.groups.map((g) => {
      const last = lastAt.get(g.id);
      const cap = g.type === 'internal' ? INTERNAL_GROUP_INITIAL_CAP : GROUP_MEMBER_CAP[g.type];
      const home = g.departmentId ?? plan.members.find((m) => m.id === g.ownerId)!.departmentId;
      return [
        g.id, plan.orgId, g.name, g.type, g.ownerId, g.departmentId, last?.seq ?? 0, iso(g.createdAt), iso(last?.at ?? g.createdAt), cap,
        g.type === 'department' ? null : g.ownerId, home, g.announcement?.text ?? null, g.announcement?.byId ?? null,
        g.announcement ? iso(g.announcement.at) : null,
      ];
    }),
  );
  const readOf = new Map(plan.readMarks.map((r) => [`${r.groupId}/${r.memberId}`, r.seq]));
  await insertRows(
    tx,
    'group_members',
    ['group_id', 'member_id', 'org_id', 'role', 'joined_at', 'last_read_seq', 'joined_via'],
    plan.groups.flatMap((g) =>
      g.members.map((m) => [
        g.id, m.id, plan.orgId, m.role, iso(g.createdAt), readOf.get(`${g.id}/${m.id}`) ?? 0,
        g.type === 'department' ? 'department' : m.role === 'owner' ? 'created' : 'added',
      ]),
    ),
  );
  await insertRows(
    tx,
    'messages',
    ['group_id', 'seq', 'sender_id', 'kind', 'body', 'created_at'],
    plan.messages.map((m) => [m.groupId, m.seq, m.senderId, m.kind, m.body, iso(m.at)]),
  );
  // Join settings and waiting join requests (the directory and the join-request inbox are not empty).
  for (const g of plan.groups) {
    if (g.join) {
      await tx.query('update groups set join_verification = $2, searchable = $3 where id = $1', [g.id, g.join.verification, g.join.searchable]);
    }
    for (const r of g.joinRequests ?? []) {
      await tx.query(
        `insert into join_requests (org_id, group_id, requester_id, message, via, reason, created_at)
         values ($1, $2, $3, $4, 'directory', 'approval', $5)`,
        [plan.orgId, g.id, r.requesterId, r.message, iso(r.at)],
      );
    }
  }
  await writeAudit(tx, plan);
};

/** A few audit entries through the real writer (hash chain), so the audit page of the demo is not empty. */
const writeAudit = async (tx: Db, plan: Plan): Promise<void> => {
  const byId = new Map(plan.members.map((m) => [m.id, m]));
  const person = (id: string) => {
    const m = byId.get(id)!;
    return { id: m.id, name: m.name, nameEn: m.nameEn };
  };
  const admin = person(plan.members.find((m) => m.role === 'super_admin')!.id);
  const orgId = plan.orgId;
  await appendAudit(tx, { orgId, actor: admin, action: 'org.create', targetType: 'org', targetId: orgId, targetLabel: DEMO_ORG.name, after: { ...DEMO_ORG } });
  for (const d of plan.departments) {
    if (!d.headId) continue;
    await appendAudit(tx, {
      orgId,
      actor: admin,
      action: 'org.department.update',
      targetType: 'department',
      targetId: d.id,
      targetLabel: d.name,
      before: { headId: null },
      after: { headId: d.headId, head: byId.get(d.headId)!.name },
    });
  }
  const guest = plan.members.find((m) => m.kind === 'guest');
  if (guest) {
    await appendAudit(tx, {
      orgId,
      actor: admin,
      action: 'org.member.create',
      targetType: 'member',
      targetId: guest.id,
      targetLabel: guest.name,
      after: { account: guest.account, kind: 'guest', title: guest.title },
    });
  }
  for (const g of plan.groups) {
    await appendAudit(tx, {
      orgId,
      actor: g.type === 'department' ? null : person(g.ownerId),
      action: 'group.create',
      targetType: 'group',
      targetId: g.id,
      targetLabel: g.name,
      after: { type: g.type, members: g.members.length, ...(g.departmentId ? { departmentId: g.departmentId } : {}) },
    });
    if (g.announcement) {
      await appendAudit(tx, {
        orgId,
        actor: person(g.announcement.byId),
        action: 'group.announcement',
        targetType: 'group',
        targetId: g.id,
        targetLabel: g.name,
        before: { announcement: null },
        after: { announcement: g.announcement.text },
      });
    }
  }
};

/** Deterministic contact data: employee ids SR0001… (employees only), valid mainland mobiles, e-mails on a reserved domain. */
const contactOf = (m: DemoMember, i: number): { employeeId: string | null; mobile: string; email: string } => {
  const guest = m.kind === 'guest';
  return {
    employeeId: guest ? null : `SR${String(i + 1).padStart(4, '0')}`,
    mobile: `1${'3578'[i % 4]}${String(100_000_000 + ((i * 7_919_113) % 900_000_000)).slice(-9)}`,
    email: guest ? `${m.account.replace('.guest', '')}@yunfan-logistics.example` : `${m.account}@starriver.example`,
  };
};

/** Multi-row inserts in chunks (PostgreSQL allows 65535 parameters per statement). */
const insertRows = async (tx: Db, table: string, columns: readonly string[], rows: readonly unknown[][]): Promise<void> => {
  const perChunk = Math.floor(60_000 / columns.length);
  for (let start = 0; start < rows.length; start += perChunk) {
    const chunk = rows.slice(start, start + perChunk);
    const values = chunk.map((_, r) => `(${columns.map((_c, c) => `$${r * columns.length + c + 1}`).join(', ')})`);
    await tx.query(`insert into ${table} (${columns.join(', ')}) values ${values.join(', ')}`, chunk.flat());
  }
};

const mapLimited = async <T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> => {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
};

const mustGet = <K, V>(map: Map<K, V>, key: K, what: string): V => {
  const v = map.get(key);
  if (v === undefined) throw new Error(`demo data: unknown ${what} ${String(key)}`);
  return v;
};

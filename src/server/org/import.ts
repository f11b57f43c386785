import { MusterError, type ImportRow, type ImportRowError, type SocketResponse } from '@shared/contract';
import {
  employeeIdKey,
  MEMBER_CSV_COLUMNS,
  splitDepartmentPath,
  validateImportRows,
  type ImportField,
} from '@shared/rules/member-csv';
import { authorize, loadActor, type Actor } from '../access';
import { appendAuditMany, type AuditRecord } from '../audit';
import type { KdfParams } from '../auth';
import { Effects } from '../groups/membership';
import type { Logger } from '../logger';
import type { Pushes } from '../realtime';
import type { Db } from '../storage';
import { isUniqueViolation, toInt } from '../storage';
import { syncDepartmentGroups } from './department-sync';
import { generateInitialPassword, hashInitialPassword, insertMember } from './member-store';

/**
 * `org:import:batch` — one all-or-nothing batch of CSV rows (issue 5 point 6).
 *
 * The rows are validated again here, whatever the client checked: the shared row checks
 * (`validateImportRows`), then what needs the database — the employee id already used in the
 * organization (by anyone, offboarded members included: ids are never reused), and the department
 * path resolved from the root's children down by Chinese or English name. Any error: nothing is
 * written and every bad row is reported. Else, in one transaction holding the org-chart lock (the
 * same one every chart edit takes): each member created (account = the employee id in lower case,
 * `-2`, `-3`… appended when that account is taken), an audit entry per member plus one for the
 * batch, the department groups synced, `chart_version` bumped; `org:changed` is pushed after commit.
 *
 * Initial passwords are hashed before the transaction opens, two at a time so sign-ins still find
 * a free libuv thread, and at a reduced cost (`initialPasswordKdf`): at the server's default cost a
 * 200-row batch took 30 s on the 2-core test machine — far past the client's 10 s request timeout,
 * so the admin would see a failure for a batch that landed. The reduced cost is safe because these
 * passwords are random (12 characters of 55: ≈ 69 bits), so stretching adds nothing an attacker
 * would notice; it exists for guessable human passwords. The first sign-in re-hashes the password
 * at the server's cost (AuthService.upgradeHashIfWeak), and members change it anyway.
 */

export type ImportBatchResponse = SocketResponse<'org:import:batch'>;

export interface ImportDeps {
  db: Db;
  pushes: Pushes;
  logger: Logger;
  /** The server's configured password KDF (AuthService hashes with the same). */
  kdf: KdfParams;
  /** Hashes computed at once (libuv's pool has 4 threads by default). */
  hashConcurrency?: number;
}

interface PlannedMember {
  row: ImportRow;
  departmentId: string;
  account: string;
}

type Plan = { ok: true; members: PlannedMember[] } | { ok: false; errors: ImportRowError[] };

interface DepartmentRow {
  id: string;
  parent_id: string | null;
  name: string;
  name_en: string | null;
}

const FIELD_ORDER: readonly ImportField[] = MEMBER_CSV_COLUMNS.map((c) => c.field);
const fieldRank = (f: ImportRowError['field']): number => (f === 'row' ? -1 : FIELD_ORDER.indexOf(f));

const trimRow = (r: ImportRow): ImportRow => ({
  line: r.line,
  employeeId: r.employeeId.trim(),
  name: r.name.trim(),
  nameEn: r.nameEn.trim(),
  mobile: r.mobile.trim(),
  departmentPath: r.departmentPath.trim(),
  title: r.title.trim(),
  email: r.email.trim(),
});

const orNull = (s: string): string | null => (s === '' ? null : s);

/** Resolves `研发中心/平台部` (or `R&D Center/Platform`) below the root; the root's own name may lead the path. */
export class DepartmentResolver {
  private readonly children = new Map<string | null, DepartmentRow[]>();
  private readonly root: DepartmentRow | undefined;

  constructor(rows: readonly DepartmentRow[]) {
    for (const r of rows) {
      const list = this.children.get(r.parent_id) ?? [];
      list.push(r);
      this.children.set(r.parent_id, list);
    }
    this.root = this.children.get(null)?.[0];
  }

  private static matches(d: DepartmentRow, part: string): boolean {
    return d.name === part || (d.name_en !== null && d.name_en.toLowerCase() === part.toLowerCase());
  }

  private walk(from: DepartmentRow, parts: readonly string[]): { id: string } | { problem: string } {
    let at = from;
    const seen: string[] = [];
    for (const part of parts) {
      const found = (this.children.get(at.id) ?? []).filter((d) => DepartmentResolver.matches(d, part));
      const where = seen.length === 0 ? 'at the top level' : `under "${seen.join('/')}"`;
      if (found.length === 0) return { problem: `there is no department "${part}" ${where}` };
      if (found.length > 1) return { problem: `${found.length} departments are called "${part}" ${where}; rename one first` };
      at = found[0]!;
      seen.push(part);
    }
    return { id: at.id };
  }

  resolve(path: string): { id: string } | { problem: string } {
    if (!this.root) return { problem: 'the organization has no department tree' };
    const parts = splitDepartmentPath(path);
    const below = this.walk(this.root, parts);
    if ('id' in below || !DepartmentResolver.matches(this.root, parts[0] ?? '')) return below;
    // `总部/研发中心`: a path that starts with the root's own name.
    return parts.length === 1 ? { id: this.root.id } : this.walk(this.root, parts.slice(1));
  }
}

/**
 * Everything the database must say about the rows: ids already in the org, departments, free
 * accounts. Run once before hashing (cheap refusal) and again inside the transaction, under the
 * lock, where its answer is the one that counts.
 */
const planImport = async (db: Db, orgId: string, rows: readonly ImportRow[]): Promise<Plan> => {
  const errors = validateImportRows(rows);
  const bad = new Set(errors.map((e) => `${e.line}:${e.field}`));

  const keys = rows.filter((r) => !bad.has(`${r.line}:employeeId`)).map((r) => employeeIdKey(r.employeeId));
  const existing = await db.query<{ key: string; employee_id: string; name: string; account: string; status: string }>(
    `select lower(employee_id) as key, employee_id, name, account, status from members
      where org_id = $1 and lower(employee_id) = any($2::text[])`,
    [orgId, keys],
  );
  const inOrg = new Map(existing.map((m) => [m.key, m]));
  const resolver = new DepartmentResolver(
    await db.query<DepartmentRow>('select id, parent_id, name, name_en from departments where org_id = $1', [orgId]),
  );

  const departmentOf = new Map<number, string>();
  for (const r of rows) {
    if (!bad.has(`${r.line}:employeeId`)) {
      const m = inOrg.get(employeeIdKey(r.employeeId));
      if (m) {
        const who = `${m.name} (${m.account}${m.status === 'offboarded' ? ', offboarded' : ''})`;
        errors.push({
          line: r.line,
          field: 'employeeId',
          code: 'duplicate_in_org',
          message: `line ${r.line}: the employee id ${r.employeeId} already belongs to ${who} in this organization`,
        });
      }
    }
    if (!bad.has(`${r.line}:departmentPath`)) {
      const d = resolver.resolve(r.departmentPath);
      if ('id' in d) departmentOf.set(r.line, d.id);
      else {
        errors.push({
          line: r.line,
          field: 'departmentPath',
          code: 'unknown_department',
          message: `line ${r.line}: unknown department "${r.departmentPath}": ${d.problem}`,
        });
      }
    }
  }
  if (errors.length > 0) {
    errors.sort((a, b) => a.line - b.line || fieldRank(a.field) - fieldRank(b.field));
    return { ok: false, errors };
  }

  const accounts = await freeAccounts(db, orgId, rows.map((r) => employeeIdKey(r.employeeId)));
  return { ok: true, members: rows.map((row, i) => ({ row, departmentId: departmentOf.get(row.line)!, account: accounts[i]! })) };
};

/** The account for each base (the lower-case employee id): the base itself, else `base-2`, `base-3`… — unique in the org and the batch. */
const freeAccounts = async (db: Db, orgId: string, bases: readonly string[]): Promise<string[]> => {
  const SUFFIXES = 20;
  const optionsOf = (b: string): string[] => [b, ...Array.from({ length: SUFFIXES - 1 }, (_, i) => `${b}-${i + 2}`)];
  const candidates = bases.flatMap(optionsOf);
  const rows = await db.query<{ account: string }>('select account from members where org_id = $1 and account = any($2::text[])', [
    orgId,
    candidates,
  ]);
  const taken = new Set(rows.map((r) => r.account));
  // Each row's own base is reserved for it: `e1` keeps its account even when another row needs `e1-2`.
  const reserved = new Set(bases);
  const used = new Set<string>();
  return bases.map((b) => {
    const pick = optionsOf(b).find((a) => !taken.has(a) && !used.has(a) && (a === b || !reserved.has(a)));
    if (!pick) {
      const message = `No free account for employee id ${b}: ${b} to ${b}-${SUFFIXES} are all taken`;
      throw new MusterError('conflict', message, { field: 'employeeId' });
    }
    used.add(pick);
    return pick;
  });
};

/** scrypt N for the random initial passwords of imported members (see above): ~4 ms a hash instead of ~60–160 ms. */
export const INITIAL_PASSWORD_MAX_N = 2 ** 12;
export const initialPasswordKdf = (kdf: KdfParams): KdfParams => ({ ...kdf, N: Math.min(kdf.N, INITIAL_PASSWORD_MAX_N) });

/** Runs `fn` over `items` with at most `limit` at once, results in order. */
const mapLimit = async <T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> => {
  const out = new Array<R>(items.length);
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

export class MemberImporter {
  constructor(private readonly deps: ImportDeps) {}

  async importBatch(memberId: string, orgId: string, input: readonly ImportRow[]): Promise<ImportBatchResponse> {
    const { db } = this.deps;
    const actor = await loadActor(db, memberId, orgId);
    authorize('org.member.import', { orgRole: actor.orgRole });
    const rows = input.map(trimRow);
    const lines = new Set(rows.map((r) => r.line));
    if (lines.size !== rows.length) {
      throw new MusterError('bad_request', 'Each row of a batch must have its own line number', { field: 'line' });
    }

    // Cheap refusal first: no hashing for a batch that cannot land.
    const first = await planImport(db, orgId, rows);
    if (!first.ok) return { imported: false, errors: first.errors };

    const passwords = rows.map(() => generateInitialPassword());
    const kdf = initialPasswordKdf(this.deps.kdf);
    const hashes = await mapLimit(passwords, this.deps.hashConcurrency ?? 2, (p) => hashInitialPassword(p, kdf));

    const effects = new Effects();
    let outcome: ImportBatchResponse;
    try {
      outcome = await db.transaction(async (tx) => {
        // Serialised with every org-chart edit and every other import of the organization.
        await tx.query(`select pg_advisory_xact_lock(hashtext('org-chart:' || $1::text))`, [orgId]);
        const plan = await planImport(tx, orgId, rows);
        if (!plan.ok) return { imported: false as const, errors: plan.errors };
        return { imported: true as const, ...(await this.write(tx, effects, actor, plan.members, passwords, hashes)) };
      });
    } catch (e) {
      // Only a member created outside the lock (an admin's single create) in the same instant gets here.
      if (isUniqueViolation(e, 'members_org_employee_id_key') || isUniqueViolation(e, 'members_org_account_key')) {
        const message = 'A member with one of these employee ids was created at the same moment; import the batch again';
        throw new MusterError('conflict', message, { field: 'employeeId' });
      }
      throw e;
    }
    await effects.flush({ db, pushes: this.deps.pushes, logger: this.deps.logger });
    return outcome;
  }

  private async write(
    tx: Db,
    effects: Effects,
    actor: Actor,
    planned: readonly PlannedMember[],
    passwords: readonly string[],
    hashes: readonly string[],
  ): Promise<{ created: number; members: { line: number; id: string; account: string; initialPassword: string }[] }> {
    const orgId = actor.orgId;
    const auditActor = { id: actor.id, name: actor.name, nameEn: actor.nameEn };
    const orgName = (await tx.query<{ name: string }>('select name from orgs where id = $1', [orgId]))[0]?.name ?? orgId;
    // The batch, then one entry per member; written together once the members exist.
    const entries: AuditRecord[] = [];
    entries.push({
      orgId,
      actor: auditActor,
      action: 'org.member.import',
      targetType: 'org',
      targetId: orgId,
      targetLabel: orgName,
      after: { created: planned.length, lines: planned.map((p) => p.row.line), accounts: planned.map((p) => p.account) },
    });
    const members: { line: number; id: string; account: string; initialPassword: string }[] = [];
    for (const [i, p] of planned.entries()) {
      const r = p.row;
      const fields = {
        account: p.account,
        name: r.name,
        nameEn: orNull(r.nameEn),
        employeeId: r.employeeId,
        mobile: orNull(r.mobile),
        email: orNull(r.email),
        title: orNull(r.title),
      };
      const id = await insertMember(tx, {
        orgId,
        ...fields,
        role: 'employee',
        kind: 'employee',
        hidden: false,
        restrictedView: false,
        realNameVerified: false,
        departmentIds: [p.departmentId],
        primaryDepartmentId: p.departmentId,
        passwordHash: hashes[i]!,
      });
      entries.push({
        orgId,
        actor: auditActor,
        action: 'org.member.create',
        targetType: 'member',
        targetId: id,
        targetLabel: r.name,
        after: {
          ...fields,
          role: 'employee',
          kind: 'employee',
          departmentIds: [p.departmentId],
          primaryDepartmentId: p.departmentId,
          source: 'import',
          line: r.line,
        },
      });
      members.push({ line: r.line, id, account: p.account, initialPassword: passwords[i]! });
    }
    // Audit last: group edits lock a group and then the audit chain, so taking the audit lock before
    // the sync locks groups would invite a deadlock.
    await syncDepartmentGroups(tx, effects, orgId, undefined, 'import');
    await appendAuditMany(tx, entries);
    const bumped = await tx.query<{ v: number | string }>(
      'update orgs set chart_version = chart_version + 1 where id = $1 returning chart_version as v',
      [orgId],
    );
    const version = toInt(bumped[0]!.v);
    effects.add(({ pushes }) => pushes.toOrg(orgId, 'org:changed', { version }));
    return { created: members.length, members };
  }
}

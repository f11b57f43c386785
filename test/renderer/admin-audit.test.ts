import { describe, expect, it } from 'vitest';
import { socketRequests } from '@shared/contract';
import { auditFileName, changeLines, dayBoundary, EMPTY_AUDIT_FILTER, toAuditFilter, verifyProblem } from '../../src/renderer/features/admin/audit-format';

describe('audit log filters', () => {
  it('an empty form asks for everything', () => {
    expect(toAuditFilter(EMPTY_AUDIT_FILTER)).toEqual({ ok: true, filter: {} });
  });

  it('dates are local calendar days, both ends included, and the result is a valid audit:list request', () => {
    const checked = toAuditFilter({ ...EMPTY_AUDIT_FILTER, from: '2026-03-01', to: '2026-03-01', action: '  org.member.create ', targetType: 'member' });
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    const { from, to } = checked.filter;
    expect(new Date(from!).getTime()).toBe(new Date(2026, 2, 1).getTime());
    expect(new Date(to!).getTime()).toBe(new Date(2026, 2, 2).getTime() - 1);
    expect(checked.filter.action).toBe('org.member.create');
    expect(socketRequests['audit:list'].request.safeParse({ filter: checked.filter }).success).toBe(true);
  });

  it('a range that ends before it starts is refused before asking the server; malformed days are ignored', () => {
    expect(toAuditFilter({ ...EMPTY_AUDIT_FILTER, from: '2026-03-02', to: '2026-03-01' })).toEqual({ ok: false, problem: 'range' });
    expect(dayBoundary('03/01/2026', false)).toBeNull();
    expect(toAuditFilter({ ...EMPTY_AUDIT_FILTER, from: 'yesterday' })).toEqual({ ok: true, filter: {} });
  });
});

describe('audit entry before → after', () => {
  it('lists only the keys that changed', () => {
    expect(changeLines({ before: { name: '前端组', nameEn: 'FE', sort: 1 }, after: { name: '前端组', nameEn: 'Frontend', sort: 1 } })).toEqual([
      { key: 'nameEn', before: 'FE', after: 'Frontend' },
    ]);
  });

  it('a creation shows every key of the new side; a removal every key of the old one', () => {
    expect(changeLines({ before: null, after: { name: '王一', title: null } })).toEqual([
      { key: 'name', before: null, after: '王一' },
      { key: 'title', before: null, after: '—' },
    ]);
    expect(changeLines({ before: { role: 'admin' }, after: null })).toEqual([{ key: 'role', before: 'admin', after: null }]);
  });

  it('lists and nested values are shown, not "[object Object]"', () => {
    const lines = changeLines({ before: { memberIds: [] }, after: { memberIds: ['a', 'b'], settings: { muteAll: true } } });
    expect(lines).toEqual([
      { key: 'memberIds', before: '', after: 'a, b' },
      { key: 'settings', before: null, after: '{"muteAll":true}' },
    ]);
    expect(changeLines({ before: 'x', after: 'y' })).toEqual([{ key: '', before: 'x', after: 'y' }]);
    expect(changeLines({ before: null, after: null })).toEqual([]);
  });
});

describe('chain verification and export', () => {
  it('reads the kind of break from the server’s reasons', () => {
    // The reasons src/server/audit/service.ts gives.
    expect(verifyProblem('gap in seq: 7 (the chain goes from 6 to 8)')).toBe('gap');
    expect(verifyProblem("prev-hash mismatch: entry 8 does not point at entry 7's hash (an entry before it was replaced, or rows were reordered)")).toBe('link');
    expect(verifyProblem('hash mismatch: entry 8 was changed after it was written')).toBe('hash');
    expect(verifyProblem(null)).toBe('other');
  });

  it('names the export after the local time', () => {
    expect(auditFileName(new Date(2026, 0, 5, 9, 7))).toBe('muster-audit-20260105-0907.csv');
  });
});

import type { FeatureHandlers } from '../realtime';
import { MemberImporter, type ImportDeps } from './import';

/** `org:import:batch`: one all-or-nothing batch of CSV member rows (see import.ts). */
export const importHandlers = (deps: ImportDeps): FeatureHandlers => {
  const importer = new MemberImporter(deps);
  return {
    'org:import:batch': (ctx, req) => importer.importBatch(ctx.memberId, ctx.orgId, req.rows),
  };
};

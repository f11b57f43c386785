export { appendAudit, appendAuditMany, type AuditRecord } from './writer';
export { canonicalJson, entryHash, GENESIS_HASH, type ChainFields } from './chain';
export { AUDIT_CSV_HEADER, AUDIT_EXPORT_MAX_ROWS, exportAudit, listAudit, verifyChain, type ChainReport } from './service';
export { auditHandlers } from './handlers';

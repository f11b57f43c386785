export { appendAudit, type AuditRecord } from './writer';
export { canonicalJson, entryHash, GENESIS_HASH, type ChainFields } from './chain';

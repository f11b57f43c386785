import type { Migration } from '../storage/migration';

/**
 * The audit log: one hash chain per organization. Each entry commits to the previous entry's hash,
 * so editing, deleting or reordering rows is detectable (`npm run audit:verify`). Actor and target
 * are copied as text: the log outlives the rows it talks about.
 */
export const AUDIT_MIGRATIONS: readonly Migration[] = [
  {
    version: 6,
    name: 'hash-chained audit log',
    sql: `
      create table audit_log (
        org_id uuid not null references orgs(id) on delete cascade,
        seq bigint not null check (seq > 0),
        at timestamptz not null,
        actor_id uuid,
        actor_name text,
        actor_name_en text,
        action text not null,
        target_type text not null,
        target_id text not null,
        target_label text not null,
        before jsonb,
        after jsonb,
        prev_hash text not null,
        hash text not null,
        primary key (org_id, seq)
      );
      create index audit_log_actor_idx on audit_log(org_id, actor_id);
      create index audit_log_target_idx on audit_log(org_id, target_type, target_id);
    `,
  },
];

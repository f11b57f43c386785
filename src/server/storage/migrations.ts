/**
 * The schema, as an ordered list of versioned steps. Never edit a released step: append a new one.
 * Every step runs in its own transaction (see migrate.ts), so a failing step leaves no trace.
 */
import type { Migration } from './migration';
import { ORG_MIGRATIONS } from '../org/migrations';
import { GROUP_MIGRATIONS } from '../groups/migrations';
import { AUDIT_MIGRATIONS } from '../audit/migrations';
import { JOINING_MIGRATIONS } from '../joining/migrations';
import { INVITE_MIGRATIONS } from '../invites/migrations';

export type { Migration };

/** The foundation's steps; later steps live with the feature that owns them (see MIGRATIONS). */
const CORE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'organizations, members, groups, messages, sessions',
    sql: `
      create table orgs (
        id uuid primary key default gen_random_uuid(),
        slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
        name text not null,
        name_en text,
        created_at timestamptz not null default now()
      );

      create table departments (
        id uuid primary key default gen_random_uuid(),
        org_id uuid not null references orgs(id) on delete cascade,
        parent_id uuid references departments(id) on delete cascade,
        name text not null,
        name_en text,
        sort int not null default 0
      );
      create index departments_org_idx on departments(org_id);
      create index departments_parent_idx on departments(parent_id);

      create table members (
        id uuid primary key default gen_random_uuid(),
        org_id uuid not null references orgs(id) on delete cascade,
        -- stored lower-case so sign-in is case-insensitive without a functional index
        account text not null check (account = lower(account) and length(account) between 1 and 64),
        name text not null,
        name_en text,
        title text,
        role text not null check (role in ('super_admin', 'dept_head', 'employee')),
        department_id uuid references departments(id) on delete set null,
        password_hash text not null,
        hidden boolean not null default false,
        created_at timestamptz not null default now(),
        constraint members_org_account_key unique (org_id, account)
      );
      create index members_department_idx on members(department_id);

      -- the head is a member, so the column is added once members exists
      alter table departments add column head_id uuid references members(id) on delete set null;

      create table groups (
        id uuid primary key default gen_random_uuid(),
        org_id uuid not null references orgs(id) on delete cascade,
        name text not null check (length(name) between 1 and 100),
        type text not null check (type in ('internal', 'external', 'department', 'training')),
        owner_id uuid references members(id) on delete set null,
        -- set for department groups: the leaf department whose members it mirrors
        department_id uuid references departments(id) on delete set null,
        last_seq int not null default 0 check (last_seq >= 0),
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );
      create index groups_org_idx on groups(org_id);

      create table group_members (
        group_id uuid not null references groups(id) on delete cascade,
        member_id uuid not null references members(id) on delete cascade,
        role text not null check (role in ('owner', 'admin', 'member')),
        joined_at timestamptz not null default now(),
        last_read_seq int not null default 0 check (last_read_seq >= 0),
        primary key (group_id, member_id)
      );
      create index group_members_member_idx on group_members(member_id);

      create table messages (
        id uuid primary key default gen_random_uuid(),
        group_id uuid not null references groups(id) on delete cascade,
        seq int not null check (seq > 0),
        sender_id uuid references members(id) on delete set null,
        kind text not null check (kind in ('text', 'system')),
        body text not null,
        client_id uuid,
        created_at timestamptz not null default now(),
        constraint messages_group_seq_key unique (group_id, seq),
        -- idempotency of sends: one stored message per (sender, client-chosen id)
        constraint messages_sender_client_key unique (sender_id, client_id)
      );

      create table refresh_tokens (
        id uuid primary key default gen_random_uuid(),
        member_id uuid not null references members(id) on delete cascade,
        -- every token issued from one sign-in shares a family; reuse of a rotated token kills it
        family_id uuid not null,
        token_hash text not null unique,
        expires_at timestamptz not null,
        revoked_at timestamptz,
        revoke_reason text check (revoke_reason in ('rotated', 'signed_out', 'reuse_detected', 'expired')),
        replaced_by uuid references refresh_tokens(id) on delete set null,
        created_at timestamptz not null default now(),
        device_name text,
        device_platform text
      );
      create index refresh_tokens_family_idx on refresh_tokens(family_id);
      create index refresh_tokens_member_idx on refresh_tokens(member_id);

      -- sign-in throttling; key is 'account:<org>:<account>' or 'ip:<address>'
      create table sign_in_failures (
        id bigserial primary key,
        key text not null,
        failed_at timestamptz not null
      );
      create index sign_in_failures_key_idx on sign_in_failures(key, failed_at);

      -- shared by every node: the access-token signing key lives here
      create table server_secrets (
        name text primary key,
        value text not null,
        created_at timestamptz not null default now()
      );
    `,
  },
  {
    version: 2,
    name: 'group members belong to the group organization',
    // A membership carries its org and points at (group, org) and (member, org) together, so a
    // member of one organization can never be written into another organization's group, by any
    // code path. Moving a member or a group to another org is refused while memberships exist.
    sql: `
      alter table groups add constraint groups_id_org_key unique (id, org_id);
      alter table members add constraint members_id_org_key unique (id, org_id);
      alter table group_members add column org_id uuid;
      update group_members gm set org_id = g.org_id from groups g where g.id = gm.group_id;
      alter table group_members alter column org_id set not null;
      alter table group_members add constraint group_members_group_org_fkey
        foreign key (group_id, org_id) references groups(id, org_id) on delete cascade;
      alter table group_members add constraint group_members_member_org_fkey
        foreign key (member_id, org_id) references members(id, org_id) on delete cascade;
    `,
  },
  {
    version: 3,
    name: 'superseded refresh tokens',
    // 'superseded': a replacement that was never used, revoked when its predecessor was presented
    // again within the rotation grace period (a lost response). Presenting it later is reuse.
    sql: `
      alter table refresh_tokens drop constraint refresh_tokens_revoke_reason_check;
      alter table refresh_tokens add constraint refresh_tokens_revoke_reason_check
        check (revoke_reason in ('rotated', 'superseded', 'signed_out', 'reuse_detected', 'expired'));
      create index refresh_tokens_expires_idx on refresh_tokens(expires_at);
    `,
  },
];

/**
 * Every step, in version order. Each feature folder owns its migrations; versions are global and
 * must never collide (migrate() refuses a list that is not strictly increasing).
 */
export const MIGRATIONS: readonly Migration[] = [...CORE_MIGRATIONS, ...ORG_MIGRATIONS, ...GROUP_MIGRATIONS, ...AUDIT_MIGRATIONS, ...INVITE_MIGRATIONS, ...JOINING_MIGRATIONS].sort(
  (a, b) => a.version - b.version,
);

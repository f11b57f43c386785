import type { Migration } from '../storage/migration';

/**
 * The organization's schema (issue: organization, groups and roles).
 * - members gain employee id (unique in the org), mobile, email, kind (employee / guest),
 *   restricted-view, real-name-verified and an offboarded state (rows are never deleted: what
 *   they wrote stays attributed);
 * - a member belongs to one or more departments, exactly one primary (member_departments,
 *   replacing members.department_id);
 * - departments and heads stay inside their organization (composite foreign keys);
 * - orgs.chart_version counts org-chart changes, so clients refetch only when it moved.
 */
export const ORG_MIGRATIONS: readonly Migration[] = [
  {
    version: 4,
    name: 'org chart: member fields, several departments, guests, offboarding',
    sql: `
      alter table orgs add column chart_version bigint not null default 0;

      alter table members
        add column employee_id text check (employee_id is null or length(employee_id) between 1 and 32),
        add column mobile text check (mobile is null or length(mobile) between 5 and 20),
        add column email text check (email is null or length(email) <= 254),
        add column kind text not null default 'employee' check (kind in ('employee', 'guest')),
        add column restricted_view boolean not null default false,
        add column real_name_verified boolean not null default false,
        add column status text not null default 'active' check (status in ('active', 'offboarded')),
        add column offboarded_at timestamptz,
        add column updated_at timestamptz not null default now();
      alter table members add constraint members_offboarded_check check ((status = 'offboarded') = (offboarded_at is not null));
      create unique index members_org_employee_id_key on members(org_id, employee_id) where employee_id is not null;
      -- group_members points at (id, kind) so a guest can never sit in an internal group (groups migration)
      alter table members add constraint members_id_kind_key unique (id, kind);

      alter table departments add constraint departments_id_org_key unique (id, org_id);
      alter table departments add constraint departments_parent_org_fkey
        foreign key (parent_id, org_id) references departments(id, org_id);
      alter table departments add constraint departments_head_org_fkey
        foreign key (head_id, org_id) references members(id, org_id);
      alter table departments add constraint departments_not_own_parent check (parent_id is null or parent_id <> id);
      alter table departments add constraint departments_name_check check (length(name) between 1 and 64);
      create unique index departments_one_root on departments(org_id) where parent_id is null;

      create table member_departments (
        member_id uuid not null,
        department_id uuid not null,
        org_id uuid not null,
        is_primary boolean not null default false,
        joined_at timestamptz not null default now(),
        primary key (member_id, department_id),
        foreign key (member_id, org_id) references members(id, org_id) on delete cascade,
        foreign key (department_id, org_id) references departments(id, org_id) on delete cascade
      );
      create unique index member_departments_one_primary on member_departments(member_id) where is_primary;
      create index member_departments_department_idx on member_departments(department_id);
      insert into member_departments (member_id, department_id, org_id, is_primary, joined_at)
        select id, department_id, org_id, true, created_at from members where department_id is not null;
      alter table members drop column department_id;
    `,
  },
  {
    version: 7,
    name: 'offboarding revokes sessions; org-chart lookups',
    // 'offboarded': every refresh token of an offboarded member is revoked with this reason (the
    // client is told its session was revoked). The indexes serve the department sync and the chart.
    sql: `
      alter table refresh_tokens drop constraint refresh_tokens_revoke_reason_check;
      alter table refresh_tokens add constraint refresh_tokens_revoke_reason_check
        check (revoke_reason in ('rotated', 'superseded', 'signed_out', 'reuse_detected', 'expired', 'offboarded'));
      create index member_departments_org_idx on member_departments(org_id);
      create index departments_head_idx on departments(head_id) where head_id is not null;
    `,
  },
];

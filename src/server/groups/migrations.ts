import type { Migration } from '../storage/migration';

/**
 * Groups as the domain describes them: caps, avatar colour, announcement, settings, dissolving,
 * bans, how each membership came about, structured system messages, and external-group requests
 * that wait for a super admin.
 *
 * Guests only in external or training groups is enforced by the database: every membership row
 * copies the member's kind and the group's type through foreign keys that follow updates
 * (`on update cascade`; filled on insert by a trigger), and a check refuses a guest in any other
 * type — whichever side changes.
 */
export const GROUP_MIGRATIONS: readonly Migration[] = [
  {
    version: 5,
    name: 'groups: caps, settings, announcement, bans, guests only in external or training groups',
    sql: `
      alter table groups
        add column avatar_color text not null default 'blue'
          check (avatar_color in ('blue', 'green', 'orange', 'purple', 'red', 'teal', 'indigo', 'gray')),
        add column member_cap int not null default 500,
        add column join_verification text not null default 'none' check (join_verification in ('none', 'approval', 'real_name', 'face')),
        add column searchable boolean not null default false,
        add column only_admins_invite boolean not null default false,
        add column mute_all boolean not null default false,
        add column at_all text not null default 'admins' check (at_all in ('everyone', 'admins', 'owner')),
        add column newcomer_history text not null default 'last100' check (newcomer_history in ('last100', 'none')),
        add column announcement text check (announcement is null or length(announcement) <= 2000),
        add column announcement_by uuid references members(id) on delete set null,
        add column announcement_at timestamptz,
        add column status text not null default 'active' check (status in ('active', 'dissolved')),
        add column dissolved_at timestamptz,
        add column dissolved_by uuid references members(id) on delete set null,
        add column created_by uuid references members(id) on delete set null,
        -- the creator's primary department at creation: department heads manage groups created under them
        add column home_department_id uuid references departments(id) on delete set null;
      update groups set member_cap = case type when 'external' then 500 else 2000 end;
      alter table groups add constraint groups_member_cap_check
        check (member_cap between 1 and (case type when 'external' then 500 else 2000 end));
      alter table groups add constraint groups_id_type_key unique (id, type);
      -- one department group per department
      create unique index groups_department_key on groups(department_id) where department_id is not null and status = 'active';

      alter table group_members
        add column member_kind text,
        add column group_type text,
        add column muted boolean not null default false,
        add column join_source text not null default 'added'
          check (join_source in ('created', 'added', 'department', 'qr', 'link', 'directory', 'approval')),
        add column added_by uuid references members(id) on delete set null;
      update group_members gm set member_kind = m.kind from members m where m.id = gm.member_id;
      update group_members gm set group_type = g.type from groups g where g.id = gm.group_id;
      alter table group_members alter column member_kind set not null;
      alter table group_members alter column group_type set not null;
      -- Writers never supply the copies: they are taken from the member and the group on insert,
      -- so no code path can pass a wrong one.
      create function group_members_copy_kind_type() returns trigger language plpgsql as $fn$
      begin
        select kind into new.member_kind from members where id = new.member_id;
        select type into new.group_type from groups where id = new.group_id;
        return new;
      end
      $fn$;
      create trigger group_members_copy_kind_type before insert on group_members
        for each row execute function group_members_copy_kind_type();
      alter table group_members add constraint group_members_member_kind_fkey
        foreign key (member_id, member_kind) references members(id, kind) on update cascade on delete cascade;
      alter table group_members add constraint group_members_group_type_fkey
        foreign key (group_id, group_type) references groups(id, type) on update cascade on delete cascade;
      alter table group_members add constraint group_members_guest_check
        check (member_kind = 'employee' or group_type in ('external', 'training'));
      create unique index group_members_one_owner on group_members(group_id) where role = 'owner';

      create table group_bans (
        group_id uuid not null,
        member_id uuid not null,
        org_id uuid not null,
        banned_by uuid references members(id) on delete set null,
        created_at timestamptz not null default now(),
        primary key (group_id, member_id),
        foreign key (group_id, org_id) references groups(id, org_id) on delete cascade,
        foreign key (member_id, org_id) references members(id, org_id) on delete cascade
      );

      alter table messages add column system jsonb;

      create table group_requests (
        id uuid primary key default gen_random_uuid(),
        org_id uuid not null references orgs(id) on delete cascade,
        requester_id uuid not null,
        kind text not null default 'create_external' check (kind in ('create_external')),
        name text not null check (length(name) between 1 and 100),
        member_ids uuid[] not null,
        settings jsonb not null default '{}'::jsonb,
        avatar_color text,
        status text not null default 'pending' check (status in ('pending', 'approved', 'rejected')),
        decided_by uuid references members(id) on delete set null,
        decided_at timestamptz,
        group_id uuid references groups(id) on delete set null,
        created_at timestamptz not null default now(),
        foreign key (requester_id, org_id) references members(id, org_id) on delete cascade
      );
      create index group_requests_org_status_idx on group_requests(org_id, status);
    `,
  },
  {
    version: 8,
    name: 'groups: the last message seq when a member joined (newcomers see the last 100 messages or nothing)',
    // Written by addMemberships (the one path by which people join an existing group) from the
    // locked group's last_seq. Rows written otherwise — a group's creator, the demo seed, memberships
    // from before this version — keep 0: the whole history.
    sql: `alter table group_members add column joined_seq int not null default 0 check (joined_seq >= 0);`,
  },
  {
    version: 10,
    name: 'departments whose group was closed get no new department group',
    // Closing a department group (groups:closeDepartmentSync) turns it into an ordinary group; without
    // this flag the next sync would find the department group-less and create a second one.
    sql: `alter table departments add column group_sync_closed boolean not null default false;`,
  },
];

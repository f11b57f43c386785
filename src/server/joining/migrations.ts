import type { Migration } from '../storage/migration';

/**
 * Joining (issue 6): how each membership came about, join requests for approval groups, and the
 * record of departures (a person removed from a group may only ask to come back).
 */
export const JOINING_MIGRATIONS: readonly Migration[] = [
  {
    version: 12,
    name: 'joining: membership provenance (joined_via, shared_by, added_by), join requests, group departures',
    sql: `
      -- Provenance. Version 5 recorded a join_source of its own; it becomes joined_via with the
      -- contract's values (JoinVia): one column, not two that could disagree. 'approval' is 'request'.
      alter table group_members rename column join_source to joined_via;
      alter table group_members drop constraint group_members_join_source_check;
      update group_members set joined_via = 'request' where joined_via = 'approval';
      -- Rows written before anyone recorded a source carry the default 'added': the owner of a group
      -- created it (a department group's were put there by the sync), members of a department group
      -- nobody added came from the sync.
      update group_members gm set joined_via = case when g.department_id is not null then 'department' else 'created' end
        from groups g
       where g.id = gm.group_id and gm.joined_via = 'added' and gm.role = 'owner' and gm.added_by is null;
      update group_members gm set joined_via = 'department'
        from groups g
       where g.id = gm.group_id and g.type = 'department' and gm.joined_via = 'added' and gm.added_by is null;
      -- Whoever created a group put its founding owner there.
      update group_members gm set added_by = g.created_by
        from groups g
       where g.id = gm.group_id and gm.joined_via = 'created' and gm.added_by is null and g.created_by is not null;
      alter table group_members add constraint group_members_joined_via_check
        check (joined_via in ('created', 'added', 'qr', 'link', 'live', 'directory', 'department', 'import', 'request'));
      -- Who shared the QR code / link / live code the member came in through (null otherwise).
      alter table group_members add column shared_by uuid references members(id) on delete set null;

      create table join_requests (
        id uuid primary key default gen_random_uuid(),
        org_id uuid not null references orgs(id) on delete cascade,
        group_id uuid not null,
        requester_id uuid not null,
        message text not null default '' check (length(message) <= 200),
        via text not null check (via in ('created', 'added', 'qr', 'link', 'live', 'directory', 'department', 'import', 'request')),
        shared_by uuid references members(id) on delete set null,
        reason text not null check (reason in ('approval', 'face_unavailable', 'removed')),
        status text not null default 'pending' check (status in ('pending', 'approved', 'rejected', 'cancelled')),
        created_at timestamptz not null default now(),
        decided_by uuid references members(id) on delete set null,
        decided_at timestamptz,
        check ((status = 'pending') = (decided_at is null)),
        foreign key (group_id, org_id) references groups(id, org_id) on delete cascade,
        foreign key (requester_id, org_id) references members(id, org_id) on delete cascade
      );
      -- At most one waiting request per person and group, whatever races.
      create unique index join_requests_one_pending on join_requests(group_id, requester_id) where status = 'pending';
      create index join_requests_group_status_idx on join_requests(group_id, status, created_at);
      create index join_requests_requester_idx on join_requests(requester_id, created_at);

      -- Every time someone leaves a group, and why. History, not state: the latest row of a
      -- (group, member) pair says how they last went.
      create table group_departures (
        id uuid primary key default gen_random_uuid(),
        org_id uuid not null,
        group_id uuid not null,
        member_id uuid not null,
        reason text not null check (reason in ('left', 'removed', 'banned', 'dissolved', 'offboarded', 'department')),
        by_id uuid references members(id) on delete set null,
        at timestamptz not null default clock_timestamp(),
        foreign key (group_id, org_id) references groups(id, org_id) on delete cascade,
        foreign key (member_id, org_id) references members(id, org_id) on delete cascade
      );
      create index group_departures_group_member_idx on group_departures(group_id, member_id, at desc);
      create index group_departures_member_idx on group_departures(member_id, at desc);
      -- Departures from before this version, as the groups' system messages tell them (removed,
      -- banned, left — the sync's and offboarding's removals were announced as 'left'). Who was in a
      -- group dissolved before this version is not known any more.
      insert into group_departures (org_id, group_id, member_id, reason, by_id, at)
      select g.org_id, m.group_id, t.id, case m.system->>'type' when 'member_removed' then 'removed' when 'member_banned' then 'banned' else 'left' end,
             (select a.id from members a where a.id::text = m.system->'actor'->>'id'), m.created_at
        from messages m
        join groups g on g.id = m.group_id
        join members t on t.id::text = m.system->'targets'->0->>'id' and t.org_id = g.org_id
       where m.kind = 'system' and m.system->>'type' in ('member_removed', 'member_banned', 'member_left');
    `,
  },
];

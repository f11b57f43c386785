import type { Migration } from '../storage/migration';

/**
 * Invites (issue 6): the organizations' Ed25519 signing keys, the invites (QR codes, links, live
 * codes) with their uses, and the chain of groups a live code fills one after another.
 */
export const INVITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 11,
    name: 'invites: signing keys (private keys encrypted at rest), invites, uses, live-code chains',
    sql: `
      -- key_id is unique across the whole instance: a token names its key, and the key names its
      -- organization (a valid code of another organization is told apart from a forged one).
      create table invite_keys (
        key_id bigint primary key check (key_id between 0 and 4294967295),
        org_id uuid not null references orgs(id) on delete cascade,
        -- Ed25519 public key, 32 bytes, base64url
        public_key text not null check (length(public_key) = 43),
        -- The 32-byte Ed25519 seed sealed with AES-256-GCM under a server secret (auth/secrets.ts):
        -- base64 of iv (12) | ciphertext (32) | tag (16); the key id and org are the additional data.
        private_key_enc text not null,
        created_at timestamptz not null default now(),
        created_by uuid references members(id) on delete set null,
        -- Retired keys keep verifying for INVITE_KEY_GRACE_DAYS (rules/limits.ts).
        retired_at timestamptz,
        unique (key_id, org_id)
      );
      -- One signing key at a time per organization.
      create unique index invite_keys_one_active on invite_keys(org_id) where retired_at is null;

      create table invites (
        id uuid primary key default gen_random_uuid(),
        org_id uuid not null references orgs(id) on delete cascade,
        group_id uuid not null,
        kind text not null check (kind in ('qr', 'link', 'live')),
        -- the token's 8 random bytes, hex: how a token finds its row
        tag text not null unique check (tag ~ '^[0-9a-f]{16}$'),
        key_id bigint not null,
        token text not null,
        created_by uuid not null,
        created_at timestamptz not null default now(),
        expires_at timestamptz not null,
        max_uses int check (max_uses is null or max_uses > 0),
        uses int not null default 0 check (uses >= 0),
        revoked_at timestamptz,
        revoked_by uuid references members(id) on delete set null,
        check (kind = 'link' or max_uses is null),
        check (expires_at > created_at),
        foreign key (group_id, org_id) references groups(id, org_id) on delete cascade,
        foreign key (created_by, org_id) references members(id, org_id) on delete cascade,
        foreign key (key_id, org_id) references invite_keys(key_id, org_id)
      );
      create index invites_group_idx on invites(group_id, created_at desc);

      -- Who actually joined through an invite: a use counts once per person.
      create table invite_uses (
        invite_id uuid not null references invites(id) on delete cascade,
        member_id uuid not null references members(id) on delete cascade,
        at timestamptz not null default now(),
        primary key (invite_id, member_id)
      );

      -- The groups a live code fills in order: position 0 is the invite's own group, then the
      -- overflow groups created when all before were full (\`<name> 2\`, \`3\`, …).
      create table live_code_groups (
        invite_id uuid not null references invites(id) on delete cascade,
        group_id uuid not null references groups(id) on delete cascade,
        position int not null check (position >= 0),
        primary key (invite_id, position),
        unique (invite_id, group_id)
      );
      create index live_code_groups_group_idx on live_code_groups(group_id);
    `,
  },
];

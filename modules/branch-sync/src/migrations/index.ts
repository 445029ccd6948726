import { APP_ROLE, tenantTableSql, type ModuleMigration } from '@chaharsu/db';

/**
 * branch_sync: agents, enrolment codes, live connections, commands, health history, agent events.
 * Every table is a tenant table (org_id first, row-level security). The hub's sweeper, which looks at
 * every organisation's connections and heartbeats, runs with the platform flag (`platform.is_platform_admin()`):
 * only `agent` and `connection` are visible to it.
 */
export const branchSyncMigrations: ModuleMigration[] = [
  {
    name: '20261121T2000_branch_sync_base',
    up: `
create schema branch_sync;
grant usage on schema branch_sync to ${APP_ROLE};

create table branch_sync.agent (
  org_id uuid not null,
  id uuid not null,
  branch_id uuid not null,
  hostname text not null,
  -- AES-256-GCM envelope of the HMAC key (the server must recompute the proof, so it cannot only hash it).
  secret_envelope text not null,
  status text not null default 'offline' check (status in ('online', 'offline', 'revoked')),
  agent_version text not null,
  enrolled_at timestamptz not null default now(),
  enrolled_by uuid,
  last_heartbeat_at timestamptz,
  last_health jsonb,
  clock_skew_ms integer,
  status_changed_at timestamptz not null default now(),
  next_command_seq bigint not null default 1 check (next_command_seq >= 1),
  primary key (org_id, id)
);
-- One live agent per branch; a re-enrolment revokes the previous one.
create unique index agent_one_per_branch on branch_sync.agent (org_id, branch_id) where status <> 'revoked';
${tenantTableSql('branch_sync.agent', { also_visible_if: 'platform.is_platform_admin()' })}
grant select, insert, update on branch_sync.agent to ${APP_ROLE};

create table branch_sync.enrolment_code (
  org_id uuid not null,
  id uuid not null,
  branch_id uuid not null,
  code_hash text not null,
  created_by uuid not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz,
  agent_id uuid,
  primary key (org_id, id)
);
create unique index enrolment_code_hash on branch_sync.enrolment_code (org_id, code_hash);
${tenantTableSql('branch_sync.enrolment_code')}
grant select, insert, update on branch_sync.enrolment_code to ${APP_ROLE};

-- Which server instance holds an agent's socket (LISTEN/NOTIFY forwards commands to it).
create table branch_sync.connection (
  org_id uuid not null,
  agent_id uuid not null,
  instance_id text not null,
  connected_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  remote_address text,
  primary key (org_id, agent_id)
);
create index connection_instance on branch_sync.connection (instance_id);
${tenantTableSql('branch_sync.connection', { also_visible_if: 'platform.is_platform_admin()' })}
grant select, insert, update, delete on branch_sync.connection to ${APP_ROLE};

create table branch_sync.command (
  org_id uuid not null,
  id uuid not null,
  agent_id uuid not null,
  branch_id uuid not null,
  seq bigint not null,
  company_database text not null,
  kind text not null,
  payload jsonb not null,
  requested_by uuid not null,
  state text not null default 'pending' check (state in ('pending', 'delivered', 'received', 'applied', 'failed')),
  attempts integer not null default 0,
  last_error text,
  result jsonb,
  replayed boolean not null default false,
  created_at timestamptz not null default now(),
  delivered_at timestamptz,
  received_at timestamptz,
  settled_at timestamptz,
  next_attempt_at timestamptz not null default now(),
  primary key (org_id, id)
);
create unique index command_agent_seq on branch_sync.command (org_id, agent_id, seq);
create index command_open on branch_sync.command (org_id, agent_id, next_attempt_at) where state in ('pending', 'delivered', 'received');
create index command_branch_time on branch_sync.command (org_id, branch_id, created_at desc);
${tenantTableSql('branch_sync.command')}
grant select, insert, update on branch_sync.command to ${APP_ROLE};

create table branch_sync.health_sample (
  org_id uuid not null,
  agent_id uuid not null,
  at timestamptz not null default now(),
  health jsonb not null,
  clock_skew_ms integer,
  primary key (org_id, agent_id, at)
);
${tenantTableSql('branch_sync.health_sample')}
grant select, insert, delete on branch_sync.health_sample to ${APP_ROLE};

-- What happened to an agent: online/offline, enrolment, errors shipped from its log, troubles of commands.
create table branch_sync.agent_event (
  org_id uuid not null,
  id uuid not null,
  agent_id uuid not null,
  branch_id uuid not null,
  kind text not null check (kind in ('enrolled', 'online', 'offline', 'log', 'command_trouble', 'revoked')),
  level text not null default 'info' check (level in ('info', 'warn', 'error', 'fatal')),
  message text not null,
  detail text,
  at timestamptz not null default now(),
  primary key (org_id, id)
);
create index agent_event_branch_time on branch_sync.agent_event (org_id, branch_id, at desc);
${tenantTableSql('branch_sync.agent_event', { also_visible_if: 'platform.is_platform_admin()' })}
grant select, insert on branch_sync.agent_event to ${APP_ROLE};
`,
    down: 'drop schema branch_sync cascade;',
  },
  {
    name: '20261121T2100_branch_sync_mirror',
    up: `
-- Per-branch mirror of the Holoo catalog (articles, main and sub groups), kept by the agents' scans.
create table branch_sync.mirror_row (
  org_id uuid not null,
  branch_id uuid not null,
  company_database text not null,
  entity text not null check (entity in ('article', 'main_group', 'sub_group')),
  key text not null,
  row_hash text not null,
  data jsonb not null,
  scan_id uuid not null,
  updated_at timestamptz not null default now(),
  primary key (org_id, branch_id, company_database, entity, key)
);
${tenantTableSql('branch_sync.mirror_row')}
grant select, insert, update, delete on branch_sync.mirror_row to ${APP_ROLE};

create table branch_sync.mirror_checkpoint (
  org_id uuid not null,
  branch_id uuid not null,
  company_database text not null,
  last_batch_at timestamptz,
  last_full_at timestamptz,
  resync_requested_at timestamptz,
  rows_received bigint not null default 0,
  bytes_received bigint not null default 0,
  primary key (org_id, branch_id, company_database)
);
${tenantTableSql('branch_sync.mirror_checkpoint')}
grant select, insert, update on branch_sync.mirror_checkpoint to ${APP_ROLE};
`,
    down: 'drop table branch_sync.mirror_checkpoint; drop table branch_sync.mirror_row;',
  },
  {
    name: '20261121T2130_branch_sync_agent_password',
    up: `
-- The agent password (spec E5): needed at the branch computer to stop the agent, uninstall it or open its
-- settings. Generated at enrolment, kept encrypted (shown to owner, manager and support partner, each view
-- audited); the agent gets only its scrypt verifier.
alter table branch_sync.agent add column password_envelope text, add column password_verifier text;
`,
    down: 'alter table branch_sync.agent drop column password_envelope, drop column password_verifier;',
  },
  {
    name: '20261121T2200_branch_sync_agent_releases',
    up: `
-- Agent releases (spec E8). Platform-wide, not tenant data: the same signed artifact serves every
-- organisation. Published by the platform operator (npm run cli -- branch-sync:publish-release); the file
-- lives under DATA_DIR/agent-releases (shared storage when several instances run).
create table branch_sync.agent_release (
  version text primary key,
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  size_bytes bigint not null check (size_bytes > 0),
  -- Ed25519 by the release signing key over (version, sha256, size); the server never holds that key.
  signature text not null,
  artifact_file text not null,
  notes text,
  published_at timestamptz not null default now()
);
grant select, insert on branch_sync.agent_release to ${APP_ROLE};

-- An organisation's manager offers a release to one branch or (branch_id null) to every branch.
-- The newest offer that matches a branch wins.
create table branch_sync.update_offer (
  org_id uuid not null,
  id uuid not null,
  branch_id uuid,
  version text not null references branch_sync.agent_release (version),
  install_without_confirmation boolean not null,
  created_by uuid,
  created_at timestamptz not null default now(),
  primary key (org_id, id)
);
create index update_offer_latest on branch_sync.update_offer (org_id, created_at desc);
${tenantTableSql('branch_sync.update_offer')}
grant select, insert on branch_sync.update_offer to ${APP_ROLE};

-- What the agent last reported about an update (downloaded, waiting_confirmation, installed, rejected, rolled_back).
alter table branch_sync.agent add column update_version text, add column update_state text, add column update_detail text, add column update_at timestamptz;
alter table branch_sync.agent_event drop constraint agent_event_kind_check;
alter table branch_sync.agent_event add constraint agent_event_kind_check check (kind in ('enrolled', 'online', 'offline', 'log', 'command_trouble', 'revoked', 'update'));
`,
    down: `
alter table branch_sync.agent_event drop constraint agent_event_kind_check;
alter table branch_sync.agent_event add constraint agent_event_kind_check check (kind in ('enrolled', 'online', 'offline', 'log', 'command_trouble', 'revoked'));
alter table branch_sync.agent drop column update_version, drop column update_state, drop column update_detail, drop column update_at;
drop table branch_sync.update_offer;
drop table branch_sync.agent_release;
`,
  },
  {
    name: '20261122T0000_branch_sync_credentials_settings',
    up: `
-- Secret rotation without re-enrolment: the new secret waits here (encrypted, bound to the agent id) until the
-- agent confirms it stored it; until then the handshake accepts the old secret and the new one.
alter table branch_sync.agent
  add column pending_secret_envelope text,
  add column secret_rotation_id uuid,
  add column secret_rotation_requested_at timestamptz,
  add column secret_rotated_at timestamptz,
  -- Agent password rotation: when the panel changed it, and when the agent confirmed it holds the new verifier.
  add column password_changed_at timestamptz,
  add column password_delivered_at timestamptz,
  -- Connection settings set in the panel (spec A2: SQL Server port, the agent's local port), versioned: the agent
  -- reports the revision it applied or why it could not.
  add column settings jsonb not null default '{"sql_port": null, "local_port": null}',
  add column settings_revision integer not null default 0,
  add column settings_applied_revision integer not null default 0,
  add column settings_error text,
  add column settings_reported_at timestamptz,
  add constraint agent_rotation_complete check ((pending_secret_envelope is null) = (secret_rotation_id is null));
alter table branch_sync.agent_event drop constraint agent_event_kind_check;
alter table branch_sync.agent_event add constraint agent_event_kind_check
  check (kind in ('enrolled', 'online', 'offline', 'log', 'command_trouble', 'revoked', 'update', 'secret_rotated', 'password_delivered', 'settings', 'ports_changed'));
`,
    down: `
alter table branch_sync.agent_event drop constraint agent_event_kind_check;
alter table branch_sync.agent_event add constraint agent_event_kind_check check (kind in ('enrolled', 'online', 'offline', 'log', 'command_trouble', 'revoked', 'update'));
alter table branch_sync.agent drop constraint agent_rotation_complete, drop column pending_secret_envelope, drop column secret_rotation_id,
  drop column secret_rotation_requested_at, drop column secret_rotated_at, drop column password_changed_at, drop column password_delivered_at,
  drop column settings, drop column settings_revision, drop column settings_applied_revision, drop column settings_error, drop column settings_reported_at;
`,
  },
  {
    name: '20261122T0200_branch_sync_offer_withdrawal',
    up: `
-- A manager withdraws an offer: the row stays (history, audit) and, while it is the newest for its target, means
-- "nothing offered" there (an older offer does not come back: for a branch already on the withdrawn version it would be
-- a downgrade). Only these two columns can change; an offer is otherwise immutable.
alter table branch_sync.update_offer add column withdrawn_at timestamptz, add column withdrawn_by uuid;
grant update (withdrawn_at, withdrawn_by) on branch_sync.update_offer to ${APP_ROLE};
`,
    down: `
revoke update (withdrawn_at, withdrawn_by) on branch_sync.update_offer from ${APP_ROLE};
alter table branch_sync.update_offer drop column withdrawn_at, drop column withdrawn_by;
`,
  },
];

import { APP_ROLE, type ModuleMigration } from '@chaharsu/db';

export const auditMigrations: ModuleMigration[] = [
  {
    name: '20261121T0001_audit_log',
    up: `
create schema audit;
grant usage on schema audit to ${APP_ROLE};
create table audit.audit_log (
  org_id uuid,
  id uuid not null,
  created_at timestamptz not null default now(),
  actor_kind text not null check (actor_kind in ('user', 'api_key', 'agent', 'system')),
  actor_id text,
  action text not null check (length(action) between 1 and 100),
  entity_type text not null check (length(entity_type) between 1 and 100),
  entity_id text,
  before jsonb,
  after jsonb,
  ip inet,
  user_agent text,
  request_id text,
  primary key (id)
);
create index audit_log_org_time on audit.audit_log (org_id, created_at desc);
create index audit_log_org_entity on audit.audit_log (org_id, entity_type, entity_id);
create index audit_log_org_actor on audit.audit_log (org_id, actor_id, created_at desc);
alter table audit.audit_log enable row level security;
alter table audit.audit_log force row level security;
create policy audit_read on audit.audit_log for select
  using (org_id = platform.current_org_id() or platform.is_platform_admin());
create policy audit_insert on audit.audit_log for insert
  with check (org_id is null or org_id = platform.current_org_id());
-- append-only: no update/delete grant
grant select, insert on audit.audit_log to ${APP_ROLE};
`,
    down: 'drop schema audit cascade;',
  },
];

import { APP_ROLE, tenantTableSql, type ModuleMigration } from '@chaharsu/db';

/**
 * The orgs schema. Tenant tables carry `org_id` first in their keys and sit under FORCE row-level
 * security. Two tables are deliberately not per-organisation: `person_setting` (a person's default and
 * last-used organisation, visible to that person only) and `lead` (platform-level, visible to platform
 * admins only).
 */
export const orgsMigrations: ModuleMigration[] = [
  {
    name: '20261121T0100_orgs_base',
    up: `
create schema orgs;
grant usage on schema orgs to ${APP_ROLE};

create table orgs.organisation (
  org_id uuid primary key,
  slug text not null check (slug ~ '^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$'),
  name text not null check (length(name) between 1 and 200),
  active boolean not null default true,
  allow_external_staff boolean not null default false,
  session_idle_minutes integer check (session_idle_minutes between 1 and 43200),
  money_unit text not null default 'toman' check (money_unit in ('rial', 'toman')),
  support_partner_user_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index organisation_slug on orgs.organisation (slug);
create index organisation_support_partner on orgs.organisation (support_partner_user_id) where support_partner_user_id is not null;

create table orgs.membership (
  org_id uuid not null references orgs.organisation (org_id),
  id uuid not null,
  user_id uuid not null,
  roles text[] not null check (cardinality(roles) between 1 and 20),
  manager_title text check (manager_title in ('representative', 'supervisor', 'accountant')),
  active boolean not null default true,
  last_used_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id),
  unique (org_id, user_id),
  check (manager_title is null or 'manager' = any (roles))
);
-- A person's memberships across organisations (the organisation chooser).
create index membership_user on orgs.membership (user_id, org_id);

create table orgs.branch (
  org_id uuid not null references orgs.organisation (org_id),
  id uuid not null,
  name text not null check (length(name) between 1 and 200),
  code text check (length(code) between 1 and 50),
  active boolean not null default true,
  is_central_branch boolean not null default false,
  is_central_warehouse boolean not null default false,
  is_reference boolean not null default false,
  address text check (length(address) <= 500),
  phone text check (length(phone) <= 30),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id),
  check (active or not (is_central_branch or is_central_warehouse or is_reference))
);
create unique index branch_code on orgs.branch (org_id, code) where code is not null;
-- At most one of each flag per organisation (the service moves a flag; concurrent moves collide here).
create unique index branch_one_central_branch on orgs.branch (org_id) where is_central_branch;
create unique index branch_one_central_warehouse on orgs.branch (org_id) where is_central_warehouse;
create unique index branch_one_reference on orgs.branch (org_id) where is_reference;

create table orgs.warehouse (
  org_id uuid not null,
  id uuid not null,
  branch_id uuid not null,
  name text not null check (length(name) between 1 and 200),
  code text check (length(code) between 1 and 50),
  active boolean not null default true,
  is_default boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id),
  foreign key (org_id, branch_id) references orgs.branch (org_id, id),
  check (active or not is_default)
);
create index warehouse_branch on orgs.warehouse (org_id, branch_id);
create unique index warehouse_one_default on orgs.warehouse (org_id, branch_id) where is_default;
create unique index warehouse_code on orgs.warehouse (org_id, branch_id, code) where code is not null;

create table orgs.membership_branch (
  org_id uuid not null,
  membership_id uuid not null,
  branch_id uuid not null,
  primary key (org_id, membership_id, branch_id),
  foreign key (org_id, membership_id) references orgs.membership (org_id, id) on delete cascade,
  foreign key (org_id, branch_id) references orgs.branch (org_id, id)
);

create table orgs.person_setting (
  user_id uuid primary key,
  default_org_id uuid,
  last_used_org_id uuid,
  updated_at timestamptz not null default now()
);

create table orgs.lead (
  id uuid primary key,
  name text not null check (length(name) between 1 and 200),
  phone text not null check (length(phone) between 5 and 20),
  business text not null check (length(business) between 1 and 200),
  city text not null check (length(city) between 1 and 100),
  want text not null check (want in ('buy', 'support', 'why_not_assigned')),
  note text check (length(note) <= 2000),
  user_id uuid,
  status text not null default 'new' check (status in ('new', 'contacted', 'closed')),
  ip inet,
  user_agent text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index lead_status_time on orgs.lead (status, created_at desc);

-- Row-level security. Organisations: visible in the current organisation, to its members (the chooser),
-- to its support partner, and to a platform admin (verified by the server before it sets the flag).
alter table orgs.organisation enable row level security;
alter table orgs.organisation force row level security;
create policy organisation_read on orgs.organisation for select using (
  org_id = platform.current_org_id()
  or platform.is_platform_admin()
  or support_partner_user_id = platform.current_user_id()
  or exists (select 1 from orgs.membership m where m.org_id = organisation.org_id and m.user_id = platform.current_user_id())
);
create policy organisation_insert on orgs.organisation for insert with check (org_id = platform.current_org_id());
create policy organisation_update on orgs.organisation for update
  using (org_id = platform.current_org_id()) with check (org_id = platform.current_org_id());

-- Memberships: the organisation's, plus a person's own across organisations (read only).
${tenantTableSql('orgs.membership', { also_visible_if: 'user_id = platform.current_user_id()' })}
${tenantTableSql('orgs.branch')}
${tenantTableSql('orgs.warehouse')}
${tenantTableSql('orgs.membership_branch')}

alter table orgs.person_setting enable row level security;
alter table orgs.person_setting force row level security;
create policy own_setting on orgs.person_setting
  using (user_id = platform.current_user_id()) with check (user_id = platform.current_user_id());

alter table orgs.lead enable row level security;
alter table orgs.lead force row level security;
create policy lead_read on orgs.lead for select using (platform.is_platform_admin());
create policy lead_update on orgs.lead for update using (platform.is_platform_admin()) with check (platform.is_platform_admin());
create policy lead_insert on orgs.lead for insert with check (true);

grant select, insert, update on orgs.organisation, orgs.membership, orgs.branch, orgs.warehouse, orgs.person_setting, orgs.lead to ${APP_ROLE};
grant select, insert, delete on orgs.membership_branch to ${APP_ROLE};
`,
    down: 'drop schema orgs cascade;',
  },
];

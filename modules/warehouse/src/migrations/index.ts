import { APP_ROLE, tenantTableSql, type ModuleMigration } from '@chaharsu/db';

export const warehouseMigrations: ModuleMigration[] = [
  {
    name: '20261121T2000_warehouse_employees_face',
    up: `
create schema warehouse;
grant usage on schema warehouse to ${APP_ROLE};

-- People who physically move goods (not necessarily users). The face template is AES-256-GCM encrypted
-- (kit encryptSecret, bound to org + employee id): descriptors only, never images.
create table warehouse.employee (
  org_id uuid not null,
  id uuid not null,
  full_name text not null check (length(full_name) between 1 and 200),
  personnel_code text check (length(personnel_code) between 1 and 50),
  phone text check (length(phone) <= 30),
  is_active boolean not null default true,
  face_template_encrypted text,
  face_frames integer check (face_frames between 10 and 30),
  face_enrolled_at timestamptz,
  face_enrolled_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id),
  check ((face_template_encrypted is null) = (face_frames is null))
);
create unique index employee_code on warehouse.employee (org_id, personnel_code) where personnel_code is not null;
create index employee_name on warehouse.employee (org_id, full_name);
${tenantTableSql('warehouse.employee')}
grant select, insert, update on warehouse.employee to ${APP_ROLE};

-- Active liveness challenges (blink / turn the head), one use each, for one employee at one station user.
create table warehouse.face_challenge (
  org_id uuid not null,
  id uuid not null,
  employee_id uuid not null,
  kind text not null check (kind in ('blink', 'turn_left', 'turn_right')),
  user_id uuid not null,
  session_id uuid,
  issued_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz,
  primary key (org_id, id),
  foreign key (org_id, employee_id) references warehouse.employee (org_id, id)
);
${tenantTableSql('warehouse.face_challenge')}
grant select, insert, update on warehouse.face_challenge to ${APP_ROLE};

-- Every face confirmation attempt (accepted or not): append-only.
create table warehouse.face_confirmation (
  org_id uuid not null,
  id uuid not null,
  employee_id uuid not null,
  challenge_id uuid not null,
  user_id uuid not null,
  session_id uuid,
  similarity numeric(4, 2) not null,
  threshold numeric(4, 2) not null,
  accepted boolean not null,
  liveness jsonb not null,
  created_at timestamptz not null default now(),
  primary key (org_id, id),
  foreign key (org_id, employee_id) references warehouse.employee (org_id, id)
);
create index face_confirmation_employee on warehouse.face_confirmation (org_id, employee_id, created_at desc);
${tenantTableSql('warehouse.face_confirmation')}
grant select, insert on warehouse.face_confirmation to ${APP_ROLE};

-- Which face confirmation each stock movement was saved with (the movement itself is inventory's).
create table warehouse.movement_confirmation (
  org_id uuid not null,
  movement_id uuid not null,
  confirmation_id uuid not null,
  employee_id uuid not null,
  created_at timestamptz not null default now(),
  primary key (org_id, movement_id),
  foreign key (org_id, confirmation_id) references warehouse.face_confirmation (org_id, id)
);
${tenantTableSql('warehouse.movement_confirmation')}
grant select, insert on warehouse.movement_confirmation to ${APP_ROLE};
`,
    down: 'drop schema warehouse cascade;',
  },
];

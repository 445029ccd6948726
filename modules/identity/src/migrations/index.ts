import { APP_ROLE, tenantTableSql, type ModuleMigration } from '@chaharsu/db';

/**
 * identity owns people (global), their sessions (global), one-time codes and the sign-in event log
 * (global), Telegram links, password credentials, and API keys (tenant: org_id first, row-level security).
 */
export const identityMigrations: ModuleMigration[] = [
  {
    name: '20261121T0010_identity_base',
    up: `
create schema identity;
grant usage on schema identity to ${APP_ROLE};

create table identity.users (
  id uuid primary key,
  phone text not null unique check (phone ~ '^\\+989[0-9]{9}$'),
  display_name text check (display_name is null or length(display_name) between 1 and 200),
  is_platform_admin boolean not null default false,
  is_support_partner boolean not null default false,
  active boolean not null default true,
  preferences jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
grant select, insert, update on identity.users to ${APP_ROLE};

create table identity.sessions (
  id uuid primary key,
  user_id uuid not null references identity.users (id),
  token_hash text not null unique,
  current_org_id uuid,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  revoked_at timestamptz,
  ip inet,
  user_agent text
);
create index sessions_user on identity.sessions (user_id, created_at desc);
grant select, insert, update on identity.sessions to ${APP_ROLE};

-- One row per code sent. Also the basis of the per-number and per-IP hourly limits.
create table identity.otp_challenges (
  id uuid primary key,
  phone text not null,
  code_hash text not null,
  requested_channel text not null check (requested_channel in ('sms', 'telegram')),
  channel text not null check (channel in ('sms', 'telegram')),
  ip inet,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  attempts integer not null default 0 check (attempts >= 0),
  max_attempts integer not null check (max_attempts between 1 and 20),
  consumed_at timestamptz,
  superseded_at timestamptz,
  delivery_failed_at timestamptz,
  check (attempts <= max_attempts)
);
create index otp_challenges_phone on identity.otp_challenges (phone, created_at desc);
create index otp_challenges_ip on identity.otp_challenges (ip, created_at desc);
grant select, insert, update on identity.otp_challenges to ${APP_ROLE};

-- Every send, refusal and failure of sign-in, append-only (never the code). Password failure limits count here.
create table identity.auth_events (
  id uuid primary key,
  created_at timestamptz not null default now(),
  kind text not null check (length(kind) between 1 and 60),
  phone text,
  username text,
  user_id uuid,
  ip inet,
  detail jsonb not null default '{}'::jsonb
);
create index auth_events_kind_username on identity.auth_events (kind, username, created_at desc) where username is not null;
create index auth_events_kind_ip on identity.auth_events (kind, ip, created_at desc);
create index auth_events_phone on identity.auth_events (phone, created_at desc) where phone is not null;
grant select, insert on identity.auth_events to ${APP_ROLE};

create table identity.password_credentials (
  user_id uuid primary key references identity.users (id),
  username text not null unique check (username ~ '^[a-z0-9._-]{3,64}$'),
  password_hash text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
grant select, insert, update on identity.password_credentials to ${APP_ROLE};

create table identity.telegram_accounts (
  user_id uuid primary key references identity.users (id),
  telegram_user_id bigint not null unique,
  chat_id bigint not null,
  linked_at timestamptz not null default now()
);
grant select, insert, update, delete on identity.telegram_accounts to ${APP_ROLE};

-- A deep-link nonce (stored hashed): created by the signed-in person, claimed by the Telegram user who
-- opened it, used when that same Telegram user shares the contact whose number is the account's.
create table identity.telegram_link_nonces (
  nonce_hash text primary key,
  user_id uuid not null references identity.users (id),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  claimed_by_telegram_user_id bigint,
  claimed_chat_id bigint,
  used_at timestamptz
);
create index telegram_link_nonces_claimed on identity.telegram_link_nonces (claimed_by_telegram_user_id, created_at desc);
grant select, insert, update on identity.telegram_link_nonces to ${APP_ROLE};

create table identity.api_keys (
  org_id uuid not null,
  id uuid not null,
  name text not null check (length(name) between 1 and 100),
  prefix text not null,
  key_hash text not null,
  scopes text[] not null default '{}',
  subject_id uuid,
  created_by uuid,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz,
  primary key (org_id, id)
);
create index api_keys_org_created on identity.api_keys (org_id, created_at desc);
${tenantTableSql('identity.api_keys')}
grant select, insert, update on identity.api_keys to ${APP_ROLE};
`,
    down: 'drop schema identity cascade;',
  },
  {
    // Retention of sign-in records. The app role may not delete from these tables; this function (owned by
    // the migration role, security definer) deletes only by these fixed rules, and the daily job
    // `identity.purge_expired` calls it. Codes are hashed and useless after expiry; the hourly send limits read
    // the last hour; the sign-in log is kept for 180 days.
    name: '20261122T0510_identity_purge_expired',
    up: `
create function identity.purge_expired(p_now timestamptz)
  returns table (otp_challenges bigint, telegram_link_nonces bigint, auth_events bigint)
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_otp bigint;
  v_nonces bigint;
  v_events bigint;
begin
  delete from identity.otp_challenges where expires_at < p_now - interval '1 day';
  get diagnostics v_otp = row_count;
  delete from identity.telegram_link_nonces where expires_at < p_now - interval '1 day';
  get diagnostics v_nonces = row_count;
  delete from identity.auth_events where created_at < p_now - interval '180 days';
  get diagnostics v_events = row_count;
  return query select v_otp, v_nonces, v_events;
end $$;
revoke all on function identity.purge_expired(timestamptz) from public;
grant execute on function identity.purge_expired(timestamptz) to ${APP_ROLE};
`,
    down: 'drop function identity.purge_expired(timestamptz);',
  },
];

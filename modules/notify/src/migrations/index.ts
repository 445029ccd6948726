import { APP_ROLE, type ModuleMigration } from '@chaharsu/db';

/**
 * In-app notifications, one row per recipient. Inserting a row also calls pg_notify on the
 * `chaharsu_notification` channel: PostgreSQL delivers that only when the transaction commits, so a
 * future WebSocket pusher (LISTEN on any instance) pushes exactly the committed notifications.
 * Row-level security: a person sees and marks their own notifications from any organisation; a
 * module inserts only inside the organisation it acts for.
 */
export const notifyMigrations: ModuleMigration[] = [
  {
    name: '20261121T1002_notify_base',
    up: `
create schema notify;
grant usage on schema notify to ${APP_ROLE};

create table notify.notification (
  org_id uuid not null,
  id uuid not null,
  user_id uuid not null,
  kind text not null check (kind ~ '^[a-z_]+(\\.[a-z_]+)+$'),
  title_key text not null check (length(title_key) between 1 and 200),
  params jsonb not null default '{}'::jsonb,
  link text check (link is null or link ~ '^/'),
  entity_type text,
  entity_id text,
  dedupe_key text check (dedupe_key is null or length(dedupe_key) <= 300),
  created_at timestamptz not null default now(),
  read_at timestamptz,
  primary key (org_id, id)
);
create index notification_user_time on notify.notification (user_id, created_at desc, id desc);
create index notification_user_unread on notify.notification (user_id, created_at desc) where read_at is null;
-- While a notification with the same dedupe key is unread, the same event does not notify again.
create unique index notification_unread_dedupe on notify.notification (org_id, user_id, dedupe_key)
  where read_at is null and dedupe_key is not null;

alter table notify.notification enable row level security;
alter table notify.notification force row level security;
create policy notification_read on notify.notification for select
  using (org_id = platform.current_org_id() or user_id = platform.current_user_id());
create policy notification_insert on notify.notification for insert
  with check (org_id = platform.current_org_id());
create policy notification_mark_read on notify.notification for update
  using (user_id = platform.current_user_id()) with check (user_id = platform.current_user_id());

create function notify.after_insert() returns trigger language plpgsql as $$
begin
  perform pg_notify('chaharsu_notification', json_build_object('org_id', new.org_id, 'id', new.id, 'user_id', new.user_id)::text);
  return null;
end $$;
create trigger notification_after_insert after insert on notify.notification
  for each row execute function notify.after_insert();

grant select, insert on notify.notification to ${APP_ROLE};
grant update (read_at) on notify.notification to ${APP_ROLE};
`,
    down: 'drop schema notify cascade;',
  },
];

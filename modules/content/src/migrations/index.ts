import { APP_ROLE, type ModuleMigration } from '@chaharsu/db';

/**
 * Platform-wide content (not tenant data): translation overrides, one version counter per language (bumped in
 * the same transaction as any change, so a client's poll is one indexed read), and help guides.
 * Row-level security is a second wall behind the route permission: anyone may read, only a transaction the
 * server marked as a platform admin's may write.
 */
const LOCALE_CHECK = `check (locale in ('fa', 'en', 'ar', 'uz'))`;

function platformWritable(table: string): string {
  return `
alter table ${table} enable row level security;
alter table ${table} force row level security;
create policy content_read on ${table} for select using (true);
create policy content_insert on ${table} for insert with check (platform.is_platform_admin());
create policy content_update on ${table} for update using (platform.is_platform_admin()) with check (platform.is_platform_admin());
create policy content_delete on ${table} for delete using (platform.is_platform_admin());`;
}

export const contentMigrations: ModuleMigration[] = [
  {
    name: '20261121T2000_content_translations_help',
    up: `
create schema content;
grant usage on schema content to ${APP_ROLE};

create table content.translation_overrides (
  locale text not null ${LOCALE_CHECK},
  key text not null check (key ~ '^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$' and length(key) <= 200),
  value text not null check (length(value) between 1 and 2000),
  updated_by uuid,
  updated_at timestamptz not null default now(),
  primary key (locale, key)
);
${platformWritable('content.translation_overrides')}
grant select, insert, update, delete on content.translation_overrides to ${APP_ROLE};

create table content.catalogue_version (
  locale text primary key ${LOCALE_CHECK},
  version bigint not null default 0 check (version >= 0)
);
insert into content.catalogue_version (locale, version) values ('fa', 0), ('en', 0), ('ar', 0), ('uz', 0);
${platformWritable('content.catalogue_version')}
grant select, update on content.catalogue_version to ${APP_ROLE};

create table content.help_pages (
  page_key text not null check (page_key ~ '^[a-z0-9][a-z0-9._-]{0,99}$'),
  locale text not null ${LOCALE_CHECK},
  title text not null check (length(title) between 1 and 200),
  body_markdown text not null check (length(body_markdown) <= 50000),
  updated_by uuid,
  updated_at timestamptz not null default now(),
  primary key (page_key, locale)
);
${platformWritable('content.help_pages')}
grant select, insert, update on content.help_pages to ${APP_ROLE};
`,
    down: 'drop schema content cascade;',
  },
];

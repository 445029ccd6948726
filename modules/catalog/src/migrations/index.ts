import { APP_ROLE, tenantTableSql, type ModuleMigration } from '@chaharsu/db';

/**
 * Catalog tables. Why these shapes:
 * - category: adjacency list (parent_id) + materialised path of ids ('/a/b/c/'), so "everything under
 *   X" is one prefix scan and moving a subtree is one UPDATE of the paths under it.
 * - product/variant: a stock-keeping "item" is a product without variants or one variant; both ids
 *   are UUIDv7 and never collide, so inventory keys stock by item_id.
 * - barcode: one row per scan value, primary key (org_id, code_normalised) = unique per organisation
 *   and the exact-lookup index in one.
 * - search_text: normaliseForSearch(name, code, barcodes, variant SKUs), indexed with pg_trgm GIN
 *   for "contains" search; prefix search for 1–2 characters uses a btree text_pattern_ops index.
 */
export const catalogMigrations: ModuleMigration[] = [
  {
    name: '20261121T1000_catalog_base',
    up: `
create extension if not exists pg_trgm;
create schema catalog;
grant usage on schema catalog to ${APP_ROLE};

create table catalog.category (
  org_id uuid not null,
  id uuid not null,
  parent_id uuid,
  name text not null check (length(name) between 1 and 200),
  path text not null,
  depth int not null check (depth between 0 and 63),
  sort_order int not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id),
  foreign key (org_id, parent_id) references catalog.category (org_id, id)
);
create index category_path on catalog.category (org_id, path text_pattern_ops);
create index category_parent on catalog.category (org_id, parent_id, sort_order);
create unique index category_sibling_name on catalog.category (org_id, coalesce(parent_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(name));
${tenantTableSql('catalog.category')}

create table catalog.attribute (
  org_id uuid not null,
  id uuid not null,
  category_id uuid not null,
  code text not null check (code ~ '^[a-z][a-z0-9_]{0,63}$'),
  name text not null check (length(name) between 1 and 200),
  value_type text not null check (value_type in ('text', 'number', 'boolean', 'choice')),
  choices jsonb not null default '[]'::jsonb,
  is_required boolean not null default false,
  sort_order int not null default 0,
  created_at timestamptz not null default now(),
  primary key (org_id, id),
  foreign key (org_id, category_id) references catalog.category (org_id, id)
);
create unique index attribute_code on catalog.attribute (org_id, category_id, code);
${tenantTableSql('catalog.attribute')}

create table catalog.product (
  org_id uuid not null,
  id uuid not null,
  code text not null check (length(code) between 1 and 64),
  code_normalised text not null,
  name text not null check (length(name) between 1 and 300),
  unit text not null check (length(unit) between 1 and 32),
  category_id uuid,
  is_active boolean not null default true,
  description text,
  search_text text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id),
  foreign key (org_id, category_id) references catalog.category (org_id, id)
);
create unique index product_code on catalog.product (org_id, code_normalised);
create index product_category on catalog.product (org_id, category_id);
create index product_search_trgm on catalog.product using gin (search_text gin_trgm_ops);
create index product_search_prefix on catalog.product (org_id, search_text text_pattern_ops);
${tenantTableSql('catalog.product')}

create table catalog.variant (
  org_id uuid not null,
  id uuid not null,
  product_id uuid not null,
  sku text not null check (length(sku) between 1 and 64),
  sku_normalised text not null,
  name text not null check (length(name) between 1 and 300),
  option_values jsonb not null default '{}'::jsonb,
  is_active boolean not null default true,
  sort_order int not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id),
  foreign key (org_id, product_id) references catalog.product (org_id, id)
);
create unique index variant_sku on catalog.variant (org_id, sku_normalised);
create index variant_product on catalog.variant (org_id, product_id, sort_order);
${tenantTableSql('catalog.variant')}

create table catalog.barcode (
  org_id uuid not null,
  code_normalised text not null check (length(code_normalised) between 1 and 200),
  code text not null,
  product_id uuid not null,
  variant_id uuid,
  created_at timestamptz not null default now(),
  primary key (org_id, code_normalised),
  foreign key (org_id, product_id) references catalog.product (org_id, id),
  foreign key (org_id, variant_id) references catalog.variant (org_id, id)
);
create index barcode_product on catalog.barcode (org_id, product_id);
${tenantTableSql('catalog.barcode')}

-- Price levels (Holoo has 10): one row per item and level; item_id is the product id or the variant id.
create table catalog.price (
  org_id uuid not null,
  item_id uuid not null,
  level smallint not null check (level between 1 and 10),
  product_id uuid not null,
  amount_rial bigint not null check (amount_rial >= 0),
  updated_at timestamptz not null default now(),
  primary key (org_id, item_id, level),
  foreign key (org_id, product_id) references catalog.product (org_id, id)
);
create index price_product on catalog.price (org_id, product_id);
${tenantTableSql('catalog.price')}

create table catalog.attribute_value (
  org_id uuid not null,
  product_id uuid not null,
  attribute_id uuid not null,
  value jsonb not null,
  primary key (org_id, product_id, attribute_id),
  foreign key (org_id, product_id) references catalog.product (org_id, id),
  foreign key (org_id, attribute_id) references catalog.attribute (org_id, id)
);
create index attribute_value_attribute on catalog.attribute_value (org_id, attribute_id);
${tenantTableSql('catalog.attribute_value')}

grant select, insert, update, delete on all tables in schema catalog to ${APP_ROLE};
`,
    down: 'drop schema catalog cascade;',
  },
];

import { APP_ROLE, tenantTableSql, type ModuleMigration } from '@chaharsu/db';

/** The first search key (migration 1003), also put back by the down of 2310. */
const searchKeyV1 = `
create or replace function catalog.search_key(p_text text) returns text language sql immutable parallel safe strict
  set search_path = pg_catalog as $$
  select coalesce(string_agg(case when ch = ' ' then ' ' else chr(97 + ascii(ch) % 26) || chr(48 + (ascii(ch) / 26) % 10) end, '' order by n), '')
  from unnest(string_to_array(p_text, null)) with ordinality as t (ch, n)
$$;
`;

/** The first search function (migration 1003), also recreated by the down of 2310. */
const searchProductIdsV1 = `
-- p_words: normalised words every row must contain; when none has 2+ characters, the query is a prefix
-- of the name or of the code (btree). Planned per call (dynamic SQL with literals), so the planner sees
-- the actual patterns: the trigram index for rare words, a scan that stops early for common ones.
create function catalog.search_product_ids(p_words text[], p_code_prefix text, p_category_ids uuid[], p_active boolean, p_limit int, p_offset int)
  returns setof uuid language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_org uuid := platform.current_org_id();
  v_sql text := 'select product_id from catalog.product_search where org_id = $1';
  v_word text;
  v_words text[] := coalesce(p_words, '{}'::text[]);
  v_long boolean;
begin
  if v_org is null then return; end if;
  if p_limit is null or p_limit < 1 or p_limit > 1000 or p_offset is null or p_offset < 0 or p_offset > 100000 then
    raise exception 'catalog.search_product_ids: page out of range';
  end if;
  if coalesce(array_length(v_words, 1), 0) > 10 then raise exception 'catalog.search_product_ids: too many words'; end if;
  v_long := exists (select 1 from unnest(v_words) w where length(w) >= 2);
  if v_long then
    foreach v_word in array v_words loop
      v_sql := v_sql || format(' and search_key like %L and search_text like %L',
        '%' || catalog.search_key(v_word) || '%',
        '%' || replace(replace(replace(v_word, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%');
    end loop;
  elsif coalesce(array_length(v_words, 1), 0) > 0 then
    v_sql := v_sql || format(' and (search_text like %L or code_normalised like %L)',
      replace(replace(replace(array_to_string(v_words, ' '), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%',
      replace(replace(replace(coalesce(p_code_prefix, ''), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%');
  end if;
  if p_category_ids is not null then v_sql := v_sql || ' and category_id = any($2)'; end if;
  if p_active is not null then v_sql := v_sql || ' and is_active = $3'; end if;
  if coalesce(array_length(v_words, 1), 0) = 0 then v_sql := v_sql || ' order by code_normalised'; end if;
  return query execute v_sql || ' limit $4 offset $5' using v_org, p_category_ids, p_active, p_limit, p_offset;
end $$;
revoke all on function catalog.search_product_ids(text[], text, uuid[], boolean, int, int) from public;
grant execute on function catalog.search_product_ids(text[], text, uuid[], boolean, int, int) to ${APP_ROLE};
`;

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
/** catalog.items_by_ids's two lookups (migration T2300 unions them; T0520 asks for variants only when needed). */
const ITEMS_VARIANTS = `    select v.id, p.id, v.id, v.sku, p.name || ' — ' || v.name, p.unit, (p.is_active and v.is_active), false
    from catalog.variant v join catalog.product p on p.org_id = v.org_id and p.id = v.product_id
    where v.org_id = p_org_id and v.id = any (p_ids)`;
const ITEMS_PRODUCTS = `    select p.id, p.id, null::uuid, p.code, p.name, p.unit, p.is_active,
      exists (select 1 from catalog.variant v where v.org_id = p.org_id and v.product_id = p.id)
    from catalog.product p where p.org_id = p_org_id and p.id = any (p_ids)`;
/** catalog.items_by_ids with `body` (declare … end) and the settings of T0300 / T0420 (CREATE OR REPLACE resets them). */
const itemsByIdsFunction = (body: string): string => `
create or replace function catalog.items_by_ids(p_org_id uuid, p_ids uuid[])
  returns table (item_id uuid, product_id uuid, variant_id uuid, code text, name text, unit text, is_active boolean, has_variants boolean)
  language plpgsql stable security invoker
  set search_path = pg_catalog, pg_temp set plan_cache_mode = force_generic_plan set enable_seqscan = off set enable_bitmapscan = off as $$
#variable_conflict use_column
${body} $$;
`;

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
  {
    // Two findings from the benchmark's query plans, fixed here:
    // 1. Row-level security evaluates its policy before any non-leakproof condition of the query, so LIKE
    //    and pg_trgm's operators (not leakproof; only a superuser can mark them so) are never index
    //    conditions on a table under a policy: the trigram index on catalog.product was ignored. Search
    //    reads catalog.product_search instead through catalog.search_product_ids(), a security-definer
    //    function that takes the organisation from platform.current_org_id() itself (the setting the
    //    policies read); that table's policy for its owner is the constant true, which the planner drops.
    // 2. pg_trgm builds trigrams from "word characters" of the database's LC_CTYPE; under the C locale
    //    (the embedded PostgreSQL, and many servers) Persian letters are not word characters and get no
    //    trigrams at all. So the index is on search_key = catalog.search_key(search_text): every character
    //    becomes two ASCII word characters (a letter and a digit from its code point), which has trigrams
    //    under any locale. Different characters may share a code (that only widens the candidates); the
    //    real condition on search_text is always checked too, so results are exact.
    name: '20261121T1003_catalog_search_index',
    up: `
${searchKeyV1}
create table catalog.product_search (
  org_id uuid not null,
  product_id uuid not null,
  search_text text not null,
  search_key text not null,
  code_normalised text not null,
  category_id uuid,
  is_active boolean not null,
  primary key (org_id, product_id)
);
revoke all on catalog.product_search from public;
alter table catalog.product_search enable row level security;
alter table catalog.product_search force row level security;
-- The security-definer functions below run as this table's owner (the migration role). Their policy's
-- condition is the constant true, which the planner drops, so LIKE stays an index condition; the search
-- function applies the organisation itself. The app role may read its own organisation's rows, no more.
create policy definer_functions on catalog.product_search to current_user using (true) with check (true);
create policy tenant_isolation on catalog.product_search to ${APP_ROLE} using (org_id = platform.current_org_id());
grant select on catalog.product_search to ${APP_ROLE};
insert into catalog.product_search (org_id, product_id, search_text, search_key, code_normalised, category_id, is_active)
  select org_id, id, search_text, catalog.search_key(search_text), code_normalised, category_id, is_active from catalog.product;
create index product_search_key_trgm on catalog.product_search using gin (search_key gin_trgm_ops);
create index product_search_text_prefix on catalog.product_search (org_id, search_text text_pattern_ops);
create index product_search_code_prefix on catalog.product_search (org_id, code_normalised text_pattern_ops);
drop index catalog.product_search_trgm;
drop index catalog.product_search_prefix;

create function catalog.sync_product_search() returns trigger language plpgsql security definer
  set search_path = pg_catalog, pg_temp as $$
begin
  if tg_op = 'DELETE' then
    delete from catalog.product_search where org_id = old.org_id and product_id = old.id;
    return null;
  end if;
  if tg_op = 'UPDATE' and new.search_text is not distinct from old.search_text and new.code_normalised is not distinct from old.code_normalised
    and new.category_id is not distinct from old.category_id and new.is_active is not distinct from old.is_active then
    return null;
  end if;
  insert into catalog.product_search (org_id, product_id, search_text, search_key, code_normalised, category_id, is_active)
  values (new.org_id, new.id, new.search_text, catalog.search_key(new.search_text), new.code_normalised, new.category_id, new.is_active)
  on conflict (org_id, product_id) do update set search_text = excluded.search_text, search_key = excluded.search_key,
    code_normalised = excluded.code_normalised, category_id = excluded.category_id, is_active = excluded.is_active;
  return null;
end $$;
create trigger product_search_sync after insert or update or delete on catalog.product
  for each row execute function catalog.sync_product_search();

${searchProductIdsV1}`,
    down: `
drop function catalog.search_product_ids(text[], text, uuid[], boolean, int, int);
drop trigger product_search_sync on catalog.product;
drop function catalog.sync_product_search();
drop table catalog.product_search;
drop function catalog.search_key(text);
create index product_search_trgm on catalog.product using gin (search_text gin_trgm_ops);
create index product_search_prefix on catalog.product (org_id, search_text text_pattern_ops);
`,
  },
  {
    // Stock-keeping items by id (inventory asks on every movement). The same query as before, in a
    // PL/pgSQL function so its plan is prepared once per connection: pg_stat_statements in the warehouse
    // benchmark showed ~0.5 ms of planning per call (a union under row-level security) for ~0.05 ms of
    // execution. Security invoker: the caller's row-level security applies as before.
    name: '20261121T2300_catalog_items_by_ids',
    up: `
create function catalog.items_by_ids(p_org_id uuid, p_ids uuid[])
  returns table (item_id uuid, product_id uuid, variant_id uuid, code text, name text, unit text, is_active boolean, has_variants boolean)
  language plpgsql stable security invoker set search_path = pg_catalog, pg_temp as $$
#variable_conflict use_column
begin
  return query
    select v.id, p.id, v.id, v.sku, p.name || ' — ' || v.name, p.unit, (p.is_active and v.is_active), false
    from catalog.variant v join catalog.product p on p.org_id = v.org_id and p.id = v.product_id
    where v.org_id = p_org_id and v.id = any (p_ids)
    union all
    select p.id, p.id, null::uuid, p.code, p.name, p.unit, p.is_active,
      exists (select 1 from catalog.variant v where v.org_id = p.org_id and v.product_id = p.id)
    from catalog.product p where p.org_id = p_org_id and p.id = any (p_ids);
end $$;
revoke all on function catalog.items_by_ids(uuid, uuid[]) from public;
grant execute on function catalog.items_by_ids(uuid, uuid[]) to ${APP_ROLE};
`,
    down: 'drop function catalog.items_by_ids(uuid, uuid[]);',
  },
  {
    // Search as you type, ranked in SQL and prefix first (the 1M-product benchmark: p95 59 ms, from
    // trigram scans of common words). The page is filled tier by tier, each tier an index range scan
    // that stops at the rows still needed; a tier runs only when the ones before it have not filled the page:
    //   0 exact code, barcode or variant SKU (unique-index probes);
    //   1 code prefix, 2 name prefix (btree text_pattern_ops ranges, in index order);
    //   3 every word contained: first a bounded look at 10,000 rows (a common word — 1 product in 12 for
    //     "سفید" at 1M — fills the page there in well under a millisecond, where building the trigram bitmap
    //     of its 83,000 rows took 24 ms; a look at all 10,000 rows costs ~5 ms), then the trigram GIN index
    //     for rarer words (fewer than ~0.2 % of the rows: small bitmaps).
    // A product found by several tiers keeps its best rank. Typing a name from its start is answered by
    // tier 2 alone; trigram candidates are read only for words from inside names, codes or barcodes.
    // The search key now keeps ASCII letters and digits as they are (only other characters become two
    // ASCII characters): encoded digits were "w1"/"x1"…, so the trigrams of a typed code or barcode were
    // shared by most rows (a rare code read 18,751 candidates, 63 ms at 1M); 1-character words
    // (no trigrams) are checked on the text only, not sent to the index as a match-everything scan.
    name: '20261121T2310_catalog_search_ranked',
    up: String.raw`
drop function catalog.search_product_ids(text[], text, uuid[], boolean, int, int);

create or replace function catalog.search_key(p_text text) returns text language sql immutable parallel safe strict
  set search_path = pg_catalog as $$
  select coalesce(string_agg(case
      when ch = ' ' then ' '
      when ascii(ch) between 97 and 122 or ascii(ch) between 48 and 57 then ch
      else chr(97 + ascii(ch) % 26) || chr(48 + (ascii(ch) / 26) % 10) end, '' order by n), '')
  from unnest(string_to_array(p_text, null)) with ordinality as t (ch, n)
$$;
-- Rewriting every key and rebuilding the index takes minutes on a large catalogue (~N s at 1M products):
-- lift the migrator's statement timeout for this transaction only.
set local statement_timeout = 0;
set local maintenance_work_mem = '256MB';
drop index catalog.product_search_key_trgm;
update catalog.product_search set search_key = catalog.search_key(search_text);
create index product_search_key_trgm on catalog.product_search using gin (search_key gin_trgm_ops);

create function catalog.like_prefix(p_text text) returns text language sql immutable strict parallel safe
  set search_path = pg_catalog as $$
  select replace(replace(replace(p_text, '\', '\\'), '%', '\%'), '_', '\_') || '%'
$$;

-- p_text: the normalised query (empty: list by code); p_words: its words; p_code: the query as a code.
-- Returns (product id, rank) best first; the caller orders within a rank for display.
create function catalog.search_products_ranked(p_text text, p_words text[], p_code text, p_category_ids uuid[], p_active boolean, p_limit int, p_offset int)
  returns table (product_id uuid, match_rank int) language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
#variable_conflict use_column
declare
  v_org uuid := platform.current_org_id();
  v_filter text := '';
  v_need int;
  v_ids uuid[] := '{}';
  v_ranks int[] := '{}';
  v_found uuid[];
  v_sql text;
  v_text_match text := '';
  v_key_match text := '';
  v_word text;
  v_words text[] := coalesce(p_words, '{}'::text[]);
  v_code text := coalesce(p_code, '');
begin
  if v_org is null then return; end if;
  if p_limit is null or p_limit < 1 or p_limit > 1000 or p_offset is null or p_offset < 0 or p_offset > 100000 then
    raise exception 'catalog.search_products_ranked: page out of range';
  end if;
  if coalesce(array_length(v_words, 1), 0) > 10 then raise exception 'catalog.search_products_ranked: too many words'; end if;
  if p_category_ids is not null then v_filter := v_filter || ' and category_id = any($2)'; end if;
  if p_active is not null then v_filter := v_filter || ' and is_active = $3'; end if;
  if coalesce(p_text, '') = '' then
    return query execute 'select product_id, 0 from catalog.product_search where org_id = $1' || v_filter
      || ' order by code_normalised using ~<~ limit $4 offset $5' using v_org, p_category_ids, p_active, p_limit, p_offset;
    return;
  end if;
  v_need := p_limit + p_offset;

  -- Each tier asks for the rows still needed plus the ones already found (they may come again).
  if v_code <> '' then
    v_sql := format('select product_id from catalog.product_search where org_id = $1 and product_id in ('
      || 'select product_id from catalog.product_search where org_id = $1 and code_normalised = %1$L '
      || 'union select product_id from catalog.barcode where org_id = $1 and code_normalised = %1$L '
      || 'union select product_id from catalog.variant where org_id = $1 and sku_normalised = %1$L)', v_code) || v_filter;
    execute 'select array(' || v_sql || ')' into v_found using v_org, p_category_ids, p_active;
    v_ids := v_ids || v_found; v_ranks := v_ranks || array_fill(0, array[cardinality(v_found)]);
    if cardinality(v_ids) < v_need then
      v_sql := format('select product_id from catalog.product_search where org_id = $1 and code_normalised like %L', catalog.like_prefix(v_code))
        || v_filter || ' order by code_normalised using ~<~ limit $4';
      execute 'select array(' || v_sql || ')' into v_found using v_org, p_category_ids, p_active, v_need + cardinality(v_ids);
      v_ids := v_ids || v_found; v_ranks := v_ranks || array_fill(1, array[cardinality(v_found)]);
    end if;
  end if;
  if cardinality(v_ids) < v_need then
    v_sql := format('select product_id from catalog.product_search where org_id = $1 and search_text like %L', catalog.like_prefix(p_text))
      || v_filter || ' order by search_text using ~<~ limit $4';
    execute 'select array(' || v_sql || ')' into v_found using v_org, p_category_ids, p_active, v_need + cardinality(v_ids);
    v_ids := v_ids || v_found; v_ranks := v_ranks || array_fill(2, array[cardinality(v_found)]);
  end if;
  -- Contains: only when a word has 2+ characters (1-character queries stop at the prefixes).
  if cardinality(v_ids) < v_need and exists (select 1 from unnest(v_words) w where length(w) >= 2) then
    foreach v_word in array v_words loop
      v_text_match := v_text_match || format(' and search_text like %L', '%' || catalog.like_prefix(v_word));
      -- A key shorter than 3 characters has no trigram: the index would have to match everything.
      if length(catalog.search_key(v_word)) >= 3 then
        v_key_match := v_key_match || format(' and search_key like %L', '%' || catalog.search_key(v_word) || '%');
      end if;
    end loop;
    execute 'select array(select product_id from (select product_id, search_text from catalog.product_search where org_id = $1'
      || v_filter || ' limit 10000) as probe where true' || v_text_match || ' limit $4)'
      into v_found using v_org, p_category_ids, p_active, v_need + cardinality(v_ids);
    v_ids := v_ids || v_found; v_ranks := v_ranks || array_fill(3, array[cardinality(v_found)]);
    if v_key_match <> '' and (select count(distinct x) from unnest(v_ids) as x) < v_need then
      execute 'select array(select product_id from catalog.product_search where org_id = $1' || v_key_match || v_text_match
        || v_filter || ' limit $4)' into v_found using v_org, p_category_ids, p_active, v_need + cardinality(v_ids);
      v_ids := v_ids || v_found; v_ranks := v_ranks || array_fill(3, array[cardinality(v_found)]);
    end if;
  end if;
  return query select u.id, min(u.r) from unnest(v_ids, v_ranks) with ordinality as u (id, r, n)
    group by u.id order by min(u.n) limit p_limit offset p_offset;
end $$;
revoke all on function catalog.search_products_ranked(text, text[], text, uuid[], boolean, int, int) from public;
grant execute on function catalog.search_products_ranked(text, text[], text, uuid[], boolean, int, int) to ${APP_ROLE};
revoke all on function catalog.like_prefix(text) from public;
`,
    down: `
drop function catalog.search_products_ranked(text, text[], text, uuid[], boolean, int, int);
drop function catalog.like_prefix(text);
${searchKeyV1}
set local statement_timeout = 0;
set local maintenance_work_mem = '256MB';
drop index catalog.product_search_key_trgm;
update catalog.product_search set search_key = catalog.search_key(search_text);
create index product_search_key_trgm on catalog.product_search using gin (search_key gin_trgm_ops);
${searchProductIdsV1}`,
  },
  {
    // items_by_ids looks items up by primary key in a list (= any($ids)). PostgreSQL costs the generic plan
    // of such a statement for a 10-element list, finds it dearer than the custom plans of one-element calls,
    // and so re-plans on every call: ~0.3 ms per stock movement (measured at 1M products: 322 µs per call,
    // 92 µs with the generic plan). A primary-key probe is the right plan for any list length.
    name: '20261122T0300_catalog_items_by_ids_generic_plan',
    up: 'alter function catalog.items_by_ids(uuid, uuid[]) set plan_cache_mode = force_generic_plan;',
    down: 'alter function catalog.items_by_ids(uuid, uuid[]) reset plan_cache_mode;',
  },
  {
    // That generic plan is kept per connection, and its first one may be made while the catalog is still
    // small (a sequential scan is then the cheapest, and stays until autovacuum's next analysis): the
    // function is a primary-key lookup at any size, so other scans are switched off inside it.
    name: '20261122T0420_catalog_items_by_ids_index_only',
    up: `alter function catalog.items_by_ids(uuid, uuid[]) set enable_seqscan = off;
alter function catalog.items_by_ids(uuid, uuid[]) set enable_bitmapscan = off;`,
    down: `alter function catalog.items_by_ids(uuid, uuid[]) reset enable_seqscan;
alter function catalog.items_by_ids(uuid, uuid[]) reset enable_bitmapscan;`,
  },
  {
    // Stock movements ask for one item, almost always a product: look products up first and variants only for
    // ids that were not products (one index probe fewer per movement). CREATE OR REPLACE resets a function's
    // settings, so the generic plan and the index-only scans of T0300 / T0420 are restated here.
    name: '20261122T0520_catalog_items_by_ids_products_first',
    up: itemsByIdsFunction(`
declare
  v_found bigint;
begin
  return query
${ITEMS_PRODUCTS};
  get diagnostics v_found = row_count;
  if v_found < cardinality(p_ids) then
    return query
${ITEMS_VARIANTS};
  end if;
end`),
    down: itemsByIdsFunction(`
begin
  return query
${ITEMS_VARIANTS}
    union all
${ITEMS_PRODUCTS};
end`),
  },
];

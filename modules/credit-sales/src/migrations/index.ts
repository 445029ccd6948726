import { APP_ROLE, tenantTableSql, type ModuleMigration } from '@chaharsu/db';

/**
 * `credit_sales.charges_by_keys`: the charges already recorded under (seller, key) pairs — the batch's
 * idempotency probe, one lookup of the unique (org, seller, key) index per pair, planned once per
 * connection. T0410 looped in PL/pgSQL, one query (and one executor start) per key; T0610 is one
 * statement: for each pair, a lateral lookup that cannot be pulled up (`offset 0`), so the pairs stay
 * the outer side of the loop and each lookup names all three key columns. As a plain join, on a young
 * table, the planner put the charges outside and filtered the organisation's charges by key.
 */
function chargesByKeysFunction(verb: 'create' | 'create or replace', options: { one_statement: boolean }): string {
  const body = options.one_statement ? `
  return query select c.* from unnest(p_seller_ids, p_keys) as k(seller_id, idempotency_key)
    cross join lateral (select * from credit_sales.charge c
      where c.org_id = p_org_id and c.seller_id = k.seller_id and c.idempotency_key = k.idempotency_key offset 0) as c;` : `
  for i in 1 .. coalesce(array_length(p_keys, 1), 0) loop
    return query select * from credit_sales.charge c
      where c.org_id = p_org_id and c.seller_id = p_seller_ids[i] and c.idempotency_key = p_keys[i];
  end loop;`;
  return `${verb} function credit_sales.charges_by_keys(p_org_id uuid, p_seller_ids uuid[], p_keys text[])
  returns setof credit_sales.charge language plpgsql stable security invoker
  set search_path = pg_catalog, pg_temp set plan_cache_mode = force_generic_plan
  set enable_seqscan = off set enable_bitmapscan = off as $$
begin${body}
end $$;`;
}

/**
 * Credit sales: sellers with credit (ledger accounts), their credit-increase requests, admin
 * corrections, charges (top-ups sold through the seller API) and the phone numbers charged.
 * Money rows are append-only for the app role; a request's decision is the only update, guarded by
 * `status = 'pending'` in the statement that makes it.
 */
export const creditSalesMigrations: ModuleMigration[] = [
  {
    name: '20261121T0310_credit_sales_base',
    up: `
create schema credit_sales;
grant usage on schema credit_sales to ${APP_ROLE};

-- The organisation-level ledger accounts this module uses (one funding account per organisation).
create table credit_sales.org_account (
  org_id uuid not null,
  kind text not null check (kind in ('credit_funding')),
  account_id uuid not null,
  created_at timestamptz not null default now(),
  primary key (org_id, kind)
);
${tenantTableSql('credit_sales.org_account')}
grant select, insert on credit_sales.org_account to ${APP_ROLE};

create table credit_sales.seller (
  org_id uuid not null,
  id uuid not null,
  name text not null check (length(name) between 1 and 200),
  contact_phone text check (contact_phone is null or contact_phone ~ '^09[0-9]{9}$'),
  status text not null default 'active' check (status in ('active', 'suspended')),
  credit_account_id uuid not null,
  sales_account_id uuid not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id)
);
create unique index seller_name on credit_sales.seller (org_id, lower(name));
${tenantTableSql('credit_sales.seller')}
grant select, insert on credit_sales.seller to ${APP_ROLE};
grant update (name, contact_phone, status, updated_at) on credit_sales.seller to ${APP_ROLE};

-- People who act for a seller in the seller portal (one seller per person per organisation).
create table credit_sales.seller_user (
  org_id uuid not null,
  user_id uuid not null,
  seller_id uuid not null,
  created_at timestamptz not null default now(),
  primary key (org_id, user_id)
);
create index seller_user_seller on credit_sales.seller_user (org_id, seller_id);
${tenantTableSql('credit_sales.seller_user')}
grant select, insert, delete on credit_sales.seller_user to ${APP_ROLE};

-- API keys issued (through identity) for a seller: identity keeps the hash; this is the seller's list.
create table credit_sales.seller_api_key (
  org_id uuid not null,
  api_key_id uuid not null,
  seller_id uuid not null,
  name text not null check (length(name) between 1 and 100),
  key_prefix text not null,
  created_at timestamptz not null default now(),
  revoked_at timestamptz,
  primary key (org_id, api_key_id)
);
create index seller_api_key_seller on credit_sales.seller_api_key (org_id, seller_id, created_at desc);
${tenantTableSql('credit_sales.seller_api_key')}
grant select, insert on credit_sales.seller_api_key to ${APP_ROLE};
grant update (revoked_at) on credit_sales.seller_api_key to ${APP_ROLE};

create table credit_sales.credit_request (
  org_id uuid not null,
  id uuid not null,
  seller_id uuid not null,
  amount_rial bigint not null check (amount_rial > 0),
  note text check (note is null or length(note) <= 1000),
  status text not null default 'pending' check (status in ('pending', 'approved', 'rejected')),
  has_receipt boolean not null default false,
  created_by text,
  created_at timestamptz not null default now(),
  decided_by text,
  decided_at timestamptz,
  decision_note text check (decision_note is null or length(decision_note) <= 1000),
  transfer_id uuid,
  primary key (org_id, id),
  check ((status = 'pending') = (decided_at is null)),
  check ((status = 'approved') = (transfer_id is not null))
);
create index credit_request_queue on credit_sales.credit_request (org_id, status, created_at);
create index credit_request_seller on credit_sales.credit_request (org_id, seller_id, created_at desc);
${tenantTableSql('credit_sales.credit_request')}
grant select, insert on credit_sales.credit_request to ${APP_ROLE};
grant update (status, decided_by, decided_at, decision_note, transfer_id) on credit_sales.credit_request to ${APP_ROLE};

-- The receipt image/PDF of a request, in the database (backed up and isolated with everything else).
create table credit_sales.credit_request_receipt (
  org_id uuid not null,
  request_id uuid not null,
  content_type text not null check (content_type in ('image/png', 'image/jpeg', 'application/pdf')),
  byte_size integer not null check (byte_size between 1 and 2097152),
  sha256 text not null,
  bytes bytea not null,
  created_at timestamptz not null default now(),
  primary key (org_id, request_id)
);
${tenantTableSql('credit_sales.credit_request_receipt')}
grant select, insert on credit_sales.credit_request_receipt to ${APP_ROLE};

create table credit_sales.correction (
  org_id uuid not null,
  id uuid not null,
  seller_id uuid not null,
  direction text not null check (direction in ('increase', 'decrease')),
  amount_rial bigint not null check (amount_rial > 0),
  reason text not null check (length(reason) between 3 and 1000),
  transfer_id uuid not null,
  idempotency_key text not null check (length(idempotency_key) between 1 and 64),
  created_by text,
  created_at timestamptz not null default now(),
  primary key (org_id, id),
  unique (org_id, idempotency_key)
);
create index correction_seller on credit_sales.correction (org_id, seller_id, created_at desc);
${tenantTableSql('credit_sales.correction')}
grant select, insert on credit_sales.correction to ${APP_ROLE};

-- Every charge request that reached a decision, accepted or refused, under the seller's idempotency key.
create table credit_sales.charge (
  org_id uuid not null,
  seller_id uuid not null,
  id uuid not null,
  idempotency_key text not null check (length(idempotency_key) between 1 and 64),
  phone text not null check (phone ~ '^09[0-9]{9}$'),
  operator text not null,
  amount_rial bigint not null check (amount_rial > 0),
  status text not null check (status in ('accepted', 'refused')),
  refusal_code text,
  balance_after_rial bigint,
  transfer_id uuid,
  api_key_id text,
  created_at timestamptz not null default now(),
  primary key (org_id, seller_id, id),
  unique (org_id, seller_id, idempotency_key),
  check ((status = 'accepted') = (transfer_id is not null and balance_after_rial is not null and refusal_code is null))
);
${tenantTableSql('credit_sales.charge')}
grant select, insert on credit_sales.charge to ${APP_ROLE};

-- The phone numbers that have been charged, with the operator inferred from the prefix.
create table credit_sales.phone_number (
  org_id uuid not null,
  phone text not null check (phone ~ '^09[0-9]{9}$'),
  operator text not null,
  first_charged_at timestamptz not null default now(),
  primary key (org_id, phone)
);
${tenantTableSql('credit_sales.phone_number')}
grant select, insert on credit_sales.phone_number to ${APP_ROLE};
`,
    down: 'drop schema credit_sales cascade;',
  },
  {
    // Every charge probes (org, seller, idempotency key). While the table is young and not yet
    // analysed, the planner estimated one row for any index leading with (org, seller) and took the
    // primary key (org, seller, id), filtering the seller's whole history by key: milliseconds per
    // batch, growing with every charge. Now the key index is the only one that leads with (org, seller):
    // the primary key is (org, id), and the seller's history (listing newest first, totals) has its
    // own index on (seller, id) — seller ids are unique across organisations, and every query still
    // names the organisation.
    name: '20261122T0100_credit_sales_charge_key_probe',
    up: `
alter table credit_sales.charge drop constraint charge_pkey;
alter table credit_sales.charge add constraint charge_pkey primary key (org_id, id);
create index charge_seller on credit_sales.charge (seller_id, id);
`,
    down: `
drop index credit_sales.charge_seller;
alter table credit_sales.charge drop constraint charge_pkey;
alter table credit_sales.charge add constraint charge_pkey primary key (org_id, seller_id, id);
`,
  },
  {
    // The idempotency probe as a loop of unique-index lookups in PL/pgSQL, planned once per connection.
    // As one statement (unnest ⋈ lateral lookup) it was planned per batch, and while the charge table
    // grew between autovacuum's analyses the planner sometimes joined the keys against a bitmap scan of
    // the seller's charges: 1.85 ms of execution per batch in the credit-sales benchmark, for a probe
    // that is 20 lookups of ~5 µs. The plan is kept per connection and its first one is made while the
    // table may still be empty and unanalysed, when every index and a sequential scan cost about the same:
    // scans other than an index's are switched off inside the function, and no other index may lead with
    // a column the probe names: the seller-history index becomes partial (`created_at is not null`, true
    // of every row, so only the queries that name that condition — the seller's charge list — can use
    // it), and the primary key becomes (id) alone (ids are UUIDv7, unique across organisations; row-level
    // security still keeps each organisation to its rows). The probe's one index is then the unique key.
    // (Measured in the credit-sales benchmark: generic plans made on the young table used the history
    // index, or the primary key's org_id prefix, and filtered by key — 29–65 ms per probe.)
    name: '20261122T0410_credit_sales_charges_by_keys',
    up: `
${chargesByKeysFunction('create', { one_statement: false })}
drop index credit_sales.charge_seller;
create index charge_seller on credit_sales.charge (seller_id, id) where created_at is not null;
alter table credit_sales.charge drop constraint charge_pkey;
alter table credit_sales.charge add constraint charge_pkey primary key (id);
revoke all on function credit_sales.charges_by_keys(uuid, uuid[], text[]) from public;
grant execute on function credit_sales.charges_by_keys(uuid, uuid[], text[]) to ${APP_ROLE};
`,
    down: `drop function credit_sales.charges_by_keys(uuid, uuid[], text[]);
drop index credit_sales.charge_seller;
create index charge_seller on credit_sales.charge (seller_id, id);
alter table credit_sales.charge drop constraint charge_pkey;
alter table credit_sales.charge add constraint charge_pkey primary key (org_id, id);`,
  },
  {
    // The probe as one statement of unique-index lookups instead of a PL/pgSQL loop of queries: one
    // executor start per batch instead of one per key (see chargesByKeysFunction).
    name: '20261122T0610_credit_sales_charges_by_keys_one_statement',
    up: chargesByKeysFunction('create or replace', { one_statement: true }),
    down: chargesByKeysFunction('create or replace', { one_statement: false }),
  },
];

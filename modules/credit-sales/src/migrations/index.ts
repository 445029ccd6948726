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
 * `credit_sales.charge_batch`: a batch of charges decided and written in one statement, so the transaction is
 * begin, this call and commit in one round trip and no seller's account stays locked across a hop to Node.
 * In order:
 * 1. the keys already used (the unique (org, seller, key) index, one lookup per charge): the same request gets
 *    the stored answer (`replayed`), a different one `key_reused`;
 * 2. a key repeated inside the batch follows its first charge (the same way);
 * 3. the fresh charges go to `ledger.post_each` in arrival order: a refused charge does not block a later one
 *    that fits;
 * 4. every fresh charge is recorded (accepted or refused, under its key) with the phone numbers charged.
 * A charge with one of the keys that commits between 1 and 4 (a retry racing its first attempt) makes step 4
 * fail on the key's unique index; the caller runs the batch again, and its new probe finds that charge.
 * Answers one row per input, in order: status (accepted, refused or key_reused), replayed, the charge's id,
 * balance after and time.
 */
const CHARGE_BATCH = `create function credit_sales.charge_batch(
  p_org_id uuid, p_seller_ids uuid[], p_credit_account_ids uuid[], p_sales_account_ids uuid[], p_keys text[], p_phones text[],
  p_operators text[], p_amounts bigint[], p_api_key_ids text[], p_charge_ids uuid[], p_transfer_ids uuid[])
  returns table (o_status text, o_replayed boolean, o_id uuid, o_balance_after_rial bigint, o_created_at timestamptz)
  language plpgsql volatile security invoker
  set search_path = pg_catalog, pg_temp set plan_cache_mode = force_generic_plan
  set enable_seqscan = off set enable_bitmapscan = off as $$
declare
  n int := coalesce(array_length(p_keys, 1), 0);
  outcome text[] := array_fill(null::text, array[n]);
  replayed boolean[] := array_fill(false, array[n]);
  ids uuid[] := array_fill(null::uuid, array[n]);
  balances bigint[] := array_fill(null::bigint, array[n]);
  times timestamptz[] := array_fill(null::timestamptz, array[n]);
  first_of int[] := array_fill(null::int, array[n]);
  fresh int[] := '{}';
  t_id uuid[] := '{}'; t_from uuid[] := '{}'; t_to uuid[] := '{}'; t_amount bigint[] := '{}'; t_reference_id text[] := '{}';
  posting record;
  probe record;
  i int; j int;
begin
  if n = 0 then return; end if;
  -- One pass in input order: a key already stored answers from its row; a key repeated in the batch points to
  -- its first occurrence; every other charge is fresh.
  for probe in select k.ord, k.first_ord, c.id, c.phone, c.amount_rial, c.status, c.balance_after_rial, c.created_at
    from (select u.seller_id, u.idempotency_key, u.ord, min(u.ord) over (partition by u.seller_id, u.idempotency_key) as first_ord
          from unnest(p_seller_ids, p_keys) with ordinality as u(seller_id, idempotency_key, ord)) as k
    left join lateral (select * from credit_sales.charge c
      where c.org_id = p_org_id and c.seller_id = k.seller_id and c.idempotency_key = k.idempotency_key offset 0) as c on true
    order by k.ord
  loop
    i := probe.ord;
    if probe.id is not null then
      if probe.phone = p_phones[i] and probe.amount_rial = p_amounts[i] then
        outcome[i] := probe.status; replayed[i] := true; ids[i] := probe.id; balances[i] := probe.balance_after_rial; times[i] := probe.created_at;
      else
        outcome[i] := 'key_reused';
      end if;
    elsif probe.first_ord <> i then
      first_of[i] := probe.first_ord;
    else
      fresh := fresh || i;
      t_id := t_id || p_transfer_ids[i];
      t_from := t_from || p_credit_account_ids[i];
      t_to := t_to || p_sales_account_ids[i];
      t_amount := t_amount || p_amounts[i];
      t_reference_id := t_reference_id || p_charge_ids[i]::text;
    end if;
  end loop;
  select * into posting from ledger.post_each(p_org_id, 'credit_sales.charge', 'credit_sales.charge', t_id, t_from, t_to, t_amount, t_reference_id);
  for m in 1 .. coalesce(array_length(fresh, 1), 0) loop
    i := fresh[m];
    outcome[i] := case when posting.posted[m] then 'accepted' else 'refused' end;
    ids[i] := p_charge_ids[i];
    balances[i] := posting.from_balance_after[m];
    times[i] := posting.created_at;
  end loop;
  insert into credit_sales.charge (org_id, seller_id, id, idempotency_key, phone, operator, amount_rial, status, refusal_code, balance_after_rial, transfer_id, api_key_id, created_at)
  select p_org_id, p_seller_ids[f], p_charge_ids[f], p_keys[f], p_phones[f], p_operators[f], p_amounts[f], outcome[f],
    case when outcome[f] = 'refused' then 'credit_sales.insufficient_credit' end, balances[f],
    case when outcome[f] = 'accepted' then p_transfer_ids[f] end, p_api_key_ids[f], posting.created_at
  from unnest(fresh) as f;
  insert into credit_sales.phone_number (org_id, phone, operator, first_charged_at)
  select distinct on (p_phones[f]) p_org_id, p_phones[f], p_operators[f], posting.created_at
  from unnest(fresh) as f where outcome[f] = 'accepted'
  on conflict do nothing;
  for i in 1 .. n loop
    j := first_of[i];
    continue when j is null;
    if p_phones[i] = p_phones[j] and p_amounts[i] = p_amounts[j] then
      outcome[i] := outcome[j]; replayed[i] := true; ids[i] := ids[j]; balances[i] := balances[j]; times[i] := times[j];
    else
      outcome[i] := 'key_reused';
    end if;
  end loop;
  return query select * from unnest(outcome, replayed, ids, balances, times);
end $$;`;

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
  {
    // A charge batch as one statement inside the database (see CHARGE_BATCH); needs ledger.post_each (T1200).
    // The probe it replaces (charges_by_keys) is dropped.
    name: '20261122T1210_credit_sales_charge_batch',
    up: `
${CHARGE_BATCH}
revoke all on function credit_sales.charge_batch from public;
grant execute on function credit_sales.charge_batch to ${APP_ROLE};
drop function credit_sales.charges_by_keys(uuid, uuid[], text[]);
`,
    down: `drop function credit_sales.charge_batch;
${chargesByKeysFunction('create', { one_statement: true })}
revoke all on function credit_sales.charges_by_keys(uuid, uuid[], text[]) from public;
grant execute on function credit_sales.charges_by_keys(uuid, uuid[], text[]) to ${APP_ROLE};
`,
  },
];

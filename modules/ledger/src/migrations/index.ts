import { APP_ROLE, tenantTableSql, type ModuleMigration } from '@chaharsu/db';

/**
 * `ledger.write_batch`: the transfers, their entries, and each account's new balance and version, updated
 * by primary key only while still at the version read under the lock. T0400 returned how many accounts
 * matched (the caller compared the count); T0600 (`checked`) raises when one does not, so the call can
 * travel without waiting for its answer (a deferred statement whose failure rolls the transaction back).
 *
 * The accounts stay one update each. As one statement the 38 updates of a 100-seller batch cost 0.8 ms
 * instead of ~2 ms in pgbench (PostgreSQL compiles a table's CHECK constraints for every statement that
 * writes it), but neither form held up: as a plain join, the plan made once per connection scanned the
 * organisation's accounts whenever the statistics made the organisation look small (EXPLAIN on an empty
 * table and on two organisations of 110 and 20 accounts); as primary-key lookups updated by row address,
 * PostgreSQL spent 617–669 µs per charge in the 100-seller benchmark against ~245 µs, for a reason not found.
 * (`ledger.post_each` writes by address since T1900, through a TID scan with index scans off for that one
 * statement, and measured well: see WRITE_BALANCES.)
 */
function writeBatchFunction(verb: 'create' | 'create or replace', options: { checked: boolean }): string {
  const accounts = `
  for i in 1 .. coalesce(array_length(a_id, 1), 0) loop
    update ledger.account set balance_rial = a_balance[i], version = a_version[i]
    where org_id = p_org_id and id = a_id[i] and version = a_expected_version[i];
    get diagnostics n = row_count;${options.checked ? `
    if n <> 1 then
      raise exception 'ledger: account % is not at version % under its lock', a_id[i], a_expected_version[i];
    end if;` : ''}
    updated := updated + n;
  end loop;`;
  return `${verb} function ledger.write_batch(
  p_org_id uuid, p_created_at timestamptz,
  t_id uuid[], t_from uuid[], t_to uuid[], t_amount bigint[], t_kind text[], t_reference_type text[], t_reference_id text[], t_memo text[], t_key text[],
  e_account uuid[], e_version bigint[], e_transfer uuid[], e_amount bigint[], e_balance_after bigint[],
  a_id uuid[], a_balance bigint[], a_version bigint[], a_expected_version bigint[])
  returns int language plpgsql volatile security invoker
  set search_path = pg_catalog, pg_temp set plan_cache_mode = force_generic_plan
  set enable_seqscan = off set enable_bitmapscan = off as $$
declare
  updated int := 0;
  n int;
begin
  insert into ledger.transfer (org_id, id, from_account_id, to_account_id, amount_rial, kind, reference_type, reference_id, memo, idempotency_key, created_at)
  select p_org_id, x.*, p_created_at from unnest(t_id, t_from, t_to, t_amount, t_kind, t_reference_type, t_reference_id, t_memo, t_key) as x;
  insert into ledger.entry (org_id, account_id, version, transfer_id, amount_rial, balance_after_rial, created_at)
  select p_org_id, x.*, p_created_at from unnest(e_account, e_version, e_transfer, e_amount, e_balance_after) as x;${accounts}
  return updated;
end $$;`;
}

/**
 * `ledger.lock_accounts` (T1910): the service's `lockAccounts` — every account of the list locked `FOR UPDATE` in id
 * order (every writer locks in that order, so no two wait on each other in a cycle) by one primary-key probe each,
 * with the transaction's clock. Missing ids are simply absent from the answer (the caller checks).
 */
const LOCK_ACCOUNTS = `create function ledger.lock_accounts(p_org_id uuid, p_ids uuid[])
  returns table (id uuid, allow_negative boolean, balance_rial bigint, version bigint, now timestamptz)
  language plpgsql volatile security invoker
  set search_path = pg_catalog, pg_temp set plan_cache_mode = force_generic_plan
  set enable_seqscan = off set enable_bitmapscan = off as $$
#variable_conflict use_column
begin
  return query select l.id, l.allow_negative, l.balance_rial, l.version, now()
    from unnest(array(select distinct x from unnest(p_ids) as x order by 1)) as u(id)
    cross join lateral (select a.id, a.allow_negative, a.balance_rial, a.version from ledger.account a
          where a.org_id = p_org_id and a.id = u.id offset 0 for update) as l;
end $$;`;

/**
 * `ledger.post_each`: keyless transfers of one kind, decided in order against the accounts' balances under
 * their row locks, inside the database — for callers whose whole transaction is one statement (credit sales'
 * charge batch), so an account stays locked for no round trip to Node. The same rules as the service's
 * `post(…, 'each')`: the accounts are locked in id order (every writer locks in that order), a transfer that
 * would take a may-not-go-negative account below zero is refused and the ones after it are still decided,
 * each posted transfer writes its row, one entry per side with the account's next version and its balance
 * after, and each account changed is updated once. The account table's `account_never_negative` check and
 * the entries' (account, version) key stay the last walls.
 *
 * Answers, in input order, whether each transfer was posted and the paying account's balance after it, and
 * the transaction's clock (the transfers' `created_at`). An account missing from the organisation, an
 * amount that is not positive or a transfer to its own account raises (the caller's transaction rolls back).
 *
 * Two versions: T1200's locks with `id = any(…)` and writes the balances with a join on ids; T1900's
 * (`by_address`) probes the primary key once per account and writes by the row addresses the lock returned
 * (`ledger.write_balances`), so neither step's cost depends on the statistics.
 */
function postEachFunction(verb: 'create' | 'create or replace', options: { by_address: boolean }): string {
  const lock = options.by_address ? `  -- One primary-key probe per account, in id order (the lateral subquery cannot be flattened into a scan of
  -- the organisation's accounts, whatever the statistics say about its size).
  select array_agg(l.id), array_agg(l.allow_negative), array_agg(l.balance_rial), array_agg(l.version), array_agg(l.ctid)
    into a_id, a_negative, a_balance, a_version, a_tid
    from unnest(array(select distinct x from unnest(t_from || t_to) as x order by 1)) as u(id)
    cross join lateral (select a.id, a.allow_negative, a.balance_rial, a.version, a.ctid from ledger.account a
          where a.org_id = p_org_id and a.id = u.id offset 0 for update) as l;` : `  select array_agg(l.id), array_agg(l.allow_negative), array_agg(l.balance_rial), array_agg(l.version)
    into a_id, a_negative, a_balance, a_version
    from (select a.id, a.allow_negative, a.balance_rial, a.version from ledger.account a
          where a.org_id = p_org_id and a.id = any(t_from || t_to) order by a.id for update) as l;`;
  const write = options.by_address ? `  updated := ledger.write_balances(p_org_id, a_tid, a_id, a_balance, a_version, a_start);` : `  -- One statement for every account changed; \`id = any(a_id)\` keeps any plan to the batch's accounts.
  update ledger.account a set balance_rial = u.balance, version = u.version
  from unnest(a_id, a_balance, a_version, a_start) as u(id, balance, version, start)
  where a.org_id = p_org_id and a.id = any(a_id) and a.id = u.id and u.version <> u.start and a.version = u.start;
  get diagnostics updated = row_count;`;
  return `${verb} function ledger.post_each(
  p_org_id uuid, p_kind text, p_reference_type text,
  t_id uuid[], t_from uuid[], t_to uuid[], t_amount bigint[], t_reference_id text[],
  out posted boolean[], out from_balance_after bigint[], out created_at timestamptz)
  language plpgsql volatile security invoker
  set search_path = pg_catalog, pg_temp set plan_cache_mode = force_generic_plan
  set enable_seqscan = off set enable_bitmapscan = off as $$
declare
  n int := coalesce(array_length(t_id, 1), 0);
  ${options.by_address ? 'a_tid tid[]; ' : ''}a_id uuid[]; a_negative boolean[]; a_balance bigint[]; a_version bigint[]; a_start bigint[];
  from_version bigint[] := array_fill(null::bigint, array[n]);
  to_version bigint[] := array_fill(null::bigint, array[n]);
  to_balance bigint[] := array_fill(null::bigint, array[n]);
  f int; t int; changed int := 0; updated int;
begin
  created_at := now();
  posted := array_fill(false, array[n]);
  from_balance_after := array_fill(null::bigint, array[n]);
  if n = 0 then return; end if;
${lock}
  a_start := a_version;
  for i in 1 .. n loop
    f := array_position(a_id, t_from[i]);
    t := array_position(a_id, t_to[i]);
    if f is null or t is null then
      raise exception 'ledger: account % or % is not in organisation %', t_from[i], t_to[i], p_org_id using errcode = 'P0002';
    end if;
    if f = t or t_amount[i] is null or t_amount[i] <= 0 then
      raise exception 'ledger: transfer % is invalid (amount %, from % to %)', t_id[i], t_amount[i], t_from[i], t_to[i] using errcode = '22023';
    end if;
    continue when not a_negative[f] and a_balance[f] < t_amount[i];
    a_balance[f] := a_balance[f] - t_amount[i];
    a_version[f] := a_version[f] + 1;
    a_balance[t] := a_balance[t] + t_amount[i];
    a_version[t] := a_version[t] + 1;
    posted[i] := true;
    from_balance_after[i] := a_balance[f];
    from_version[i] := a_version[f];
    to_balance[i] := a_balance[t];
    to_version[i] := a_version[t];
  end loop;
  insert into ledger.transfer (org_id, id, from_account_id, to_account_id, amount_rial, kind, reference_type, reference_id, memo, idempotency_key, created_at)
  select p_org_id, x.id, x.f, x.t, x.amount, p_kind, p_reference_type, x.reference_id, null, null, post_each.created_at
  from unnest(t_id, t_from, t_to, t_amount, t_reference_id, posted) as x(id, f, t, amount, reference_id, ok) where x.ok;
  insert into ledger.entry (org_id, account_id, version, transfer_id, amount_rial, balance_after_rial, created_at)
  select p_org_id, e.account_id, e.version, x.id, e.amount, e.balance_after, post_each.created_at
  from unnest(t_id, t_from, t_to, t_amount, from_version, from_balance_after, to_version, to_balance, posted)
    as x(id, f, t, amount, fv, fb, tv, tb, ok)
  cross join lateral (values (x.f, x.fv, -x.amount, x.fb), (x.t, x.tv, x.amount, x.tb)) as e(account_id, version, amount, balance_after)
  where x.ok;
  for k in 1 .. array_length(a_id, 1) loop
    if a_version[k] <> a_start[k] then changed := changed + 1; end if;
  end loop;
${write}
  if updated <> changed then
    raise exception 'ledger: % of % accounts were not at the version read under their lock', changed - updated, changed;
  end if;
end $$;`;
}
const POST_EACH = postEachFunction('create', { by_address: false });

/**
 * `ledger.write_balances` (T1900): the new balance and version of each account a batch changed, by row
 * address. The caller has just locked these rows (`select … for update` in the same transaction returns the
 * locked version's address, and no one else can update them before it commits), so each row is read by its
 * address: a TID scan, one heap fetch per account, whatever the statistics say. Index scans are off for this
 * one statement, so the plan cannot fall back to reading the organisation's accounts through the primary key
 * (what the join on ids did whenever the statistics made the organisation look small). A row not at the
 * version read under the lock (or not at that address) is not updated, and the caller compares the count.
 */
const WRITE_BALANCES = `create function ledger.write_balances(
  p_org_id uuid, a_tid tid[], a_id uuid[], a_balance bigint[], a_version bigint[], a_start bigint[])
  returns int language plpgsql volatile security invoker
  set search_path = pg_catalog, pg_temp set plan_cache_mode = force_generic_plan
  set enable_seqscan = off set enable_bitmapscan = off set enable_indexscan = off set enable_indexonlyscan = off
  set enable_nestloop = off as $$
declare
  updated int;
begin
  update ledger.account a set balance_rial = u.balance, version = u.version
  from unnest(a_tid, a_id, a_balance, a_version, a_start) as u(tid, id, balance, version, start)
  where a.ctid = any(a_tid) and a.ctid = u.tid and a.org_id = p_org_id and a.id = u.id
    and u.version <> u.start and a.version = u.start;
  get diagnostics updated = row_count;
  return updated;
end $$;`;


/**
 * The double-entry ledger. Every movement is a transfer between two accounts of one organisation;
 * each transfer writes two entries (one per account) that carry the account's version and its
 * balance after the entry. Transfers and entries are append-only: the app role may insert and read
 * them, never update or delete. The account row caches the balance and version (the row that is
 * locked and guarded); `check (allow_negative or balance_rial >= 0)` is the last wall against overdraft.
 */
export const ledgerMigrations: ModuleMigration[] = [
  {
    name: '20261121T0300_ledger_base',
    up: `
create schema ledger;
grant usage on schema ledger to ${APP_ROLE};

create table ledger.account (
  org_id uuid not null,
  id uuid not null,
  kind text not null check (kind ~ '^[a-z][a-z_]{1,39}$'),
  name text not null check (length(name) between 1 and 200),
  owner_type text check (owner_type is null or length(owner_type) between 1 and 60),
  owner_id uuid,
  allow_negative boolean not null default false,
  balance_rial bigint not null default 0,
  version bigint not null default 0 check (version >= 0),
  created_at timestamptz not null default now(),
  primary key (org_id, id),
  constraint account_never_negative check (allow_negative or balance_rial >= 0)
);
create index account_owner on ledger.account (org_id, owner_type, owner_id);
${tenantTableSql('ledger.account')}
-- Only the cached balance and version ever change (under the row lock, in the transaction that writes the entries).
grant select, insert on ledger.account to ${APP_ROLE};
grant update (balance_rial, version, name) on ledger.account to ${APP_ROLE};

create table ledger.transfer (
  org_id uuid not null,
  id uuid not null,
  from_account_id uuid not null,
  to_account_id uuid not null,
  amount_rial bigint not null check (amount_rial > 0),
  kind text not null check (kind ~ '^[a-z][a-z0-9_.]{1,59}$'),
  reference_type text check (reference_type is null or length(reference_type) between 1 and 60),
  reference_id text check (reference_id is null or length(reference_id) between 1 and 100),
  memo text check (memo is null or length(memo) <= 500),
  idempotency_key text check (idempotency_key is null or length(idempotency_key) between 1 and 200),
  created_at timestamptz not null default now(),
  primary key (org_id, id),
  -- No foreign keys to ledger.account: the posting code locks both accounts (and asserts they exist)
  -- before writing, and an RI check per row would cost two extra lookups on the hot path. The
  -- reconcile proves every transfer's entries land on its two accounts.
  check (from_account_id <> to_account_id)
);
create unique index transfer_idempotency on ledger.transfer (org_id, idempotency_key) where idempotency_key is not null;
${tenantTableSql('ledger.transfer')}
grant select, insert on ledger.transfer to ${APP_ROLE};

-- One row per side of a transfer. (account, version) is unique and versions are consecutive, so an
-- account's history is one chain: balance_after of version v = balance_after of v-1 + amount of v.
create table ledger.entry (
  org_id uuid not null,
  account_id uuid not null,
  version bigint not null check (version >= 1),
  transfer_id uuid not null,
  amount_rial bigint not null check (amount_rial <> 0),
  balance_after_rial bigint not null,
  created_at timestamptz not null default now(),
  primary key (org_id, account_id, version)
);
${tenantTableSql('ledger.entry')}
grant select, insert on ledger.entry to ${APP_ROLE};
`,
    down: 'drop schema ledger cascade;',
  },
  {
    // The batch write as a PL/pgSQL function, planned once per connection (force_generic_plan): as one
    // statement of three CTEs over unnest() it was parsed and planned on every batch (pg_stat_statements in
    // the credit-sales benchmark: 0.33 ms of planning in 1.28 ms per call). Each account is updated by its
    // primary key, guarded by the version read under the lock; the caller checks that every one matched.
    // The plan is kept per connection and may first be made while the account table is tiny, so scans other
    // than the primary key's are switched off inside the function (a key lookup at any table size).
    // Security invoker: the caller's row-level security applies.
    name: '20261122T0400_ledger_write_batch',
    up: `
${writeBatchFunction('create', { checked: false })}
revoke all on function ledger.write_batch from public;
grant execute on function ledger.write_batch to ${APP_ROLE};
`,
    down: 'drop function ledger.write_batch;',
  },
  {
    // The batch write raises when an account is not at the version the lock found, so the caller sends
    // it deferred (with the next statement, at the latest the commit) instead of waiting for its count:
    // a round trip fewer for every posting, and for a hot credit-sales seller one Node hop fewer while
    // the account's row lock is held (see writeBatchFunction).
    name: '20261122T0600_ledger_write_batch_checks_versions',
    up: writeBatchFunction('create or replace', { checked: true }),
    down: writeBatchFunction('create or replace', { checked: false }),
  },
  {
    // Posting as one call inside the database, for callers whose transaction is one statement (see POST_EACH).
    name: '20261122T1200_ledger_post_each',
    up: `
${POST_EACH}
revoke all on function ledger.post_each from public;
grant execute on function ledger.post_each to ${APP_ROLE};
`,
    down: 'drop function ledger.post_each;',
  },
  {
    // The kinds' format without counted repetition: PostgreSQL's regex engine unrolls {1,59} into a state per
    // repeat, and checks run on every insert and on every balance update (all of a table's checks are evaluated on
    // UPDATE). The same rule as a plain pattern plus a length: 6.3 -> 1.1 µs per transfer kind, 3.6 -> 0.9 µs per
    // account kind (200,000 rows, SELECT over generate_series); ~7 % of PostgreSQL's CPU in the 100-seller charge
    // benchmark was the regex matcher. Validating scans the tables under the migration's lock.
    name: '20261122T1300_ledger_kind_checks_without_counted_repeats',
    up: `
alter table ledger.account drop constraint account_kind_check,
  add constraint account_kind_check check (kind ~ '^[a-z][a-z_]*$' and length(kind) between 2 and 40);
alter table ledger.transfer drop constraint transfer_kind_check,
  add constraint transfer_kind_check check (kind ~ '^[a-z][a-z0-9_.]*$' and length(kind) between 2 and 60);
`,
    down: `
alter table ledger.account drop constraint account_kind_check, add constraint account_kind_check check (kind ~ '^[a-z][a-z_]{1,39}$');
alter table ledger.transfer drop constraint transfer_kind_check, add constraint transfer_kind_check check (kind ~ '^[a-z][a-z0-9_.]{1,59}$');
`,
  },
  {
    // The batch's accounts found and written in a cost that does not depend on the statistics (see WRITE_BALANCES):
    // right after a hundred sellers were added, their first batches locked and updated accounts by reading all of the
    // organisation's (the plan made once per connection still thought the organisation had three); 56 accounts
    // took 2.1 ms to update, 0.35 ms by address.
    name: '20261122T1900_ledger_post_each_by_address',
    up: `
${WRITE_BALANCES}
revoke all on function ledger.write_balances from public;
grant execute on function ledger.write_balances to ${APP_ROLE};
${postEachFunction('create or replace', { by_address: true })}
`,
    down: `
${postEachFunction('create or replace', { by_address: false })}
drop function ledger.write_balances;
`,
  },
  {
    // The service's lock (transfers, approvals, corrections) as a function with sequential and bitmap scans off: one
    // primary-key probe per account whatever the statistics say (a plan made while the table was one page would
    // otherwise read it whole for every id once it has grown).
    name: '20261122T1910_ledger_lock_accounts',
    up: `
${LOCK_ACCOUNTS}
revoke all on function ledger.lock_accounts from public;
grant execute on function ledger.lock_accounts to ${APP_ROLE};
`,
    down: 'drop function ledger.lock_accounts;',
  },
];

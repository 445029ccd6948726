import { APP_ROLE, tenantTableSql, type ModuleMigration } from '@chaharsu/db';

/**
 * Inventory tables.
 * - stock_level: one row per warehouse × item (item = product without variants, or a variant).
 *   `quantity` is a running balance kept in the same transaction as each movement; the ledger
 *   (movement) is the truth and stock_level always equals its sum (tested under concurrency).
 *   `min_quantity` is the effective minimum (the warehouse override, else the item's global one),
 *   kept here so the low-stock list is one indexed scan.
 * - item_minimum: the global minimum per item.
 * - movement: append-only (the app role may only select and insert). A reversal is a new row
 *   pointing at the original; a unique index makes "reversed once" a database fact.
 */
/**
 * The parts of inventory.apply_leg that both its versions (T2300, T0450) share: the signature, the stock row
 * created on a first receipt (with the item's global minimum), the guarded balance update that keeps the
 * low-stock mark, and the ledger row.
 */
const APPLY_LEG_SIGNATURE = `\
  p_org_id uuid, p_id uuid, p_type text, p_warehouse_id uuid, p_item_id uuid, p_product_id uuid, p_variant_id uuid,
  p_delta numeric, p_allow_negative boolean, p_counter_warehouse_id uuid, p_transfer_id uuid, p_reverses_movement_id uuid,
  p_user_id uuid, p_employee_id uuid, p_actor_kind text, p_actor_id text, p_reason text, p_reference_type text,
  p_reference_id text, p_idempotency_key text)
  returns table (created_at timestamptz, quantity_after numeric, min_quantity numeric, low_alert boolean)
  language plpgsql volatile security invoker set search_path = pg_catalog, pg_temp as $$
#variable_conflict use_column
`;
const STOCK_ROW_INSERT = `    insert into inventory.stock_level (org_id, warehouse_id, item_id, product_id, variant_id, min_quantity)
      values (p_org_id, p_warehouse_id, p_item_id, p_product_id, p_variant_id,
        (select m.min_quantity from inventory.item_minimum m where m.org_id = p_org_id and m.item_id = p_item_id))
      on conflict (org_id, warehouse_id, item_id) do nothing;
`;
const BALANCE_UPDATE = `  update inventory.stock_level s set
      quantity = s.quantity + p_delta,
      movement_count = s.movement_count + 1,
      last_movement_at = now(),
      updated_at = now(),
      low_notified_at = case
        when s.min_quantity is null or s.quantity + p_delta >= s.min_quantity then null
        else coalesce(s.low_notified_at, now()) end
    where s.org_id = p_org_id and s.warehouse_id = p_warehouse_id and s.item_id = p_item_id
      and (p_allow_negative or s.quantity + p_delta >= 0)
    returning s.quantity, s.min_quantity, s.low_notified_at into v_quantity, v_min, v_notified;
`;
const MOVEMENT_INSERT = `  insert into inventory.movement (org_id, id, type, warehouse_id, item_id, product_id, variant_id, quantity_delta, quantity_after,
      counter_warehouse_id, transfer_id, reverses_movement_id, user_id, employee_id, actor_kind, actor_id, reason, reference_type,
      reference_id, idempotency_key)
    values (p_org_id, p_id, p_type, p_warehouse_id, p_item_id, p_product_id, p_variant_id, p_delta, v_quantity,
      p_counter_warehouse_id, p_transfer_id, p_reverses_movement_id, p_user_id, p_employee_id, p_actor_kind, p_actor_id, p_reason,
      p_reference_type, p_reference_id, p_idempotency_key)
    returning created_at into v_created;
`;

/** inventory.apply_leg as migration T2300 created it (the T0450 down restores it). */
const applyLegV1 = (verb: 'create' | 'create or replace'): string => `${verb} function inventory.apply_leg(
${APPLY_LEG_SIGNATURE}declare
  v_was_notified timestamptz;
  v_quantity numeric;
  v_min numeric;
  v_notified timestamptz;
  v_created timestamptz;
begin
  -- Lock the balance row first: its notification mark before this leg decides whether this leg alerts.
  select s.low_notified_at into v_was_notified from inventory.stock_level s
    where s.org_id = p_org_id and s.warehouse_id = p_warehouse_id and s.item_id = p_item_id for update;
  if not found then
    if not p_allow_negative then return; end if;
    -- Stock rows are created on the first receipt (with the item's global minimum).
${STOCK_ROW_INSERT}    select s.low_notified_at into v_was_notified from inventory.stock_level s
      where s.org_id = p_org_id and s.warehouse_id = p_warehouse_id and s.item_id = p_item_id for update;
  end if;
${BALANCE_UPDATE}  if not found then return; end if;
${MOVEMENT_INSERT}  return query select v_created, v_quantity, v_min, (v_was_notified is null and v_notified is not null);
end $$;`;

export const inventoryMigrations: ModuleMigration[] = [
  {
    name: '20261121T1001_inventory_base',
    up: `
create schema inventory;
grant usage on schema inventory to ${APP_ROLE};

create table inventory.item_minimum (
  org_id uuid not null,
  item_id uuid not null,
  product_id uuid not null,
  min_quantity numeric(18, 3) not null check (min_quantity >= 0),
  updated_at timestamptz not null default now(),
  primary key (org_id, item_id)
);
${tenantTableSql('inventory.item_minimum')}

create table inventory.stock_level (
  org_id uuid not null,
  warehouse_id uuid not null,
  item_id uuid not null,
  product_id uuid not null,
  variant_id uuid,
  quantity numeric(18, 3) not null default 0,
  min_quantity numeric(18, 3),
  min_quantity_override numeric(18, 3) check (min_quantity_override >= 0),
  -- Set when a low-stock notification went out; cleared when stock is back at or above the minimum.
  low_notified_at timestamptz,
  movement_count bigint not null default 0,
  last_movement_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, warehouse_id, item_id)
);
create index stock_level_item on inventory.stock_level (org_id, item_id);
create index stock_level_product on inventory.stock_level (org_id, product_id);
create index stock_level_low on inventory.stock_level (org_id, warehouse_id, item_id) where quantity < min_quantity;
create index stock_level_negative on inventory.stock_level (org_id, warehouse_id, item_id) where quantity < 0;
${tenantTableSql('inventory.stock_level')}

create table inventory.movement (
  org_id uuid not null,
  id uuid not null,
  created_at timestamptz not null default now(),
  type text not null check (type in ('in', 'out', 'transfer_out', 'transfer_in', 'adjust', 'reversal')),
  warehouse_id uuid not null,
  item_id uuid not null,
  product_id uuid not null,
  variant_id uuid,
  quantity_delta numeric(18, 3) not null check (quantity_delta <> 0),
  quantity_after numeric(18, 3) not null,
  -- The other warehouse of a transfer leg; the id of the first leg groups both legs.
  counter_warehouse_id uuid,
  transfer_id uuid,
  reverses_movement_id uuid,
  user_id uuid,
  employee_id uuid,
  actor_kind text not null,
  actor_id text,
  reason text check (reason is null or length(reason) <= 500),
  reference_type text check (reference_type is null or reference_type ~ '^[a-z_]{1,40}$'),
  reference_id text check (reference_id is null or length(reference_id) <= 100),
  idempotency_key text check (idempotency_key is null or length(idempotency_key) between 8 and 200),
  primary key (org_id, id),
  check ((type = 'reversal') = (reverses_movement_id is not null)),
  -- Transfer legs (and the reversals of transfer legs) carry the transfer id and the other warehouse.
  check (type not in ('transfer_out', 'transfer_in') or (transfer_id is not null and counter_warehouse_id is not null))
);
create unique index movement_reversed_once on inventory.movement (org_id, reverses_movement_id) where reverses_movement_id is not null;
create unique index movement_idempotency on inventory.movement (org_id, idempotency_key) where idempotency_key is not null;
create index movement_time on inventory.movement (org_id, created_at desc, id desc);
create index movement_item on inventory.movement (org_id, item_id, created_at desc);
create index movement_product on inventory.movement (org_id, product_id, created_at desc);
create index movement_warehouse on inventory.movement (org_id, warehouse_id, created_at desc);
create index movement_user on inventory.movement (org_id, user_id, created_at desc) where user_id is not null;
create index movement_employee on inventory.movement (org_id, employee_id, created_at desc) where employee_id is not null;
create index movement_transfer on inventory.movement (org_id, transfer_id) where transfer_id is not null;
create index movement_reference on inventory.movement (org_id, reference_type, reference_id) where reference_id is not null;
${tenantTableSql('inventory.movement')}

grant select, insert, update, delete on inventory.stock_level to ${APP_ROLE};
grant select, insert, update, delete on inventory.item_minimum to ${APP_ROLE};
-- The ledger is append-only for the application.
grant select, insert on inventory.movement to ${APP_ROLE};
`,
    down: 'drop schema inventory cascade;',
  },
  {
    // One leg of a movement in one round trip, with plans cached per connection (PL/pgSQL prepares its
    // statements once per session). Found with pg_stat_statements in the warehouse benchmark: of the
    // ~1.5 ms PostgreSQL spent per stock-out, ~1.3 ms was planning the same statements again on every
    // request. Security invoker: row-level security and the app role's grants (append-only ledger) apply
    // exactly as to the statements it replaces. The rules are the same:
    // - the balance changes only when the result stays >= 0 (unless p_allow_negative): no row back means
    //   "not enough stock"; the row lock serialises concurrent issues of the same item;
    // - the ledger row is written with the balance after it, in the same transaction (stock = sum of movements);
    // - low_notified_at clears when the balance is back at or above the minimum and is set when it falls
    //   below it; low_alert says this leg is the one that crossed (the caller notifies the people responsible).
    name: '20261121T2300_inventory_apply_leg',
    up: `
${applyLegV1('create')}
revoke all on function inventory.apply_leg(uuid, uuid, text, uuid, uuid, uuid, uuid, numeric, boolean, uuid, uuid, uuid, uuid, uuid, text, text, text, text, text, text) from public;
grant execute on function inventory.apply_leg(uuid, uuid, text, uuid, uuid, uuid, uuid, numeric, boolean, uuid, uuid, uuid, uuid, uuid, text, text, text, text, text, text) to ${APP_ROLE};
`,
    down: 'drop function inventory.apply_leg(uuid, uuid, text, uuid, uuid, uuid, uuid, numeric, boolean, uuid, uuid, uuid, uuid, uuid, text, text, text, text, text, text);',
  },
  {
    // Balance updates become HOT (heap-only: no index is touched). The low- and negative-stock indexes were
    // partial on \`quantity < …\`, so every change of quantity was a non-HOT update that inserted a new entry
    // into all five indexes of the table — at 1M items, three random index pages per movement. Their
    // predicates now read stored generated flags, which change only when a balance crosses its minimum or
    // zero, and the table keeps 15 % of each page free for the new row versions (this migration rewrites it).
    name: '20261122T0430_inventory_stock_level_hot_updates',
    up: `
alter table inventory.stock_level set (fillfactor = 85);
alter table inventory.stock_level
  add column is_low boolean generated always as (quantity < min_quantity) stored,
  add column is_negative boolean generated always as (quantity < 0) stored;
drop index inventory.stock_level_low;
drop index inventory.stock_level_negative;
create index stock_level_low on inventory.stock_level (org_id, warehouse_id, item_id) where is_low;
create index stock_level_negative on inventory.stock_level (org_id, warehouse_id, item_id) where is_negative;
`,
    down: `
drop index inventory.stock_level_low;
drop index inventory.stock_level_negative;
alter table inventory.stock_level drop column is_low, drop column is_negative;
alter table inventory.stock_level reset (fillfactor);
create index stock_level_low on inventory.stock_level (org_id, warehouse_id, item_id) where quantity < min_quantity;
create index stock_level_negative on inventory.stock_level (org_id, warehouse_id, item_id) where quantity < 0;
`,
  },
  {
    // A product without variants is its own item (item_id = product_id), so movement_product repeated
    // movement_item entry for entry: one more random page of a multi-million-row index per movement (and a
    // full-page image in the WAL after each checkpoint). It now holds only variants' movements; a product's
    // history reads movement_item for the product itself and this index for its variants.
    name: '20261122T0440_inventory_movement_product_variants_only',
    up: `
drop index inventory.movement_product;
create index movement_product on inventory.movement (org_id, product_id, created_at desc) where variant_id is not null;
`,
    down: `
drop index inventory.movement_product;
create index movement_product on inventory.movement (org_id, product_id, created_at desc);
`,
  },
  {
    // One statement instead of two on the balance row: the guarded update locks and changes it at once (the
    // separate SELECT … FOR UPDATE was there to read the low-stock mark before the change). "This leg
    // crossed below the minimum" is now read from the mark itself: it is set to the transaction's now() only
    // when it was empty. (Two legs of one transaction never touch the same row — a transfer's legs are in
    // two warehouses — and the notification is deduplicated by warehouse and item anyway.)
    name: '20261122T0450_inventory_apply_leg_one_update',
    up: `
create or replace function inventory.apply_leg(
${APPLY_LEG_SIGNATURE}declare
  v_quantity numeric;
  v_min numeric;
  v_notified timestamptz;
  v_created timestamptz;
begin
  -- The guarded update locks and changes the balance; with p_allow_negative a missing row is created (with
  -- the item's global minimum) and the update runs once more.
  for attempt in 1 .. 2 loop
${BALANCE_UPDATE}    exit when found;
    if not p_allow_negative or attempt = 2 then return; end if;
${STOCK_ROW_INSERT}  end loop;
${MOVEMENT_INSERT}  -- The mark holds this transaction's now() only when this leg set it (it was empty, the balance fell below the minimum).
  return query select v_created, v_quantity, v_min, (v_notified is not null and v_notified = now());
end $$;
`,
    down: `
${applyLegV1('create or replace')}
`,
  },
  {
    // The idempotency-key replay in one round trip (it was two: the advisory lock, then the lookup): the lock
    // serialises requests carrying the same key; the rows are what the first of them wrote (both legs of a
    // transfer, or of its reversal). Called as a prepared statement, so inside a request it can travel with
    // begin and the row-level-security scope (decision 0011).
    name: '20261122T0500_inventory_movements_by_key',
    up: `
create function inventory.movements_by_key(p_org_id uuid, p_key text) returns setof inventory.movement
  language plpgsql volatile security invoker set search_path = pg_catalog, pg_temp as $$
declare
  v_first inventory.movement;
begin
  perform pg_advisory_xact_lock(hashtextextended('inventory:' || p_org_id::text || ':' || p_key, 0));
  select * into v_first from inventory.movement m where m.org_id = p_org_id and m.idempotency_key = p_key limit 1;
  if not found then return; end if;
  if v_first.transfer_id is null then return next v_first; return; end if;
  return query select * from inventory.movement m
    where m.org_id = p_org_id and m.transfer_id = v_first.transfer_id and ((m.type = 'reversal') = (v_first.type = 'reversal'))
    order by m.id;
end $$;
revoke all on function inventory.movements_by_key(uuid, text) from public;
grant execute on function inventory.movements_by_key(uuid, text) to ${APP_ROLE};
`,
    down: 'drop function inventory.movements_by_key(uuid, text);',
  },
  {
    // The item's lookup joins the leg: one round trip fewer for every movement (the warehouse benchmark's
    // stock-out was three — begin + scope + item lookup, the leg, the audit record + commit — and is now two).
    // The item is looked up through the catalog's own function (catalog.items_by_ids: row-level security, the
    // same rules as the lookup it replaces), the leg is inventory.apply_leg unchanged, and a refusal says why
    // in one row, with the balance available when the stock is short (that was one more round trip):
    //   applied | item_not_found | item_needs_variant | insufficient_stock.
    // Only the caller's transaction commits or rolls back; nothing here is written on a refusal.
    name: '20261122T0800_inventory_apply_item_leg',
    up: `
create function inventory.apply_item_leg(
  p_org_id uuid, p_id uuid, p_type text, p_warehouse_id uuid, p_item_id uuid,
  p_delta numeric, p_allow_negative boolean, p_counter_warehouse_id uuid, p_transfer_id uuid, p_reverses_movement_id uuid,
  p_user_id uuid, p_employee_id uuid, p_actor_kind text, p_actor_id text, p_reason text, p_reference_type text,
  p_reference_id text, p_idempotency_key text)
  returns table (outcome text, product_id uuid, variant_id uuid, code text, name text, unit text, is_active boolean,
    created_at timestamptz, quantity_after numeric, min_quantity numeric, low_alert boolean, available numeric)
  language plpgsql volatile security invoker set search_path = pg_catalog, pg_temp as $$
#variable_conflict use_column
declare
  v_item record;
  v_leg record;
begin
  select i.product_id, i.variant_id, i.code, i.name, i.unit, i.is_active, i.has_variants into v_item
    from catalog.items_by_ids(p_org_id, array[p_item_id]) as i;
  if not found then
    return query select 'item_not_found'::text, null::uuid, null::uuid, null::text, null::text, null::text, null::boolean,
      null::timestamptz, null::numeric, null::numeric, null::boolean, null::numeric;
    return;
  end if;
  if v_item.has_variants then
    return query select 'item_needs_variant'::text, v_item.product_id, v_item.variant_id, v_item.code, v_item.name, v_item.unit,
      v_item.is_active, null::timestamptz, null::numeric, null::numeric, null::boolean, null::numeric;
    return;
  end if;
  select l.created_at, l.quantity_after, l.min_quantity, l.low_alert into v_leg
    from inventory.apply_leg(p_org_id, p_id, p_type, p_warehouse_id, p_item_id, v_item.product_id, v_item.variant_id, p_delta,
      p_allow_negative, p_counter_warehouse_id, p_transfer_id, p_reverses_movement_id, p_user_id, p_employee_id, p_actor_kind,
      p_actor_id, p_reason, p_reference_type, p_reference_id, p_idempotency_key) as l;
  if not found then
    return query select 'insufficient_stock'::text, v_item.product_id, v_item.variant_id, v_item.code, v_item.name, v_item.unit,
      v_item.is_active, null::timestamptz, null::numeric, null::numeric, null::boolean,
      coalesce((select s.quantity from inventory.stock_level s
        where s.org_id = p_org_id and s.warehouse_id = p_warehouse_id and s.item_id = p_item_id), 0::numeric);
    return;
  end if;
  return query select 'applied'::text, v_item.product_id, v_item.variant_id, v_item.code, v_item.name, v_item.unit, v_item.is_active,
    v_leg.created_at, v_leg.quantity_after, v_leg.min_quantity, v_leg.low_alert, null::numeric;
end $$;
revoke all on function inventory.apply_item_leg(uuid, uuid, text, uuid, uuid, numeric, boolean, uuid, uuid, uuid, uuid, uuid, text, text, text, text, text, text) from public;
grant execute on function inventory.apply_item_leg(uuid, uuid, text, uuid, uuid, numeric, boolean, uuid, uuid, uuid, uuid, uuid, text, text, text, text, text, text) to ${APP_ROLE};
`,
    down: 'drop function inventory.apply_item_leg(uuid, uuid, text, uuid, uuid, numeric, boolean, uuid, uuid, uuid, uuid, uuid, text, text, text, text, text, text);',
  },
  {
    // Several operators' movements in one transaction and one call (decision 0012): the movement lane
    // (movement-lane.ts) hands a batch of units, each one request's legs in order, and gets one row per leg
    // back. First every stock row the batch touches is locked in one order (warehouse, item), so two batches
    // in flight — in this process or another — wait for each other instead of deadlocking. Then, unit by unit
    // in arrival order: the idempotency key (inventory.movements_by_key: the advisory lock, and the rows of an
    // earlier unit or request with that key → 'replayed', the unit moves nothing), then its legs through
    // inventory.apply_item_leg, unchanged. A refusal (unknown item, a product with variants, short stock)
    // refuses that unit alone: the caller puts a unit's refusable leg first, so a refused unit has written
    // nothing, and its neighbours go on. A refusal after a leg of the same unit was applied cannot be undone
    // here and fails the whole call; the lane then runs every unit of the batch on its own.
    name: '20261122T1000_inventory_apply_units',
    up: `
create function inventory.apply_units(p_org_id uuid, p_legs jsonb)
  returns table (unit int, leg_id uuid, outcome text, product_id uuid, variant_id uuid, code text, name text, unit_name text,
    is_active boolean, created_at timestamptz, quantity_after numeric, min_quantity numeric, low_alert boolean, available numeric,
    stored jsonb)
  language plpgsql volatile security invoker set search_path = pg_catalog, pg_temp as $$
#variable_conflict use_column
declare
  v_leg record;
  v_res record;
  v_unit int := -1;
  v_skip boolean := false;
  v_applied int := 0;
begin
  perform 1 from inventory.stock_level s
    join (select distinct k.warehouse_id, k.item_id from jsonb_to_recordset(p_legs) as k(warehouse_id uuid, item_id uuid)) k
      on s.org_id = p_org_id and s.warehouse_id = k.warehouse_id and s.item_id = k.item_id
    order by s.warehouse_id, s.item_id
    for update of s;
  for v_leg in
    select * from jsonb_to_recordset(p_legs) as l(n int, u int, id uuid, type text, warehouse_id uuid, item_id uuid, delta numeric,
      allow_negative boolean, counter_warehouse_id uuid, transfer_id uuid, reverses_movement_id uuid, user_id uuid, employee_id uuid,
      actor_kind text, actor_id text, reason text, reference_type text, reference_id text, idempotency_key text)
    order by l.n
  loop
    if v_leg.u <> v_unit then
      v_unit := v_leg.u;
      v_skip := false;
      v_applied := 0;
      if v_leg.idempotency_key is not null then
        return query select v_leg.u, m.id, 'replayed'::text, null::uuid, null::uuid, null::text, null::text, null::text, null::boolean,
          null::timestamptz, null::numeric, null::numeric, null::boolean, null::numeric, to_jsonb(m)
          from inventory.movements_by_key(p_org_id, v_leg.idempotency_key) as m;
        v_skip := found;
      end if;
    end if;
    continue when v_skip;
    select * into v_res from inventory.apply_item_leg(p_org_id, v_leg.id, v_leg.type, v_leg.warehouse_id, v_leg.item_id, v_leg.delta,
      v_leg.allow_negative, v_leg.counter_warehouse_id, v_leg.transfer_id, v_leg.reverses_movement_id, v_leg.user_id, v_leg.employee_id,
      v_leg.actor_kind, v_leg.actor_id, v_leg.reason, v_leg.reference_type, v_leg.reference_id, v_leg.idempotency_key);
    if v_res.outcome = 'applied' then
      v_applied := v_applied + 1;
    else
      if v_applied > 0 then
        raise exception 'inventory.apply_units: unit % refused (%) after % of its legs were applied', v_leg.u, v_res.outcome, v_applied;
      end if;
      v_skip := true;
    end if;
    return query select v_leg.u, v_leg.id, v_res.outcome, v_res.product_id, v_res.variant_id, v_res.code, v_res.name, v_res.unit,
      v_res.is_active, v_res.created_at, v_res.quantity_after, v_res.min_quantity, v_res.low_alert, v_res.available, null::jsonb;
  end loop;
end $$;
revoke all on function inventory.apply_units(uuid, jsonb) from public;
grant execute on function inventory.apply_units(uuid, jsonb) to ${APP_ROLE};
`,
    down: 'drop function inventory.apply_units(uuid, jsonb);',
  },
];

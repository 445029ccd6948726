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
];

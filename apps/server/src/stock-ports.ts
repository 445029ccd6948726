/**
 * The inventory module's ports implemented with the orgs module (the composition root knows both):
 * which warehouses exist (warehouses belong to branches, owned by orgs), which one is the
 * organisation's default, and who is told about low stock. Also the demo stock step.
 * `exists` runs on every stock movement, so it is one probe (`branches.findWarehouse`), not a listing.
 */
import { permissionsOfRoles } from '@chaharsu/access';
import type { Ctx } from '@chaharsu/http';
import type { OrgsApi, Warehouse } from '@chaharsu/orgs';
import type { CatalogApi } from '@chaharsu/catalog';
import { InventoryPermissions, type InventoryApi, type StockAlertRecipients, type WarehouseDirectory } from '@chaharsu/inventory';
import type { DemoSeedStep } from './seed-demo.js';

async function warehousesOf(orgs: OrgsApi, ctx: Ctx): Promise<Array<Warehouse & { is_central_warehouse: boolean }>> {
  const out: Array<Warehouse & { is_central_warehouse: boolean }> = [];
  for (const branch of (await orgs.branches.listBranches(ctx)).items) {
    if (!branch.active) continue;
    for (const w of (await orgs.branches.listWarehouses(ctx, branch.id)).items) out.push({ ...w, is_central_warehouse: branch.is_central_warehouse });
  }
  return out;
}

export function createStockPorts(orgs: OrgsApi): WarehouseDirectory & StockAlertRecipients {
  return {
    /** One indexed probe (every stock movement asks): the warehouse and its branch are both active. */
    async exists(ctx, warehouse_id) {
      const warehouse = await orgs.branches.findWarehouse(ctx, warehouse_id);
      return !!warehouse && warehouse.active && warehouse.branch_active;
    },
    /** The default warehouse of the central-warehouse branch, else of the first branch that has one. */
    async defaultWarehouseId(ctx) {
      const all = (await warehousesOf(orgs, ctx)).filter((w) => w.active && w.is_default);
      return (all.find((w) => w.is_central_warehouse) ?? all[0])?.id ?? null;
    },
    /** Active members holding `inventory.low_stock.notify` (owners hold everything) who work in the warehouse's branch. */
    async lowStock(ctx, warehouse_id) {
      const warehouse = await orgs.branches.findWarehouse(ctx, warehouse_id);
      const members = (await orgs.members.listMembers(ctx)).items;
      return members.filter((m) => {
        if (!m.active) return false;
        const held = permissionsOfRoles(m.roles);
        if (held.has('*')) return true;
        return held.has(InventoryPermissions.lowStockNotify) && (!warehouse || m.branch_ids.includes(warehouse.branch_id));
      }).map((m) => m.user_id);
    },
  };
}

/** Demo catalogue and stock in both demo organisations (so the isolation test covers these routes). */
export function stockDemoStep(catalog: CatalogApi, inventory: InventoryApi): DemoSeedStep {
  return async (world, tools) => {
    for (const [org, prefix] of [[world.demo, 'D'], [world.demo2, 'P']] as const) {
      await tools.run(org.org_id, async (ctx) => {
        const products = await catalog.seedDemo(ctx, prefix);
        const warehouses = Object.values(org.warehouses).flat();
        const [first, second] = warehouses;
        if (!first) return;
        let n = 0;
        for (const p of products) {
          const items = p.variants.length ? p.variants.map((v) => v.id) : [p.id];
          for (const item_id of items) {
            n += 1;
            await inventory.move(ctx, { type: 'in', warehouse_id: first.id, item_id, quantity: 20 + n * 5, reason: 'موجودی اول دوره', idempotency_key: `demo-opening-${item_id}` });
            await inventory.setItemMinimum(ctx, item_id, { min_quantity: 10 });
          }
        }
        const [milk] = products;
        if (milk && second) await inventory.move(ctx, { type: 'transfer', from_warehouse_id: first.id, to_warehouse_id: second.id, item_id: milk.id, quantity: 8, reason: 'ارسال به شعبه' });
        if (milk) await inventory.move(ctx, { type: 'out', warehouse_id: first.id, item_id: milk.id, quantity: 10, reason: 'فروش', reference_type: 'demo' });
      });
    }
    return ['Demo catalogue and stock: 3 products (one with variants) per organisation; one item below its minimum.'];
  };
}

/**
 * Branches (with the central-branch, central-warehouse and reference flags: at most one of each per
 * organisation) and their warehouses (exactly one default per branch once it has any). Giving a flag to a
 * branch takes it from the branch that held it, in the same transaction; partial unique indexes catch
 * two such moves racing (orgs.flag_conflict).
 */
import { AppError, newId } from '@chaharsu/kit';
import type { Ctx } from '@chaharsu/http';
import * as repo from './orgs.repository.js';
import { assertFound, orgIdOf, uniqueViolation, type OrgsDeps } from './orgs.context.js';
import { BRANCH_FLAGS, type BranchRow, type WarehouseRow } from './orgs.tables.js';
import type { Branch, BranchInput, BranchPatch, Warehouse, WarehouseInBranch, WarehouseInput, WarehousePatch } from './orgs.contracts.js';

const BRANCH_UNIQUES = {
  branch_code: 'orgs.branch_code_taken',
  branch_one_central_branch: 'orgs.flag_conflict',
  branch_one_central_warehouse: 'orgs.flag_conflict',
  branch_one_reference: 'orgs.flag_conflict',
};
const WAREHOUSE_UNIQUES = { warehouse_code: 'orgs.warehouse_code_taken', warehouse_one_default: 'orgs.flag_conflict' };

function branchDto(row: BranchRow): Branch {
  return {
    id: row.id, name: row.name, code: row.code, active: row.active, is_central_branch: row.is_central_branch,
    is_central_warehouse: row.is_central_warehouse, is_reference: row.is_reference, address: row.address, phone: row.phone,
    created_at: row.created_at.toISOString(), updated_at: row.updated_at.toISOString(),
  };
}

function warehouseDto(row: WarehouseRow): Warehouse {
  return {
    id: row.id, branch_id: row.branch_id, name: row.name, code: row.code, active: row.active, is_default: row.is_default,
    created_at: row.created_at.toISOString(), updated_at: row.updated_at.toISOString(),
  };
}

function defined<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function createBranchesService(deps: OrgsDeps) {
  const { audit } = deps;

  /** Takes each flag `next` sets away from the branches holding it (audited as their own changes). */
  async function moveFlags(ctx: Ctx, branch_id: string, next: Partial<BranchRow>): Promise<void> {
    for (const flag of BRANCH_FLAGS) {
      if (next[flag] !== true) continue;
      for (const holder of await repo.clearBranchFlag(ctx.db, orgIdOf(ctx), flag, branch_id)) {
        await audit.record(ctx, { action: 'orgs.branch.update', entity_type: 'branch', entity_id: holder.id, before: { [flag]: true }, after: { [flag]: false } });
      }
    }
  }

  function checkFlagsOnActive(row: Pick<BranchRow, 'active' | 'is_central_branch' | 'is_central_warehouse' | 'is_reference'>): void {
    if (!row.active && BRANCH_FLAGS.some((flag) => row[flag])) throw new AppError('orgs.flagged_branch_inactive');
  }

  async function branchOf(ctx: Ctx, id: string): Promise<BranchRow> {
    return assertFound(await repo.findBranch(ctx.db, orgIdOf(ctx), id), 'orgs.branch_not_found');
  }

  return {
    async listBranches(ctx: Ctx): Promise<{ items: Branch[] }> {
      return { items: (await repo.listBranches(ctx.db, orgIdOf(ctx))).map(branchDto) };
    },

    async createBranch(ctx: Ctx, input: BranchInput): Promise<Branch> {
      const org_id = orgIdOf(ctx);
      const row = {
        org_id, id: newId(), name: input.name, code: input.code ?? null, active: input.active ?? true,
        is_central_branch: input.is_central_branch ?? false, is_central_warehouse: input.is_central_warehouse ?? false,
        is_reference: input.is_reference ?? false, address: input.address ?? null, phone: input.phone ?? null,
      };
      checkFlagsOnActive(row);
      await moveFlags(ctx, row.id, row);
      const created = await repo.insertBranch(ctx.db, row).catch((e: unknown) => uniqueViolation(e, BRANCH_UNIQUES));
      await audit.record(ctx, { action: 'orgs.branch.create', entity_type: 'branch', entity_id: created.id, after: branchDto(created) });
      return branchDto(created);
    },

    async updateBranch(ctx: Ctx, id: string, patch: BranchPatch): Promise<Branch> {
      const before = await branchOf(ctx, id);
      const changes = defined(patch) as Partial<BranchRow>;
      checkFlagsOnActive({ ...before, ...changes });
      await moveFlags(ctx, id, changes);
      const after = await repo.updateBranch(ctx.db, before.org_id, id, changes).catch((e: unknown) => uniqueViolation(e, BRANCH_UNIQUES));
      await audit.record(ctx, { action: 'orgs.branch.update', entity_type: 'branch', entity_id: id, before: branchDto(before), after: branchDto(after) });
      return branchDto(after);
    },

    async listWarehouses(ctx: Ctx, branch_id: string): Promise<{ items: Warehouse[] }> {
      await branchOf(ctx, branch_id);
      return { items: (await repo.listWarehouses(ctx.db, orgIdOf(ctx), branch_id)).map(warehouseDto) };
    },

    /**
     * One warehouse of the context's organisation with its branch's state, or null (unknown, or another
     * organisation's). For modules that check a warehouse on every request (inventory's stock movements):
     * one indexed probe instead of listing every branch and its warehouses.
     */
    async findWarehouse(ctx: Ctx, id: string): Promise<WarehouseInBranch | null> {
      const row = await repo.findWarehouseInBranch(ctx.db, orgIdOf(ctx), id);
      return row ? { ...warehouseDto(row), branch_active: row.branch_active, branch_is_central_warehouse: row.branch_is_central_warehouse } : null;
    },

    /** The first warehouse of a branch becomes its default; a later one only when asked. */
    async createWarehouse(ctx: Ctx, branch_id: string, input: WarehouseInput): Promise<Warehouse> {
      const branch = await branchOf(ctx, branch_id);
      const active = input.active ?? true;
      const first = !(await repo.hasDefaultWarehouse(ctx.db, branch.org_id, branch_id));
      const is_default = input.is_default ?? first;
      if (first && !is_default) throw new AppError('orgs.default_warehouse_required');
      if (is_default && !active) throw new AppError('orgs.default_warehouse_inactive');
      const row = { org_id: branch.org_id, id: newId(), branch_id, name: input.name, code: input.code ?? null, active, is_default };
      if (is_default) await clearDefault(ctx, branch_id, row.id);
      const created = await repo.insertWarehouse(ctx.db, row).catch((e: unknown) => uniqueViolation(e, WAREHOUSE_UNIQUES));
      await audit.record(ctx, { action: 'orgs.warehouse.create', entity_type: 'warehouse', entity_id: created.id, after: warehouseDto(created) });
      return warehouseDto(created);
    },

    async updateWarehouse(ctx: Ctx, id: string, patch: WarehousePatch): Promise<Warehouse> {
      const org_id = orgIdOf(ctx);
      const before = assertFound(await repo.findWarehouse(ctx.db, org_id, id), 'orgs.warehouse_not_found');
      const changes = defined(patch) as Partial<WarehouseRow>;
      const next = { ...before, ...changes };
      // The default changes hands by marking another warehouse default, never by leaving the branch without one.
      if (before.is_default && !next.is_default) throw new AppError('orgs.default_warehouse_required');
      if (next.is_default && !next.active) throw new AppError('orgs.default_warehouse_inactive');
      if (next.is_default && !before.is_default) await clearDefault(ctx, before.branch_id, id);
      const after = await repo.updateWarehouse(ctx.db, org_id, id, changes).catch((e: unknown) => uniqueViolation(e, WAREHOUSE_UNIQUES));
      await audit.record(ctx, { action: 'orgs.warehouse.update', entity_type: 'warehouse', entity_id: id, before: warehouseDto(before), after: warehouseDto(after) });
      return warehouseDto(after);
    },
  };

  async function clearDefault(ctx: Ctx, branch_id: string, except_id: string): Promise<void> {
    for (const holder of await repo.clearDefaultWarehouse(ctx.db, orgIdOf(ctx), branch_id, except_id)) {
      await audit.record(ctx, { action: 'orgs.warehouse.update', entity_type: 'warehouse', entity_id: holder.id, before: { is_default: true }, after: { is_default: false } });
    }
  }
}

export type BranchesService = ReturnType<typeof createBranchesService>;

import { AppError, assert, newId } from '@chaharsu/kit';
import { pgConstraint, pgErrorCode } from '@chaharsu/db';
import type { Ctx } from '@chaharsu/http';
import type { AuditApi } from '@chaharsu/audit';
import { attributeRepository as attributes, categoryRepository as categories } from './catalog.repository.js';
import type { AttributeRow, CategoryRow } from './catalog.tables.js';
import type { AttributeCreate, AttributeDto, CategoryCreate, CategoryDto, CategoryMove, CategoryUpdate } from './catalog.contracts.js';
import './catalog.errors.js';

const MAX_DEPTH = 63;

export function orgOf(ctx: Ctx): string {
  assert(ctx.org_id, 'catalog needs an organisation in the context');
  return ctx.org_id;
}

export function pathIds(path: string): string[] {
  return path.split('/').filter(Boolean);
}

export function toCategoryDto(row: CategoryRow): CategoryDto {
  return { id: row.id, parent_id: row.parent_id, name: row.name, path_ids: pathIds(row.path), depth: row.depth, sort_order: row.sort_order };
}

export function toAttributeDto(row: AttributeRow): AttributeDto {
  return { id: row.id, category_id: row.category_id, code: row.code, name: row.name, value_type: row.value_type, choices: row.choices, is_required: row.is_required, sort_order: row.sort_order };
}

async function uniqueName<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (pgErrorCode(error) === '23505' && pgConstraint(error) === 'category_sibling_name') throw new AppError('catalog.category_name_taken');
    throw error;
  }
}

export function createCategoryService(audit: AuditApi) {
  async function load(ctx: Ctx, id: string): Promise<CategoryRow> {
    const row = await categories.get(ctx.db, orgOf(ctx), id);
    if (!row) throw new AppError('catalog.category_not_found');
    return row;
  }

  return {
    load,
    async list(ctx: Ctx): Promise<CategoryDto[]> {
      return (await categories.list(ctx.db, orgOf(ctx))).map(toCategoryDto);
    },
    async create(ctx: Ctx, input: CategoryCreate): Promise<CategoryDto> {
      const org_id = orgOf(ctx);
      const parent = input.parent_id ? await load(ctx, input.parent_id) : null;
      if (parent && parent.depth + 1 > MAX_DEPTH) throw new AppError('catalog.category_too_deep', { max: MAX_DEPTH });
      const id = newId();
      const row = await uniqueName(() => categories.insert(ctx.db, {
        org_id, id, parent_id: parent?.id ?? null, name: input.name, sort_order: input.sort_order,
        path: `${parent?.path ?? '/'}${id}/`, depth: parent ? parent.depth + 1 : 0,
      }));
      await audit.record(ctx, { action: 'catalog.category.created', entity_type: 'catalog.category', entity_id: id, after: toCategoryDto(row) });
      return toCategoryDto(row);
    },
    async update(ctx: Ctx, id: string, input: CategoryUpdate): Promise<CategoryDto> {
      const before = await load(ctx, id);
      const row = await uniqueName(() => categories.update(ctx.db, orgOf(ctx), id, input));
      await audit.record(ctx, { action: 'catalog.category.updated', entity_type: 'catalog.category', entity_id: id, before: toCategoryDto(before), after: toCategoryDto(row) });
      return toCategoryDto(row);
    },
    /** Moves a category with everything under it; refuses moving it under itself or its descendants. */
    async move(ctx: Ctx, id: string, input: CategoryMove): Promise<CategoryDto> {
      const org_id = orgOf(ctx);
      const category = await load(ctx, id);
      const parent = input.parent_id ? await load(ctx, input.parent_id) : null;
      if (parent && parent.path.startsWith(category.path)) throw new AppError('catalog.category_cycle');
      const new_path = `${parent?.path ?? '/'}${id}/`;
      const depth_shift = (parent ? parent.depth + 1 : 0) - category.depth;
      const deepest = await categories.maxDepthUnder(ctx.db, org_id, category.path);
      if (deepest + depth_shift > MAX_DEPTH) throw new AppError('catalog.category_too_deep', { max: MAX_DEPTH });
      await uniqueName(() => categories.moveSubtree(ctx.db, org_id, id, parent?.id ?? null, category.path, new_path, depth_shift));
      const after = await load(ctx, id);
      await audit.record(ctx, { action: 'catalog.category.moved', entity_type: 'catalog.category', entity_id: id, before: toCategoryDto(category), after: toCategoryDto(after) });
      return toCategoryDto(after);
    },
    async remove(ctx: Ctx, id: string): Promise<void> {
      const org_id = orgOf(ctx);
      const category = await load(ctx, id);
      if (await categories.hasChildren(ctx.db, org_id, id) || await categories.hasProducts(ctx.db, org_id, id) || await categories.hasAttributes(ctx.db, org_id, id)) {
        throw new AppError('catalog.category_not_empty');
      }
      await categories.delete(ctx.db, org_id, id);
      await audit.record(ctx, { action: 'catalog.category.deleted', entity_type: 'catalog.category', entity_id: id, before: toCategoryDto(category) });
    },
    /** The attributes a product of this category has: its own and those of every ancestor. */
    async effectiveAttributes(ctx: Ctx, category_id: string): Promise<AttributeRow[]> {
      const category = await load(ctx, category_id);
      return attributes.ofCategories(ctx.db, orgOf(ctx), pathIds(category.path));
    },
    async createAttribute(ctx: Ctx, category_id: string, input: AttributeCreate): Promise<AttributeDto> {
      const org_id = orgOf(ctx);
      await load(ctx, category_id);
      // Choices exactly for choice attributes (checked here, not in the schema, so the route's body schema stays plain JSON Schema).
      if ((input.value_type === 'choice') !== (input.choices.length > 0)) throw new AppError('catalog.attribute_choices_invalid');
      const row: AttributeRow = { org_id, id: newId(), category_id, ...input };
      try {
        await attributes.insert(ctx.db, row);
      } catch (error) {
        if (pgErrorCode(error) === '23505') throw new AppError('catalog.attribute_code_taken', { code: input.code });
        throw error;
      }
      await audit.record(ctx, { action: 'catalog.attribute.created', entity_type: 'catalog.attribute', entity_id: row.id, after: toAttributeDto(row) });
      return toAttributeDto(row);
    },
    async removeAttribute(ctx: Ctx, id: string): Promise<void> {
      const org_id = orgOf(ctx);
      const row = await attributes.get(ctx.db, org_id, id);
      if (!row) throw new AppError('catalog.attribute_not_found');
      if (await attributes.isUsed(ctx.db, org_id, id)) throw new AppError('catalog.attribute_in_use');
      await attributes.delete(ctx.db, org_id, id);
      await audit.record(ctx, { action: 'catalog.attribute.deleted', entity_type: 'catalog.attribute', entity_id: id, before: toAttributeDto(row) });
    },
  };
}

export type CategoryService = ReturnType<typeof createCategoryService>;

import { AppError, assert, newId, normaliseForSearch, rialToJson } from '@chaharsu/kit';
import { pgConstraint, pgErrorCode } from '@chaharsu/db';
import type { Ctx } from '@chaharsu/http';
import type { AuditApi } from '@chaharsu/audit';
import {
  attributeValueRepository as attributeValues, barcodeRepository as barcodes, categoryRepository as categories,
  detailsOfProducts, itemsByIds, priceRepository as prices, productRepository as products, variantRepository as variants,
} from './catalog.repository.js';
import type { AttributeRow, AttributeValueRow, BarcodeRow, PriceRow, ProductRow, VariantRow } from './catalog.tables.js';
import type {
  LookupResult, PriceLevelDto, ProductCreate, ProductDto, ProductListQuery, ProductSearchPage, ProductSummary, ProductUpdate,
  VariantCreate, VariantDto, VariantUpdate,
} from './catalog.contracts.js';
import { normaliseCode } from './codes.js';
import { orgOf, pathIds, type CategoryService } from './category.service.js';
import type { CatalogEventBus, CatalogItemRef } from './catalog.events.js';

/** What inventory, the warehouse station, the shop and the CRM need to know about a stock-keeping item. */
export interface CatalogItem extends CatalogItemRef {
  code: string;
  name: string;
  unit: string;
  is_active: boolean;
  /** A product with variants keeps stock per variant only. */
  has_variants: boolean;
}

const MAX_SEARCH_WORDS = 5;

/** Maps unique violations to the error the user should see. */
async function translateUnique<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (pgErrorCode(error) !== '23505') throw error;
    const constraint = pgConstraint(error);
    if (constraint === 'product_code' || constraint === 'variant_sku') throw new AppError('catalog.code_taken');
    if (constraint === 'barcode_pkey') throw new AppError('catalog.barcode_taken');
    throw error;
  }
}

function pricesOf(rows: PriceRow[], item_id: string): PriceLevelDto[] {
  return rows.filter((p) => p.item_id === item_id).map((p) => ({ level: p.level, amount_rial: rialToJson(BigInt(p.amount_rial)) }));
}

function priceRows(org_id: string, product_id: string, item_id: string, list: PriceLevelDto[]): PriceRow[] {
  if (new Set(list.map((p) => p.level)).size !== list.length) throw new AppError('catalog.price_level_repeated');
  return list.map((p) => ({ org_id, item_id, product_id, level: p.level, amount_rial: BigInt(p.amount_rial) }));
}

function barcodeRows(org_id: string, product_id: string, variant_id: string | null, codes: string[]): BarcodeRow[] {
  const seen = new Set<string>();
  const rows: BarcodeRow[] = [];
  for (const code of codes) {
    const code_normalised = normaliseCode(code);
    if (!code_normalised) continue;
    if (seen.has(code_normalised)) throw new AppError('catalog.barcode_taken', { code });
    seen.add(code_normalised);
    rows.push({ org_id, code_normalised, code: code.trim(), product_id, variant_id });
  }
  return rows;
}

export function searchTextOf(product: { name: string; code: string }, barcodeList: string[], variantList: Array<{ sku: string; name: string }>): string {
  return normaliseForSearch([product.name, product.code, ...barcodeList, ...variantList.flatMap((v) => [v.sku, v.name])].join(' ')).slice(0, 4000);
}

function checkAttributeValue(attribute: AttributeRow, value: string | number | boolean): void {
  const ok =
    (attribute.value_type === 'text' && typeof value === 'string') ||
    (attribute.value_type === 'number' && typeof value === 'number' && Number.isFinite(value)) ||
    (attribute.value_type === 'boolean' && typeof value === 'boolean') ||
    (attribute.value_type === 'choice' && typeof value === 'string' && attribute.choices.includes(value));
  if (!ok) throw new AppError('catalog.attribute_value_invalid', { code: attribute.code });
}

export function createProductService(audit: AuditApi, categoryService: CategoryService, events: CatalogEventBus) {
  async function assemble(ctx: Ctx, rows: ProductRow[]): Promise<ProductDto[]> {
    const org_id = orgOf(ctx);
    const ids = rows.map((r) => r.id);
    if (ids.length === 0) return [];
    const { variants: variantRows, barcodes: barcodeList, prices: priceList, values: valueRows } = await detailsOfProducts(ctx.db, org_id, ids);
    const categoryIds = [...new Set(rows.map((r) => r.category_id).filter((c): c is string => c !== null))];
    const attributeRows = valueRows.length ? (await Promise.all(categoryIds.map((c) => categoryService.effectiveAttributes(ctx, c)))).flat() : [];
    const attributeById = new Map(attributeRows.map((a) => [a.id, a]));
    return rows.map((row) => ({
      id: row.id, code: row.code, name: row.name, unit: row.unit, category_id: row.category_id, is_active: row.is_active,
      description: row.description,
      barcodes: barcodeList.filter((b) => b.product_id === row.id && b.variant_id === null).map((b) => b.code),
      prices: pricesOf(priceList, row.id),
      attributes: valueRows.filter((v) => v.product_id === row.id).map((v) => ({ attribute_id: v.attribute_id, code: attributeById.get(v.attribute_id)?.code ?? '', value: v.value })),
      variants: variantRows.filter((v) => v.product_id === row.id).map((v) => toVariantDto(v, barcodeList, priceList)),
      created_at: row.created_at.toISOString(), updated_at: row.updated_at.toISOString(),
    }));
  }

  function toVariantDto(v: VariantRow, barcodeList: BarcodeRow[], priceList: PriceRow[]): VariantDto {
    return {
      id: v.id, product_id: v.product_id, sku: v.sku, name: v.name, option_values: v.option_values, is_active: v.is_active, sort_order: v.sort_order,
      barcodes: barcodeList.filter((b) => b.variant_id === v.id).map((b) => b.code), prices: pricesOf(priceList, v.id),
    };
  }

  async function loadRow(ctx: Ctx, id: string, forUpdate = false): Promise<ProductRow> {
    const row = forUpdate ? await products.getForUpdate(ctx.db, orgOf(ctx), id) : await products.get(ctx.db, orgOf(ctx), id);
    if (!row) throw new AppError('catalog.product_not_found');
    return row;
  }

  async function get(ctx: Ctx, id: string): Promise<ProductDto> {
    const [dto] = await assemble(ctx, [await loadRow(ctx, id)]);
    assert(dto, 'assembled product missing');
    return dto;
  }

  /** Validates attribute values against the attributes the category has (its own and inherited). */
  async function attributeRows(ctx: Ctx, product_id: string, category_id: string | null, values: Array<{ attribute_id: string; value: string | number | boolean }>): Promise<AttributeValueRow[]> {
    const allowed = category_id ? await categoryService.effectiveAttributes(ctx, category_id) : [];
    const byId = new Map(allowed.map((a) => [a.id, a]));
    for (const value of values) {
      const attribute = byId.get(value.attribute_id);
      if (!attribute) throw new AppError('catalog.attribute_not_in_category');
      checkAttributeValue(attribute, value.value);
    }
    const given = new Set(values.map((v) => v.attribute_id));
    const missing = allowed.find((a) => a.is_required && !given.has(a.id));
    if (missing) throw new AppError('catalog.attribute_required', { code: missing.code });
    return values.map((v) => ({ org_id: orgOf(ctx), product_id, attribute_id: v.attribute_id, value: v.value }));
  }

  async function refreshSearchText(ctx: Ctx, product_id: string): Promise<void> {
    const org_id = orgOf(ctx);
    const row = await loadRow(ctx, product_id);
    const [codes, variantRows] = await Promise.all([barcodes.ofProducts(ctx.db, org_id, [product_id]), variants.ofProducts(ctx.db, org_id, [product_id])]);
    await products.update(ctx.db, org_id, product_id, { search_text: searchTextOf(row, codes.map((b) => b.code), variantRows) });
  }

  async function insertVariant(ctx: Ctx, product_id: string, input: VariantCreate): Promise<VariantRow> {
    const org_id = orgOf(ctx);
    const sku_normalised = normaliseCode(input.sku);
    if (await products.byCode(ctx.db, org_id, sku_normalised)) throw new AppError('catalog.code_taken', { code: input.sku });
    const row = { org_id, id: newId(), product_id, sku: input.sku, sku_normalised, name: input.name, option_values: input.option_values, is_active: input.is_active, sort_order: input.sort_order };
    await translateUnique(async () => {
      await variants.insert(ctx.db, row);
      await barcodes.insertMany(ctx.db, barcodeRows(org_id, product_id, row.id, input.barcodes));
    });
    await prices.replaceOfItems(ctx.db, org_id, [row.id], priceRows(org_id, product_id, row.id, input.prices));
    return { ...row, created_at: new Date(), updated_at: new Date() };
  }

  /** The item a scanned/typed code names (the lookup's tiers), without loading the product's details. */
  async function resolveCode(ctx: Ctx, code: string): Promise<{ matched_by: LookupResult['matched_by']; item_id: string; product_id: string; variant_id: string | null }> {
    const org_id = orgOf(ctx);
    const key = normaliseCode(code);
    if (!key) throw new AppError('catalog.code_not_found');
    const barcode = await barcodes.get(ctx.db, org_id, key);
    if (barcode) return { matched_by: 'barcode', item_id: barcode.variant_id ?? barcode.product_id, product_id: barcode.product_id, variant_id: barcode.variant_id };
    const product = await products.byCode(ctx.db, org_id, key);
    if (product) return { matched_by: 'product_code', item_id: product.id, product_id: product.id, variant_id: null };
    const variant = await variants.bySku(ctx.db, org_id, key);
    if (variant) return { matched_by: 'variant_sku', item_id: variant.id, product_id: variant.product_id, variant_id: variant.id };
    throw new AppError('catalog.code_not_found');
  }

  async function assertCodeFree(ctx: Ctx, code_normalised: string, except_product_id: string | null): Promise<void> {
    const org_id = orgOf(ctx);
    const product = await products.byCode(ctx.db, org_id, code_normalised);
    if ((product && product.id !== except_product_id) || await variants.bySku(ctx.db, org_id, code_normalised)) throw new AppError('catalog.code_taken', { code: code_normalised });
  }

  return {
    get,
    assemble,
    refreshSearchText,

    async create(ctx: Ctx, input: ProductCreate): Promise<ProductDto> {
      const org_id = orgOf(ctx);
      if (input.category_id) await categoryService.load(ctx, input.category_id);
      const id = newId();
      const code_normalised = normaliseCode(input.code);
      await assertCodeFree(ctx, code_normalised, null);
      await translateUnique(async () => {
        await products.insertMany(ctx.db, [{
          org_id, id, code: input.code, code_normalised, name: input.name, unit: input.unit, category_id: input.category_id,
          is_active: input.is_active, description: input.description, search_text: searchTextOf(input, input.barcodes, input.variants),
        }]);
        await barcodes.insertMany(ctx.db, barcodeRows(org_id, id, null, input.barcodes));
      });
      await prices.replaceOfItems(ctx.db, org_id, [id], priceRows(org_id, id, id, input.prices));
      await attributeValues.replace(ctx.db, org_id, id, await attributeRows(ctx, id, input.category_id, input.attributes));
      const variantRows: VariantRow[] = [];
      for (const variant of input.variants) variantRows.push(await insertVariant(ctx, id, variant));
      const items: CatalogItemRef[] = variantRows.length
        ? variantRows.map((v) => ({ item_id: v.id, product_id: id, variant_id: v.id }))
        : [{ item_id: id, product_id: id, variant_id: null }];
      await events.itemsCreated(ctx, items);
      const dto = await get(ctx, id);
      await audit.record(ctx, { action: 'catalog.product.created', entity_type: 'catalog.product', entity_id: id, after: dto });
      return dto;
    },

    async update(ctx: Ctx, id: string, input: ProductUpdate): Promise<ProductDto> {
      const org_id = orgOf(ctx);
      await loadRow(ctx, id, true);
      const before = await get(ctx, id);
      const patch: Partial<ProductRow> = {};
      if (input.code !== undefined) {
        patch.code = input.code;
        patch.code_normalised = normaliseCode(input.code);
        await assertCodeFree(ctx, patch.code_normalised, id);
      }
      if (input.name !== undefined) patch.name = input.name;
      if (input.unit !== undefined) patch.unit = input.unit;
      if (input.is_active !== undefined) patch.is_active = input.is_active;
      if (input.description !== undefined) patch.description = input.description;
      if (input.category_id !== undefined) {
        if (input.category_id) await categoryService.load(ctx, input.category_id);
        patch.category_id = input.category_id;
      }
      await translateUnique(async () => {
        await products.update(ctx.db, org_id, id, patch);
        if (input.barcodes) {
          await barcodes.deleteOfItem(ctx.db, org_id, id, null);
          await barcodes.insertMany(ctx.db, barcodeRows(org_id, id, null, input.barcodes));
        }
      });
      if (input.prices) await prices.replaceOfItems(ctx.db, org_id, [id], priceRows(org_id, id, id, input.prices));
      const category_id = input.category_id !== undefined ? input.category_id : before.category_id;
      if (input.attributes || input.category_id !== undefined) {
        const values = input.attributes ?? before.attributes.map((a) => ({ attribute_id: a.attribute_id, value: a.value }));
        await attributeValues.replace(ctx.db, org_id, id, await attributeRows(ctx, id, category_id, values));
      }
      await refreshSearchText(ctx, id);
      const after = await get(ctx, id);
      await audit.record(ctx, { action: 'catalog.product.updated', entity_type: 'catalog.product', entity_id: id, before, after });
      return after;
    },

    /** Deletes a product that has never moved stock (inventory refuses otherwise: deactivate it instead). */
    async remove(ctx: Ctx, id: string): Promise<void> {
      const org_id = orgOf(ctx);
      await loadRow(ctx, id, true);
      const before = await get(ctx, id);
      await events.itemsDeleting(ctx, [{ item_id: id, product_id: id, variant_id: null }, ...before.variants.map((v) => ({ item_id: v.id, product_id: id, variant_id: v.id }))]);
      await attributeValues.replace(ctx.db, org_id, id, []);
      await prices.replaceOfItems(ctx.db, org_id, [id, ...before.variants.map((v) => v.id)], []);
      await ctx.db.deleteFrom('catalog.barcode').where('org_id', '=', org_id).where('product_id', '=', id).execute();
      for (const v of before.variants) await variants.delete(ctx.db, org_id, v.id);
      await products.delete(ctx.db, org_id, id);
      await audit.record(ctx, { action: 'catalog.product.deleted', entity_type: 'catalog.product', entity_id: id, before });
    },

    async addVariant(ctx: Ctx, product_id: string, input: VariantCreate): Promise<VariantDto> {
      await loadRow(ctx, product_id, true);
      const row = await insertVariant(ctx, product_id, input);
      await refreshSearchText(ctx, product_id);
      await events.itemsCreated(ctx, [{ item_id: row.id, product_id, variant_id: row.id }]);
      const dto = (await get(ctx, product_id)).variants.find((v) => v.id === row.id);
      assert(dto, 'new variant missing');
      await audit.record(ctx, { action: 'catalog.variant.created', entity_type: 'catalog.variant', entity_id: row.id, after: dto });
      return dto;
    },

    async updateVariant(ctx: Ctx, product_id: string, variant_id: string, input: VariantUpdate): Promise<VariantDto> {
      const org_id = orgOf(ctx);
      const product = await get(ctx, product_id);
      const before = product.variants.find((v) => v.id === variant_id);
      if (!before) throw new AppError('catalog.variant_not_found');
      const patch: Parameters<typeof variants.update>[3] = {};
      if (input.sku !== undefined) {
        patch.sku = input.sku;
        patch.sku_normalised = normaliseCode(input.sku);
        const other = await variants.bySku(ctx.db, org_id, patch.sku_normalised);
        if ((other && other.id !== variant_id) || await products.byCode(ctx.db, org_id, patch.sku_normalised)) throw new AppError('catalog.code_taken', { code: input.sku });
      }
      if (input.name !== undefined) patch.name = input.name;
      if (input.option_values !== undefined) patch.option_values = input.option_values;
      if (input.is_active !== undefined) patch.is_active = input.is_active;
      if (input.sort_order !== undefined) patch.sort_order = input.sort_order;
      await translateUnique(async () => {
        await variants.update(ctx.db, org_id, variant_id, patch);
        if (input.barcodes) {
          await barcodes.deleteOfItem(ctx.db, org_id, product_id, variant_id);
          await barcodes.insertMany(ctx.db, barcodeRows(org_id, product_id, variant_id, input.barcodes));
        }
      });
      if (input.prices) await prices.replaceOfItems(ctx.db, org_id, [variant_id], priceRows(org_id, product_id, variant_id, input.prices));
      await refreshSearchText(ctx, product_id);
      const after = (await get(ctx, product_id)).variants.find((v) => v.id === variant_id);
      assert(after, 'updated variant missing');
      await audit.record(ctx, { action: 'catalog.variant.updated', entity_type: 'catalog.variant', entity_id: variant_id, before, after });
      return after;
    },

    async removeVariant(ctx: Ctx, product_id: string, variant_id: string): Promise<void> {
      const org_id = orgOf(ctx);
      const product = await get(ctx, product_id);
      const before = product.variants.find((v) => v.id === variant_id);
      if (!before) throw new AppError('catalog.variant_not_found');
      await events.itemsDeleting(ctx, [{ item_id: variant_id, product_id, variant_id }]);
      await barcodes.deleteOfItem(ctx.db, org_id, product_id, variant_id);
      await prices.replaceOfItems(ctx.db, org_id, [variant_id], []);
      await variants.delete(ctx.db, org_id, variant_id);
      await refreshSearchText(ctx, product_id);
      await audit.record(ctx, { action: 'catalog.variant.deleted', entity_type: 'catalog.variant', entity_id: variant_id, before });
    },

    resolveCode,

    /** Exact lookup of a scanned or typed code: barcode/QR value first, then product code, then variant SKU. */
    async lookup(ctx: Ctx, code: string): Promise<LookupResult> {
      const found = await resolveCode(ctx, code);
      return lookupResult(ctx, found.matched_by, found.product_id, found.variant_id);
    },

    async search(ctx: Ctx, query: ProductListQuery): Promise<ProductSearchPage> {
      const org_id = orgOf(ctx);
      const text = normaliseForSearch(query.q ?? '');
      const words = text ? text.split(' ').slice(0, MAX_SEARCH_WORDS) : [];
      let category_ids: string[] | null = null;
      if (query.category_id) {
        const category = await categoryService.load(ctx, query.category_id);
        category_ids = query.include_subcategories
          ? (await categories.list(ctx.db, org_id)).filter((c) => c.path.startsWith(category.path)).map((c) => c.id)
          : [category.id];
      }
      const rows = await products.search(ctx.db, org_id, {
        text, words, code: text ? normaliseCode(query.q ?? '') : '', category_ids, active: query.active,
        limit: query.limit + 1, offset: query.offset,
      });
      const page = rows.slice(0, query.limit);
      const ranked = words.length ? rank(page) : page;
      return { items: ranked.map(toSummary), next_offset: rows.length > query.limit ? query.offset + query.limit : null };
    },

    /** Stock-keeping items by id (a product id or a variant id); unknown ids are absent from the map. */
    async getItems(ctx: Ctx, item_ids: string[]): Promise<Map<string, CatalogItem>> {
      const org_id = orgOf(ctx);
      const ids = [...new Set(item_ids)];
      const out = new Map<string, CatalogItem>();
      for (let i = 0; i < ids.length; i += 1000) {
        for (const item of await itemsByIds(ctx.db, org_id, ids.slice(i, i + 1000))) out.set(item.item_id, item);
      }
      return out;
    },
  };

  async function lookupResult(ctx: Ctx, matched_by: LookupResult['matched_by'], product_id: string, variant_id: string | null): Promise<LookupResult> {
    const product = await get(ctx, product_id);
    const variant = variant_id ? product.variants.find((v) => v.id === variant_id) ?? null : null;
    return { matched_by, product, variant, item_id: variant?.id ?? product.id };
  }
}

function toSummary(row: ProductRow): ProductSummary {
  return { id: row.id, code: row.code, name: row.name, unit: row.unit, category_id: row.category_id, is_active: row.is_active };
}

/**
 * The page in the order users expect: exact code/barcode/SKU, code prefix, name prefix, then names that
 * contain the words (the rank comes from SQL, which filled the page in that order); by name within a rank.
 */
function rank(rows: Array<ProductRow & { match_rank: number }>): ProductRow[] {
  return [...rows].sort((a, b) => a.match_rank - b.match_rank || a.name.localeCompare(b.name, 'fa'));
}

export { pathIds };
export type ProductService = ReturnType<typeof createProductService>;

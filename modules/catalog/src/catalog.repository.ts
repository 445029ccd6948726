import { sql } from 'kysely';
import { prepared, type Tx } from '@chaharsu/db';
import type { AttributeRow, AttributeValueRow, BarcodeRow, CategoryRow, PriceRow, ProductRow, VariantRow } from './catalog.tables.js';

/** Kysely queries of the catalog schema: typed input, rows out, no rules. Every query filters by org_id. */
const CHUNK = 1000;

function chunks<T>(list: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += CHUNK) out.push(list.slice(i, i + CHUNK));
  return out;
}

export const categoryRepository = {
  async get(db: Tx, org_id: string, id: string): Promise<CategoryRow | undefined> {
    return db.selectFrom('catalog.category').selectAll().where('org_id', '=', org_id).where('id', '=', id).executeTakeFirst() as Promise<CategoryRow | undefined>;
  },
  async list(db: Tx, org_id: string): Promise<CategoryRow[]> {
    return db.selectFrom('catalog.category').selectAll().where('org_id', '=', org_id).orderBy('path').execute() as Promise<CategoryRow[]>;
  },
  async insert(db: Tx, row: Omit<CategoryRow, 'created_at' | 'updated_at'>): Promise<CategoryRow> {
    return db.insertInto('catalog.category').values(row).returningAll().executeTakeFirstOrThrow() as Promise<CategoryRow>;
  },
  async update(db: Tx, org_id: string, id: string, patch: { name?: string; sort_order?: number }): Promise<CategoryRow> {
    return db.updateTable('catalog.category').set({ ...patch, updated_at: sql`now()` }).where('org_id', '=', org_id).where('id', '=', id)
      .returningAll().executeTakeFirstOrThrow() as Promise<CategoryRow>;
  },
  async maxDepthUnder(db: Tx, org_id: string, path: string): Promise<number> {
    const row = await db.selectFrom('catalog.category').select(sql<number>`max(depth)`.as('depth'))
      .where('org_id', '=', org_id).where('path', 'like', `${path}%`).executeTakeFirst();
    return Number(row?.depth ?? 0);
  },
  /** Moves a subtree: rewrites the path prefix and depth of the category and everything under it. */
  async moveSubtree(db: Tx, org_id: string, id: string, parent_id: string | null, old_path: string, new_path: string, depth_shift: number): Promise<void> {
    await db.updateTable('catalog.category').set({ parent_id, updated_at: sql`now()` }).where('org_id', '=', org_id).where('id', '=', id).execute();
    await db.updateTable('catalog.category')
      .set({ path: sql`${new_path} || substr(path, ${old_path.length + 1})`, depth: sql`depth + ${depth_shift}` })
      .where('org_id', '=', org_id).where('path', 'like', `${old_path}%`).execute();
  },
  async hasChildren(db: Tx, org_id: string, id: string): Promise<boolean> {
    return !!(await db.selectFrom('catalog.category').select('id').where('org_id', '=', org_id).where('parent_id', '=', id).limit(1).executeTakeFirst());
  },
  async hasProducts(db: Tx, org_id: string, id: string): Promise<boolean> {
    return !!(await db.selectFrom('catalog.product').select('id').where('org_id', '=', org_id).where('category_id', '=', id).limit(1).executeTakeFirst());
  },
  async hasAttributes(db: Tx, org_id: string, id: string): Promise<boolean> {
    return !!(await db.selectFrom('catalog.attribute').select('id').where('org_id', '=', org_id).where('category_id', '=', id).limit(1).executeTakeFirst());
  },
  async delete(db: Tx, org_id: string, id: string): Promise<void> {
    await db.deleteFrom('catalog.category').where('org_id', '=', org_id).where('id', '=', id).execute();
  },
};

export const attributeRepository = {
  async get(db: Tx, org_id: string, id: string): Promise<AttributeRow | undefined> {
    return db.selectFrom('catalog.attribute').selectAll().where('org_id', '=', org_id).where('id', '=', id).executeTakeFirst() as Promise<AttributeRow | undefined>;
  },
  /** Attributes of these categories (a category and its ancestors: inheritance). */
  async ofCategories(db: Tx, org_id: string, category_ids: string[]): Promise<AttributeRow[]> {
    if (category_ids.length === 0) return [];
    return db.selectFrom('catalog.attribute').selectAll().where('org_id', '=', org_id).where('category_id', 'in', category_ids)
      .orderBy('sort_order').orderBy('code').execute() as Promise<AttributeRow[]>;
  },
  async insert(db: Tx, row: AttributeRow): Promise<AttributeRow> {
    return db.insertInto('catalog.attribute').values({ ...row, choices: JSON.stringify(row.choices) }).returningAll().executeTakeFirstOrThrow() as Promise<AttributeRow>;
  },
  async isUsed(db: Tx, org_id: string, id: string): Promise<boolean> {
    return !!(await db.selectFrom('catalog.attribute_value').select('product_id').where('org_id', '=', org_id).where('attribute_id', '=', id).limit(1).executeTakeFirst());
  },
  async delete(db: Tx, org_id: string, id: string): Promise<void> {
    await db.deleteFrom('catalog.attribute').where('org_id', '=', org_id).where('id', '=', id).execute();
  },
};

export const productRepository = {
  async get(db: Tx, org_id: string, id: string): Promise<ProductRow | undefined> {
    return db.selectFrom('catalog.product').selectAll().where('org_id', '=', org_id).where('id', '=', id).executeTakeFirst() as Promise<ProductRow | undefined>;
  },
  async getForUpdate(db: Tx, org_id: string, id: string): Promise<ProductRow | undefined> {
    return db.selectFrom('catalog.product').selectAll().where('org_id', '=', org_id).where('id', '=', id).forUpdate().executeTakeFirst() as Promise<ProductRow | undefined>;
  },
  async byCode(db: Tx, org_id: string, code_normalised: string): Promise<ProductRow | undefined> {
    return db.selectFrom('catalog.product').selectAll().where('org_id', '=', org_id).where('code_normalised', '=', code_normalised).executeTakeFirst() as Promise<ProductRow | undefined>;
  },
  async byCodes(db: Tx, org_id: string, codes: string[]): Promise<ProductRow[]> {
    const out: ProductRow[] = [];
    for (const part of chunks(codes)) {
      out.push(...(await db.selectFrom('catalog.product').selectAll().where('org_id', '=', org_id).where('code_normalised', 'in', part).execute()) as ProductRow[]);
    }
    return out;
  },
  async insertMany(db: Tx, rows: Array<Omit<ProductRow, 'created_at' | 'updated_at'>>): Promise<void> {
    for (const part of chunks(rows)) await db.insertInto('catalog.product').values(part).execute();
  },
  async update(db: Tx, org_id: string, id: string, patch: Partial<Omit<ProductRow, 'org_id' | 'id' | 'created_at'>>): Promise<void> {
    await db.updateTable('catalog.product').set({ ...patch, updated_at: sql`now()` }).where('org_id', '=', org_id).where('id', '=', id).execute();
  },
  async delete(db: Tx, org_id: string, id: string): Promise<void> {
    await db.deleteFrom('catalog.product').where('org_id', '=', org_id).where('id', '=', id).execute();
  },
  /**
   * Search as you type through catalog.search_products_ranked() (migrations 1003 and 2310 say why: the
   * trigram index cannot be used under row-level security, pg_trgm ignores Persian letters under the C
   * locale, and ordering every "contains" match of a common word over a million rows costs more than the
   * 50 ms budget). Tiers, best first: 0 exact code/barcode/variant SKU, 1 code prefix, 2 name prefix,
   * 3 every word contained; each tier runs only while the page is not full. Without text: by code.
   * Rows come back from the RLS-protected table, in the function's order, with their rank.
   */
  async search(db: Tx, org_id: string, filter: { text: string; words: string[]; code: string; category_ids: string[] | null; active?: boolean | undefined; limit: number; offset: number }): Promise<Array<ProductRow & { match_rank: number }>> {
    const categories = filter.category_ids ? sql`${filter.category_ids}::uuid[]` : sql`null::uuid[]`;
    const found = await sql<{ id: string; match_rank: number }>`select id, match_rank from catalog.search_products_ranked(${filter.text}::text,
      ${filter.words}::text[], ${filter.code}::text, ${categories}, ${filter.active ?? null}::boolean, ${filter.limit}::int, ${filter.offset}::int) as s (id, match_rank)`.execute(db);
    if (found.rows.length === 0) return [];
    const rows = await db.selectFrom('catalog.product').selectAll().where('org_id', '=', org_id).where('id', 'in', found.rows.map((r) => r.id)).execute() as ProductRow[];
    const byId = new Map(rows.map((r) => [r.id, r]));
    return found.rows.flatMap((f) => {
      const row = byId.get(f.id);
      return row ? [{ ...row, match_rank: f.match_rank }] : [];
    });
  },

  async listAll(db: Tx, org_id: string, after_code: string | null, limit: number): Promise<ProductRow[]> {
    let q = db.selectFrom('catalog.product').selectAll().where('org_id', '=', org_id);
    if (after_code !== null) q = q.where('code_normalised', '>', after_code);
    return q.orderBy('code_normalised').limit(limit).execute() as Promise<ProductRow[]>;
  },
};

export const variantRepository = {
  async get(db: Tx, org_id: string, id: string): Promise<VariantRow | undefined> {
    return db.selectFrom('catalog.variant').selectAll().where('org_id', '=', org_id).where('id', '=', id).executeTakeFirst() as Promise<VariantRow | undefined>;
  },
  async bySku(db: Tx, org_id: string, sku_normalised: string): Promise<VariantRow | undefined> {
    return db.selectFrom('catalog.variant').selectAll().where('org_id', '=', org_id).where('sku_normalised', '=', sku_normalised).executeTakeFirst() as Promise<VariantRow | undefined>;
  },
  async ofProducts(db: Tx, org_id: string, product_ids: string[]): Promise<VariantRow[]> {
    if (product_ids.length === 0) return [];
    return db.selectFrom('catalog.variant').selectAll().where('org_id', '=', org_id).where('product_id', 'in', product_ids)
      .orderBy('sort_order').orderBy('id').execute() as Promise<VariantRow[]>;
  },
  async insert(db: Tx, row: Omit<VariantRow, 'created_at' | 'updated_at'>): Promise<void> {
    await db.insertInto('catalog.variant').values({ ...row, option_values: JSON.stringify(row.option_values) }).execute();
  },
  async update(db: Tx, org_id: string, id: string, patch: Partial<Pick<VariantRow, 'sku' | 'sku_normalised' | 'name' | 'option_values' | 'is_active' | 'sort_order'>>): Promise<void> {
    const values = { ...patch, ...(patch.option_values ? { option_values: JSON.stringify(patch.option_values) } : {}), updated_at: sql`now()` };
    await db.updateTable('catalog.variant').set(values).where('org_id', '=', org_id).where('id', '=', id).execute();
  },
  async delete(db: Tx, org_id: string, id: string): Promise<void> {
    await db.deleteFrom('catalog.variant').where('org_id', '=', org_id).where('id', '=', id).execute();
  },
};

export const barcodeRepository = {
  /** Every scan starts here: prepared, so it is planned once per connection (it was ~0.1 ms of planning per scan). */
  async get(db: Tx, org_id: string, code_normalised: string): Promise<BarcodeRow | undefined> {
    const result = await sql<BarcodeRow>`${prepared('catalog_barcode_get')} select org_id, code_normalised, code, product_id, variant_id
      from catalog.barcode where org_id = ${org_id}::uuid and code_normalised = ${code_normalised}::text`.execute(db);
    return result.rows[0];
  },
  async getMany(db: Tx, org_id: string, codes: string[]): Promise<BarcodeRow[]> {
    const out: BarcodeRow[] = [];
    for (const part of chunks(codes)) {
      out.push(...(await db.selectFrom('catalog.barcode').selectAll().where('org_id', '=', org_id).where('code_normalised', 'in', part).execute()) as BarcodeRow[]);
    }
    return out;
  },
  async ofProducts(db: Tx, org_id: string, product_ids: string[]): Promise<BarcodeRow[]> {
    const out: BarcodeRow[] = [];
    for (const part of chunks(product_ids)) {
      out.push(...(await db.selectFrom('catalog.barcode').selectAll().where('org_id', '=', org_id).where('product_id', 'in', part).orderBy('created_at').orderBy('code_normalised').execute()) as BarcodeRow[]);
    }
    return out;
  },
  async insertMany(db: Tx, rows: BarcodeRow[]): Promise<void> {
    for (const part of chunks(rows)) await db.insertInto('catalog.barcode').values(part).execute();
  },
  /** Removes the barcodes of one item (variant_id null: the product's own). */
  async deleteOfItem(db: Tx, org_id: string, product_id: string, variant_id: string | null): Promise<void> {
    let q = db.deleteFrom('catalog.barcode').where('org_id', '=', org_id).where('product_id', '=', product_id);
    q = variant_id === null ? q.where('variant_id', 'is', null) : q.where('variant_id', '=', variant_id);
    await q.execute();
  },
  async deleteOfProducts(db: Tx, org_id: string, product_ids: string[]): Promise<void> {
    for (const part of chunks(product_ids)) await db.deleteFrom('catalog.barcode').where('org_id', '=', org_id).where('product_id', 'in', part).where('variant_id', 'is', null).execute();
  },
};

export const priceRepository = {
  async ofProducts(db: Tx, org_id: string, product_ids: string[]): Promise<PriceRow[]> {
    const out: PriceRow[] = [];
    for (const part of chunks(product_ids)) {
      out.push(...(await db.selectFrom('catalog.price').selectAll().where('org_id', '=', org_id).where('product_id', 'in', part).orderBy('level').execute()) as PriceRow[]);
    }
    return out;
  },
  async replaceOfItems(db: Tx, org_id: string, item_ids: string[], rows: PriceRow[]): Promise<void> {
    for (const part of chunks(item_ids)) await db.deleteFrom('catalog.price').where('org_id', '=', org_id).where('item_id', 'in', part).execute();
    for (const part of chunks(rows)) await db.insertInto('catalog.price').values(part).execute();
  },
};

/** Everything hanging off some products, in one round trip (the lookup's hot path). */
export async function detailsOfProducts(db: Tx, org_id: string, product_ids: string[]): Promise<{ variants: VariantRow[]; barcodes: BarcodeRow[]; prices: PriceRow[]; values: AttributeValueRow[] }> {
  if (product_ids.length === 0) return { variants: [], barcodes: [], prices: [], values: [] };
  const ids = sql`${sql.join(product_ids.map((id) => sql`${id}::uuid`))}`;
  const row = await sql<{ variants: VariantRow[]; barcodes: BarcodeRow[]; prices: Array<Omit<PriceRow, 'amount_rial'> & { amount_rial: number }>; values: AttributeValueRow[] }>`select
      (select coalesce(json_agg(v order by v.sort_order, v.id), '[]') from catalog.variant v where v.org_id = ${org_id} and v.product_id in (${ids})) as variants,
      (select coalesce(json_agg(b order by b.created_at, b.code_normalised), '[]') from catalog.barcode b where b.org_id = ${org_id} and b.product_id in (${ids})) as barcodes,
      (select coalesce(json_agg(p order by p.level), '[]') from catalog.price p where p.org_id = ${org_id} and p.product_id in (${ids})) as prices,
      (select coalesce(json_agg(a), '[]') from catalog.attribute_value a where a.org_id = ${org_id} and a.product_id in (${ids})) as values`.execute(db);
  const first = row.rows[0];
  if (!first) return { variants: [], barcodes: [], prices: [], values: [] };
  return { variants: first.variants, barcodes: first.barcodes, values: first.values, prices: first.prices.map((p) => ({ ...p, amount_rial: BigInt(p.amount_rial) })) };
}

/** Stock-keeping items by id: variants (with their product) and products (with whether they have variants), one round trip. */
export async function itemsByIds(db: Tx, org_id: string, item_ids: string[]): Promise<Array<{
  item_id: string; product_id: string; variant_id: string | null; code: string; name: string; unit: string; is_active: boolean; has_variants: boolean;
}>> {
  if (item_ids.length === 0) return [];
  // catalog.items_by_ids (migration T2300): variants with their product's name, and products with whether they have variants.
  const result = await sql<{ item_id: string; product_id: string; variant_id: string | null; code: string; name: string; unit: string; is_active: boolean; has_variants: boolean }>`
    ${prepared('catalog_items_by_ids')} select item_id, product_id, variant_id, code, name, unit, is_active, has_variants from catalog.items_by_ids(${org_id}::uuid, ${item_ids}::uuid[])`.execute(db);
  return result.rows;
}

export const attributeValueRepository = {
  async ofProducts(db: Tx, org_id: string, product_ids: string[]): Promise<AttributeValueRow[]> {
    if (product_ids.length === 0) return [];
    return db.selectFrom('catalog.attribute_value').selectAll().where('org_id', '=', org_id).where('product_id', 'in', product_ids).execute() as Promise<AttributeValueRow[]>;
  },
  async replace(db: Tx, org_id: string, product_id: string, rows: AttributeValueRow[]): Promise<void> {
    await db.deleteFrom('catalog.attribute_value').where('org_id', '=', org_id).where('product_id', '=', product_id).execute();
    if (rows.length) await db.insertInto('catalog.attribute_value').values(rows.map((r) => ({ ...r, value: JSON.stringify(r.value) }))).execute();
  },
};

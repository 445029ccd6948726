import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { sql } from 'kysely';
import { newId } from '@chaharsu/kit';
import { createTestDatabase, openTestDb, type TestDatabase } from '@chaharsu/db/testing';
import type { Db } from '@chaharsu/db';
import { createStockModules, asUser, type StockModules } from '@chaharsu/inventory/testing';

let database: TestDatabase;
let db: Db;
let close: () => Promise<void>;
let m: StockModules;
const org = newId();
const otherOrg = newId();
const user = newId();

const as = <T>(fn: Parameters<typeof asUser<T>>[3], org_id = org) => asUser(db, org_id, user, fn);

beforeAll(async () => {
  database = await createTestDatabase();
  ({ db, close } = openTestDb(database.app_url));
  m = createStockModules();
  m.orgs.addWarehouse(org);
  m.orgs.addWarehouse(otherOrg);
});
afterAll(async () => { await close(); await database.drop(); });

const product = (code: string, extra: Record<string, unknown> = {}) => ({ code, name: `کالا ${code}`, unit: 'عدد', ...extra });

describe('catalog database setup', () => {
  it('has pg_trgm installed by the migration (trusted extension, database owner) and a trigram index on the search column', async () => {
    const ext = await sql<{ extname: string }>`select extname from pg_extension where extname = 'pg_trgm'`.execute(db);
    expect(ext.rows).toHaveLength(1);
    const index = await sql<{ indexdef: string }>`select indexdef from pg_indexes where indexname = 'product_search_key_trgm'`.execute(db);
    expect(index.rows[0]?.indexdef).toContain('gin_trgm_ops');
  });

  it('gives Persian text trigrams whatever the database locale (pg_trgm skips non-word characters under C)', async () => {
    const trigrams = await as((ctx) => sql<{ plain: string[]; key: string[] }>`select show_trgm('ماست') as plain, show_trgm(catalog.search_key('ماست')) as key`.execute(ctx.db));
    expect(trigrams.rows[0]?.key.length).toBeGreaterThan(3);
  });

  it('lets the app role see only its own organisation in the search index table, and write none of it; search is scoped to the organisation', async () => {
    await as((ctx) => m.catalog.createProduct(ctx, product('ISO-0', { name: 'هل سبز' })), otherOrg);
    await as((ctx) => m.catalog.createProduct(ctx, product('ISO-1', { name: 'زعفران قائنات' })));
    const visible = await as((ctx) => sql<{ org_id: string }>`select distinct org_id from catalog.product_search`.execute(ctx.db));
    expect(visible.rows.map((r) => r.org_id)).toEqual([org]);
    await expect(as((ctx) => sql`delete from catalog.product_search`.execute(ctx.db))).rejects.toMatchObject({ code: '42501' });
    const search = (org_id: string) => as((ctx) => m.catalog.search(ctx, { q: 'زعفران', include_subcategories: true, limit: 20, offset: 0 }), org_id);
    expect((await search(org)).items.map((i) => i.code)).toEqual(['ISO-1']);
    expect((await search(otherOrg)).items).toEqual([]);
    // Without an organisation in the transaction the function returns nothing.
    const none = await asUser(db, null, user, (ctx) => sql<{ product_id: string }>`select * from catalog.search_products_ranked('', '{}'::text[], '', null, null, 20, 0)`.execute(ctx.db));
    expect(none.rows).toEqual([]);
  });
});

describe('categories', () => {
  it('builds a tree of any depth and moves a subtree with everything under it', async () => {
    const tree = await as(async (ctx) => {
      const a = await m.catalog.createCategory(ctx, { name: 'الف', parent_id: null, sort_order: 0 });
      const b = await m.catalog.createCategory(ctx, { name: 'ب', parent_id: a.id, sort_order: 0 });
      const c = await m.catalog.createCategory(ctx, { name: 'پ', parent_id: b.id, sort_order: 0 });
      const d = await m.catalog.createCategory(ctx, { name: 'ت', parent_id: c.id, sort_order: 0 });
      const other = await m.catalog.createCategory(ctx, { name: 'ث', parent_id: null, sort_order: 1 });
      return { a, b, c, d, other };
    });
    expect(tree.d.path_ids).toEqual([tree.a.id, tree.b.id, tree.c.id, tree.d.id]);
    expect(tree.d.depth).toBe(3);

    const moved = await as((ctx) => m.catalog.moveCategory(ctx, tree.b.id, { parent_id: tree.other.id }));
    expect(moved.path_ids).toEqual([tree.other.id, tree.b.id]);
    const all = await as((ctx) => m.catalog.listCategories(ctx));
    const d = all.find((c) => c.id === tree.d.id);
    expect(d?.path_ids).toEqual([tree.other.id, tree.b.id, tree.c.id, tree.d.id]);
    expect(d?.depth).toBe(3);

    await expect(as((ctx) => m.catalog.moveCategory(ctx, tree.other.id, { parent_id: tree.c.id }))).rejects.toMatchObject({ code: 'catalog.category_cycle' });
    await expect(as((ctx) => m.catalog.deleteCategory(ctx, tree.other.id))).rejects.toMatchObject({ code: 'catalog.category_not_empty' });
    await expect(as((ctx) => m.catalog.createCategory(ctx, { name: 'ب', parent_id: tree.other.id, sort_order: 0 }))).rejects.toMatchObject({ code: 'catalog.category_name_taken' });
  });

  it('gives subcategories the attributes of their ancestors and checks values against them', async () => {
    const { leaf, color, weight } = await as(async (ctx) => {
      const root = await m.catalog.createCategory(ctx, { name: 'پوشاک زنانه', parent_id: null, sort_order: 0 });
      const leaf = await m.catalog.createCategory(ctx, { name: 'مانتو', parent_id: root.id, sort_order: 0 });
      const color = await m.catalog.createAttribute(ctx, root.id, { code: 'color', name: 'رنگ', value_type: 'choice', choices: ['قرمز', 'آبی'], is_required: true, sort_order: 0 });
      const weight = await m.catalog.createAttribute(ctx, leaf.id, { code: 'weight', name: 'وزن', value_type: 'number', choices: [], is_required: false, sort_order: 1 });
      return { leaf, color, weight };
    });
    const attributes = await as((ctx) => m.catalog.categoryAttributes(ctx, leaf.id));
    expect(attributes.map((a) => a.code).sort()).toEqual(['color', 'weight']);

    const created = await as((ctx) => m.catalog.createProduct(ctx, product('M-1', { category_id: leaf.id, attributes: [{ attribute_id: color.id, value: 'آبی' }, { attribute_id: weight.id, value: 0.4 }] })));
    expect(created.attributes.map((a) => [a.code, a.value]).sort()).toEqual([['color', 'آبی'], ['weight', 0.4]]);
    await expect(as((ctx) => m.catalog.createProduct(ctx, product('M-2', { category_id: leaf.id, attributes: [{ attribute_id: color.id, value: 'سبز' }] }))))
      .rejects.toMatchObject({ code: 'catalog.attribute_value_invalid' });
    await expect(as((ctx) => m.catalog.createProduct(ctx, product('M-3', { category_id: leaf.id, attributes: [] }))))
      .rejects.toMatchObject({ code: 'catalog.attribute_required' });
  });
});

describe('products, barcodes and lookup', () => {
  it('finds a product by any of its barcodes whatever the digits or letter forms the scanner typed', async () => {
    const created = await as((ctx) => m.catalog.createProduct(ctx, product('P-100', {
      name: 'کیک شکلاتی', barcodes: ['6260000000017', 'qr:shop/p100'], prices: Array.from({ length: 10 }, (_, i) => ({ level: i + 1, amount_rial: 100_000 * (i + 1) })),
    })));
    expect(created.prices).toHaveLength(10);
    const byPersianDigits = await as((ctx) => m.catalog.lookup(ctx, '۶۲۶۰۰۰۰۰۰۰۰۱۷'));
    expect(byPersianDigits).toMatchObject({ matched_by: 'barcode', item_id: created.id, product: { code: 'P-100' } });
    const byQrUpperCase = await as((ctx) => m.catalog.lookup(ctx, 'QR:SHOP/P100\r'));
    expect(byQrUpperCase.product.id).toBe(created.id);
    const byCode = await as((ctx) => m.catalog.lookup(ctx, 'p-100'));
    expect(byCode.matched_by).toBe('product_code');
    await expect(as((ctx) => m.catalog.lookup(ctx, '0000'))).rejects.toMatchObject({ code: 'catalog.code_not_found' });
  });

  it('keeps barcodes and codes unique per organisation only', async () => {
    await as((ctx) => m.catalog.createProduct(ctx, product('U-1', { barcodes: ['111222333'] })));
    await expect(as((ctx) => m.catalog.createProduct(ctx, product('U-2', { barcodes: ['111222333'] })))).rejects.toMatchObject({ code: 'catalog.barcode_taken' });
    await expect(as((ctx) => m.catalog.createProduct(ctx, product('u-1')))).rejects.toMatchObject({ code: 'catalog.code_taken' });
    const elsewhere = await as((ctx) => m.catalog.createProduct(ctx, product('U-1', { barcodes: ['111222333'] })), otherOrg);
    expect(elsewhere.code).toBe('U-1');
    // The other organisation's product is invisible here.
    const here = await as((ctx) => m.catalog.lookup(ctx, '111222333'));
    expect(here.product.id).not.toBe(elsewhere.id);
  });

  it('gives variants their own SKU, barcodes and prices, found by lookup as their own item', async () => {
    const shirt = await as((ctx) => m.catalog.createProduct(ctx, product('SH-1', {
      name: 'پیراهن', variants: [
        { sku: 'SH-1-S', name: 'کوچک', option_values: { size: 'S' }, barcodes: ['900001'], prices: [{ level: 1, amount_rial: 2_000_000 }] },
        { sku: 'SH-1-L', name: 'بزرگ', option_values: { size: 'L' }, barcodes: ['900002'], prices: [{ level: 1, amount_rial: 2_200_000 }] },
      ],
    })));
    expect(shirt.variants.map((v) => v.sku)).toEqual(['SH-1-S', 'SH-1-L']);
    const found = await as((ctx) => m.catalog.lookup(ctx, '900002'));
    expect(found.variant?.sku).toBe('SH-1-L');
    expect(found.item_id).toBe(found.variant?.id);
    const bySku = await as((ctx) => m.catalog.lookup(ctx, 'sh-1-s'));
    expect(bySku).toMatchObject({ matched_by: 'variant_sku', variant: { prices: [{ level: 1, amount_rial: 2_000_000 }] } });
    await expect(as((ctx) => m.catalog.addVariant(ctx, shirt.id, { sku: 'SH-1', name: 'x', option_values: {}, is_active: true, sort_order: 0, barcodes: [], prices: [] })))
      .rejects.toMatchObject({ code: 'catalog.code_taken' });
  });

  it('updates and deletes a product; its barcode is free again after deletion', async () => {
    const p = await as((ctx) => m.catalog.createProduct(ctx, product('D-1', { barcodes: ['555000'] })));
    const updated = await as((ctx) => m.catalog.updateProduct(ctx, p.id, { name: 'نام تازه', barcodes: ['555001'], is_active: false }));
    expect(updated).toMatchObject({ name: 'نام تازه', barcodes: ['555001'], is_active: false });
    await as((ctx) => m.catalog.deleteProduct(ctx, p.id));
    await expect(as((ctx) => m.catalog.getProduct(ctx, p.id))).rejects.toMatchObject({ code: 'catalog.product_not_found' });
    const again = await as((ctx) => m.catalog.createProduct(ctx, product('D-2', { barcodes: ['555001'] })));
    expect(again.barcodes).toEqual(['555001']);
  });
});

describe('search as you type', () => {
  it('matches name, code and barcode whatever the Arabic/Persian letter forms and digit scripts', async () => {
    await as(async (ctx) => {
      await m.catalog.createProduct(ctx, product('S-1', { name: 'كيك يزدي ۱۲ عددی', barcodes: ['6269999000011'] }));
      await m.catalog.createProduct(ctx, product('S-2', { name: 'کیک یزدی ویژه' }));
      await m.catalog.createProduct(ctx, product('S-3', { name: 'نان سنگک' }));
    });
    const search = (q: string) => as((ctx) => m.catalog.search(ctx, { q, include_subcategories: true, limit: 20, offset: 0 }));
    expect((await search('کیک یزدی')).items.map((i) => i.code).sort()).toEqual(['S-1', 'S-2']);
    expect((await search('كيك 12')).items.map((i) => i.code)).toEqual(['S-1']);
    expect((await search('۹۹۹۰۰۰')).items.map((i) => i.code)).toEqual(['S-1']);
    expect((await search('s-3')).items.map((i) => i.code)).toEqual(['S-3']);
    // Two letters already search inside words; a name that starts with them comes first.
    expect((await search('نا')).items.map((i) => i.code)[0]).toBe('S-3');
    expect((await search('ن')).items.map((i) => i.code)).toEqual(['S-3']);
    expect((await search('100%_')).items).toEqual([]);
  });

  it('puts an exact code or barcode first, then code prefixes, names that start with the query, and names that contain it — across pages', async () => {
    await as(async (ctx) => {
      await m.catalog.createProduct(ctx, product('RK-W', { name: 'ماکارونی فرمی 44556' }));
      await m.catalog.createProduct(ctx, product('RK-Z', { name: '۴۴۵۵ ماکارونی' }));
      await m.catalog.createProduct(ctx, product('4455-B', { name: 'ماکارونی ساده' }));
      await m.catalog.createProduct(ctx, product('RK-X', { name: 'چای کیسه‌ای', barcodes: ['4455'] }));
    });
    const page = (q: string, limit: number, offset: number) => as((ctx) => m.catalog.search(ctx, { q, include_subcategories: true, limit, offset }));
    const first = await page('۴۴۵۵', 2, 0);
    expect(first.items.map((i) => i.code)).toEqual(['RK-X', '4455-B']);
    expect(first.next_offset).toBe(2);
    const second = await page('۴۴۵۵', 2, 2);
    expect(second.items.map((i) => i.code)).toEqual(['RK-Z', 'RK-W']);
    expect(second.next_offset).toBeNull();
  });

  it('shows a name that starts with the query on the first page even when more names contain it than fit', async () => {
    await as(async (ctx) => {
      for (let i = 1; i <= 6; i++) await m.catalog.createProduct(ctx, product(`RH-${i}`, { name: `کره بادام زمینی با عسل ${i}` }));
      await m.catalog.createProduct(ctx, product('RH-P', { name: 'عسل طبیعی' }));
    });
    const found = await as((ctx) => m.catalog.search(ctx, { q: 'عسل', include_subcategories: true, limit: 3, offset: 0 }));
    expect(found.items.map((i) => i.code)[0]).toBe('RH-P');
    expect(found.items).toHaveLength(3);
    expect(found.next_offset).toBe(3);
    // Letter forms as Holoo stores them find the same product.
    const arabic = await as((ctx) => m.catalog.search(ctx, { q: 'عسل طبيعي', include_subcategories: true, limit: 3, offset: 0 }));
    expect(arabic.items.map((i) => i.code)).toEqual(['RH-P']);
  });

  it('pages through the catalogue by code when there is no query', async () => {
    const first = await as((ctx) => m.catalog.search(ctx, { include_subcategories: true, limit: 2, offset: 0 }));
    expect(first.items).toHaveLength(2);
    expect(first.next_offset).toBe(2);
    const codes = first.items.map((i) => i.code);
    expect([...codes].sort()).toEqual(codes);
  });
});

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import ExcelJS from 'exceljs';
import { newId } from '@chaharsu/kit';
import { createTestDatabase, openTestDb, type TestDatabase } from '@chaharsu/db/testing';
import type { Db } from '@chaharsu/db';
import { createStockModules, asUser, type StockModules } from '@chaharsu/inventory/testing';

let database: TestDatabase;
let db: Db;
let close: () => Promise<void>;
let m: StockModules;
const org = newId();
const user = newId();
const as = <T>(fn: Parameters<typeof asUser<T>>[3]) => asUser(db, org, user, fn);

async function sheet(header: string[], rows: unknown[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const ws = workbook.addWorksheet('Products');
  ws.addRow(header);
  for (const row of rows) ws.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

beforeAll(async () => {
  database = await createTestDatabase();
  ({ db, close } = openTestDb(database.app_url));
  m = createStockModules();
  m.orgs.addWarehouse(org);
});
afterAll(async () => { await close(); await database.drop(); });

describe('importing over an existing catalogue', () => {
  it('updates the products whose codes exist (prices, barcodes, name) and leaves the columns not in the sheet alone', async () => {
    const tea = await as((ctx) => m.catalog.createProduct(ctx, { code: 'TEA-1', name: 'چای', unit: 'بسته', barcodes: ['1000001'], prices: [{ level: 1, amount_rial: 500_000 }, { level: 3, amount_rial: 450_000 }] }));
    const file = await sheet(['Code', 'Name', 'Barcodes', 'Price 1'], [['tea-1', 'چای سیاه ممتاز', '1000002، 1000003', '۶۰۰٬۰۰۰']]);
    const report = await as((ctx) => m.catalog.importProducts(ctx, file, 'all_or_nothing'));
    expect(report).toMatchObject({ status: 'imported', created: 0, updated: 1, errors: [] });
    const after = await as((ctx) => m.catalog.getProduct(ctx, tea.id));
    expect(after).toMatchObject({ code: 'TEA-1', name: 'چای سیاه ممتاز', unit: 'بسته', barcodes: ['1000002', '1000003'] });
    expect(after.prices).toEqual([{ level: 1, amount_rial: 600_000 }, { level: 3, amount_rial: 450_000 }]);
    // The old barcode is free, the new ones find the product, and search sees the new name.
    await expect(as((ctx) => m.catalog.lookup(ctx, '1000001'))).rejects.toMatchObject({ code: 'catalog.code_not_found' });
    expect((await as((ctx) => m.catalog.lookup(ctx, '1000003'))).product.id).toBe(tea.id);
    expect((await as((ctx) => m.catalog.search(ctx, { q: 'ممتاز', include_subcategories: true, limit: 20, offset: 0 }))).items.map((i) => i.code)).toEqual(['TEA-1']);
  });

  it('reports a barcode that belongs to another product and a code that is a variant SKU, and imports nothing', async () => {
    await as((ctx) => m.catalog.createProduct(ctx, { code: 'OWN-1', name: 'دارندهٔ بارکد', unit: 'عدد', barcodes: ['2000001'], variants: [{ sku: 'OWN-1-A', name: 'الف' }] }));
    const file = await sheet(['کد کالا', 'نام کالا', 'بارکدها'], [['NEW-1', 'کالای تازه', '2000001'], ['own-1-a', 'گونه', ''], ['NEW-2', 'کالای درست', '']]);
    const report = await as((ctx) => m.catalog.importProducts(ctx, file, 'all_or_nothing'));
    expect(report.status).toBe('rejected');
    expect(report.errors.map((e) => [e.row, e.column, e.code])).toEqual([[2, 'barcodes', 'catalog.import.barcode_taken'], [3, 'code', 'catalog.import.code_is_variant_sku']]);
    await expect(as((ctx) => m.catalog.lookup(ctx, 'NEW-2'))).rejects.toMatchObject({ code: 'catalog.code_not_found' });
  });
});

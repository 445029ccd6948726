/**
 * Catalog, inventory and notification routes over real HTTP on the real server (demo seed included),
 * signed in as the demo owner: lookup, search, the Excel round trip, movements with their refusals,
 * the low-stock alert in the owner's notifications, and a member without these permissions refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import pg from 'pg';
import { startTestServer, type TestClient, type TestServer } from '../../../tests/support/server.js';
import { signIn, SIGN_IN_FRIENDLY_ENV } from '../../../tests/support/sign-in.js';
import type { ImportReport, LookupResult, ProductDto, ProductSearchPage } from '@chaharsu/catalog';
import type { MoveResult, StockPage, MovementPage } from './inventory.contracts.js';
import type { NotificationPage } from '@chaharsu/notify';

let t: TestServer;
let su: pg.Client;
let demo: string;
let owner: TestClient;
let mainWarehouse: string;

async function as(phone: string, org_id: string): Promise<TestClient> {
  const client = t.client();
  await signIn(client, phone, org_id);
  return client;
}

async function sheet(rows: Array<Record<string, string | number>>): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  const ws = workbook.addWorksheet('کالاها');
  const headers = ['کد کالا', 'نام کالا', 'واحد', 'گروه', 'بارکدها', 'قیمت ۱', 'Price 2'];
  ws.addRow(headers);
  for (const row of rows) ws.addRow(headers.map((h) => row[h] ?? null));
  return Buffer.from(await workbook.xlsx.writeBuffer()).toString('base64');
}

beforeAll(async () => {
  t = await startTestServer({ SEED_DEMO: 'true', ...SIGN_IN_FRIENDLY_ENV });
  su = new pg.Client({ connectionString: t.database.superuser_url });
  await su.connect();
  demo = (await su.query<{ org_id: string }>("select org_id from orgs.organisation where slug = 'demo'")).rows[0]?.org_id ?? '';
  owner = await as('09120000010', demo);
  const stock = await owner.get<StockPage>('/api/inventory/stock?limit=1');
  mainWarehouse = stock.body.items[0]?.warehouse_id ?? '';
});

afterAll(async () => {
  await su?.end();
  await t?.close();
});

describe('catalog routes', () => {
  it('finds the demo milk by its barcode typed in Persian digits, and by search in Arabic letter forms', async () => {
    const lookup = await owner.get<LookupResult>(`/api/catalog/lookup?code=${encodeURIComponent('۶۲۶۱۲۱۰۰۰۱۰۰۱')}`);
    expect(lookup.status).toBe(200);
    expect(lookup.body).toMatchObject({ matched_by: 'barcode', product: { code: 'D-1001', name: 'شیر کم‌چرب یک لیتری' } });
    const search = await owner.get<ProductSearchPage>(`/api/catalog/products?q=${encodeURIComponent('ماست پرچرب')}`);
    expect(search.body.items.map((i) => i.code)).toEqual(['D-1002']);
    const unknown = await owner.get<{ code: string }>('/api/catalog/lookup?code=000000');
    expect(unknown).toMatchObject({ status: 404, body: { code: 'catalog.code_not_found' } });
  });

  it('imports nothing from a sheet with errors, then the valid rows when asked, and exports them back in an RTL sheet', async () => {
    const file = await sheet([
      { 'کد کالا': 'IMP-1', 'نام کالا': 'چای سیاه', 'واحد': 'بسته', 'گروه': 'مواد غذایی / لبنیات', 'بارکدها': '۶۲۶۰۰۰۰۰۰۹۹۹۱', 'قیمت ۱': '۱٬۲۵۰٬۰۰۰', 'Price 2': 1200000 },
      { 'کد کالا': 'IMP-2', 'نام کالا': 'قهوه', 'قیمت ۱': 'گران' },
      { 'کد کالا': 'IMP-3', 'نام کالا': 'شکر', 'گروه': 'گروه ناموجود' },
      { 'کد کالا': 'imp-1', 'نام کالا': 'تکراری' },
    ]);
    const rejected = await owner.post<ImportReport>('/api/catalog/import', { file_base64: file });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', created: 0, total_rows: 4 });
    expect(rejected.body.errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [3, 'price_1', 'catalog.import.invalid_value'],
      [4, 'category', 'catalog.import.category_not_found'],
      [5, 'code', 'catalog.import.duplicate_code_in_file'],
    ]);
    expect((await owner.get('/api/catalog/lookup?code=IMP-1')).status).toBe(404);

    const partial = await owner.post<ImportReport>('/api/catalog/import', { file_base64: file, mode: 'valid_rows' });
    expect(partial.body).toMatchObject({ status: 'imported', created: 1, skipped: 3 });
    const tea = await owner.get<LookupResult>('/api/catalog/lookup?code=6260000009991');
    expect(tea.body.product).toMatchObject({ code: 'IMP-1', unit: 'بسته', prices: [{ level: 1, amount_rial: 1_250_000 }, { level: 2, amount_rial: 1_200_000 }] });

    const exported = await fetch(`${t.base_url}/api/catalog/export`, { headers: { cookie: [...owner.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    expect(exported.headers.get('content-type')).toContain('spreadsheetml');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await exported.arrayBuffer()) as unknown as ExcelJS.Buffer);
    const ws = workbook.worksheets[0];
    expect(ws?.views[0]?.rightToLeft).toBe(true);
    const codes: string[] = [];
    ws?.eachRow((row, n) => { if (n > 1) codes.push(String(row.getCell(1).value)); });
    expect(codes).toContain('IMP-1');
    expect(codes).toContain('D-1001');
  });

  it('creates a product with ten price levels and gives it a stock row in the default warehouse', async () => {
    const created = await owner.post<ProductDto>('/api/catalog/products', {
      code: 'HTTP-1', name: 'روغن مایع', unit: 'عدد', barcodes: ['6260000001234'], prices: Array.from({ length: 10 }, (_, i) => ({ level: i + 1, amount_rial: 900_000 - i * 10_000 })),
    });
    expect(created.status).toBe(201);
    expect(created.body.prices).toHaveLength(10);
    const stock = await owner.get<StockPage>(`/api/inventory/stock?item_id=${created.body.id}`);
    expect(stock.body.items).toMatchObject([{ quantity: 0, code: 'HTTP-1' }]);
  });
});

describe('inventory routes', () => {
  it('moves stock, refuses an issue beyond it with 409, and reverses a movement once', async () => {
    const product = (await owner.get<LookupResult>('/api/catalog/lookup?code=HTTP-1')).body.product;
    const receipt = await owner.post<MoveResult>('/api/inventory/movements', { type: 'in', warehouse_id: mainWarehouse, item_id: product.id, quantity: '۱۲', idempotency_key: 'http-receipt-1' });
    expect(receipt.status).toBe(201);
    expect(receipt.body.movements[0]).toMatchObject({ quantity_delta: 12, quantity_after: 12 });
    const tooMuch = await owner.post<{ code: string; params: Record<string, unknown> }>('/api/inventory/movements', { type: 'out', warehouse_id: mainWarehouse, item_id: product.id, quantity: 13 });
    expect(tooMuch).toMatchObject({ status: 409, body: { code: 'inventory.insufficient_stock', params: { available: 12, requested: 13 } } });
    const reversal = await owner.post<MoveResult>(`/api/inventory/movements/${receipt.body.movements[0]?.id}/reverse`, { reason: 'ثبت اشتباه' });
    expect(reversal.status).toBe(201);
    const again = await owner.post<{ code: string }>(`/api/inventory/movements/${receipt.body.movements[0]?.id}/reverse`, { reason: 'دوباره' });
    expect(again).toMatchObject({ status: 409, body: { code: 'inventory.already_reversed' } });
    const history = await owner.get<MovementPage>(`/api/inventory/movements?product_id=${product.id}`);
    expect(history.body.items.map((m) => m.type)).toEqual(['reversal', 'in']);
  });

  it('shows the demo milk under its minimum and has told the owner about it', async () => {
    const low = await owner.get<StockPage>('/api/inventory/stock/low');
    expect(low.body.items.map((i) => [i.code, i.quantity, i.min_quantity])).toContainEqual(['D-1001', 7, 10]);
    const inbox = await owner.get<NotificationPage>('/api/me/notifications?unread_only=true');
    const alert = inbox.body.items.find((n) => n.kind === 'inventory.low_stock' && n.params.code === 'D-1001');
    expect(alert).toMatchObject({ title_key: 'inventory.notifications.low_stock', read_at: null });
    const read = await owner.post<{ read_at: string | null }>(`/api/me/notifications/${alert?.id}/read`);
    expect(read.status).toBe(200);
    expect(read.body.read_at).not.toBeNull();
    const after = await owner.get<NotificationPage>('/api/me/notifications?unread_only=true');
    expect(after.body.unread_count).toBe(inbox.body.unread_count - 1);
  });

  it('refuses a member without catalog and inventory permissions', async () => {
    const staff = await as('09120000012', demo);
    expect((await staff.get('/api/catalog/products')).status).toBe(403);
    expect((await staff.get('/api/inventory/stock')).status).toBe(403);
    expect((await staff.post('/api/inventory/movements', { type: 'in', warehouse_id: mainWarehouse, item_id: mainWarehouse, quantity: 1 })).status).toBe(403);
  });
});

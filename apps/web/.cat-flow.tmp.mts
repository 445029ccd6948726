// Temporary flow check (removed after use).
import { launchBrowser } from '@chaharsu/test-kit';
const BASE = 'http://localhost:3107';
const tb = await launchBrowser({ locale: 'fa-IR' });
const ctx = await tb.newContext({ locale: 'fa-IR' });
const page = await ctx.newPage();
page.on('pageerror', (e) => console.log('pageerror', e.message));
await page.goto(`${BASE}/sign-in`);
const csrf = async () => (await ctx.cookies()).find((c) => c.name === 'chaharsu_csrf')?.value ?? '';
await page.request.post(`${BASE}/api/auth/otp/request`, { data: { phone: '09120000010' }, headers: { 'x-csrf-token': await csrf() } });
const inbox = await (await page.request.get(`${BASE}/api/dev/sms-inbox`)).json();
const code = /(\d{5,6})/.exec(JSON.stringify((inbox.items ?? inbox)[0]).replace(/0912\d+|\+98\d+/g, ''))?.[1];
console.log('verify', (await page.request.post(`${BASE}/api/auth/otp/verify`, { data: { phone: '09120000010', code }, headers: { 'x-csrf-token': await csrf() } })).status());
const me = await (await page.request.get(`${BASE}/api/me`)).json();
await page.request.put(`${BASE}/api/me/preferences`, { data: { ...me.preferences, locale: 'fa' }, headers: { 'x-csrf-token': await csrf() } });
console.log('money unit', me.preferences.money_unit);
await page.goto(`${BASE}/catalog/products`);
await page.getByTestId('products-table-row').first().waitFor();
await page.keyboard.press('F2');
await page.getByTestId('product-code').fill('T-۱۰۰');
await page.getByTestId('product-name').fill('دوغ آزمایشی');
await page.getByTestId('product-unit').fill('بطری');
await page.getByTestId('product-barcodes').locator('input').first().fill('۶۲۶۰۰۰۰۰۰۰۰۱');
await page.keyboard.press('Enter');
await page.getByTestId('product-price-1').fill('۱۲٬۵۰۰');
await page.getByTestId('product-minimum').fill('۵');
await page.getByTestId('variant-add').click();
await page.getByTestId('variant-sku').fill('T-100-S');
await page.getByTestId('variant-name').fill('کوچک');
await page.getByTestId('variant-price').fill('۱۰۰۰۰');
await page.getByTestId('variant-minimum').fill('۲');
await page.screenshot({ path: '/tmp/cat-shots/fa-flow-new-filled.png', fullPage: true });
await page.keyboard.press('Control+s');
await page.waitForTimeout(2000);
await page.screenshot({ path: '/tmp/cat-shots/fa-flow-after-save.png', fullPage: true });
const found = await (await page.request.get(`${BASE}/api/catalog/products?q=${encodeURIComponent('دوغ')}`)).json();
console.log('found', JSON.stringify(found.items));
const id = found.items[0]?.id;
if (id) {
  const p = await (await page.request.get(`${BASE}/api/catalog/products/${id}`)).json();
  console.log('product', p.code, JSON.stringify(p.prices), JSON.stringify(p.barcodes), JSON.stringify(p.variants.map((v: { sku: string; prices: unknown }) => [v.sku, v.prices])));
  const stock = await (await page.request.get(`${BASE}/api/inventory/stock?product_id=${id}`)).json();
  console.log('stock', JSON.stringify(stock.items.map((r: { item_id: string; min_quantity: number | null }) => [r.item_id, r.min_quantity])));
}
// search with Arabic letter forms
await page.getByTestId('product-search').fill('شير');
await page.waitForTimeout(1200);
console.log('arabic-yeh search rows', await page.getByTestId('products-table-row').count());
// edit the variant product
await page.getByTestId('product-search').fill('D-2001');
await page.waitForTimeout(1200);
await page.getByTestId('products-table-row').first().dblclick();
await page.getByTestId('variant-row').first().waitFor();
await page.waitForTimeout(800);
await page.screenshot({ path: '/tmp/cat-shots/fa-flow-variant-edit.png', fullPage: true });
await page.keyboard.press('Escape');
// categories: new child under first node
await page.goto(`${BASE}/catalog/categories`);
await page.getByTestId('category-node').first().click();
await page.getByTestId('category-new-child').click();
await page.getByTestId('category-name').fill('نوشیدنی');
await page.keyboard.press('Control+s');
await page.waitForTimeout(1200);
await page.getByTestId('attribute-code').fill('fat');
await page.getByTestId('attribute-name').fill('چربی');
await page.getByTestId('attribute-add').click();
await page.waitForTimeout(1200);
await page.screenshot({ path: '/tmp/cat-shots/fa-flow-categories.png', fullPage: true });
// import valid rows
await page.goto(`${BASE}/catalog/import`);
await page.locator('input[type=file]').setInputFiles('/tmp/cat-shots/import-test.xlsx');
await page.getByTestId('import-start').click();
await page.getByTestId('import-valid-rows').click();
await page.waitForTimeout(2000);
await page.screenshot({ path: '/tmp/cat-shots/fa-flow-import-valid.png', fullPage: true });
// movements filtered
await page.goto(`${BASE}/inventory/movements`);
await page.getByTestId('movements-from').fill('۱۴۰۵/۰۸/۳۰');
await page.waitForTimeout(1500);
console.log('movements rows today', await page.getByTestId('movements-table-row').count());
await page.goto(`${BASE}/notifications`);
await page.getByTestId('notification-link').first().click();
await page.waitForTimeout(1500);
console.log('after link', page.url());
await page.screenshot({ path: '/tmp/cat-shots/fa-flow-low-stock.png', fullPage: true });
await tb.close();

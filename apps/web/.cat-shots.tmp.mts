// Temporary screenshot script (removed after use).
import { launchBrowser } from '@chaharsu/test-kit';
const BASE = 'http://localhost:3107';
const PHONE = '09120000010';
const tb = await launchBrowser({ locale: 'fa-IR' });
import ExcelJS from 'exceljs';
const wb = new ExcelJS.Workbook();
const ws = wb.addWorksheet('products');
ws.addRow(['Code', 'Name', 'Unit', 'Price 1']);
ws.addRow(['X-1', 'Valid item', 'piece', 1000]);
ws.addRow(['X-2', '', 'piece', 'abc']);
ws.addRow(['X-1', 'Duplicate', 'piece', 5]);
await wb.xlsx.writeFile('/tmp/cat-shots/import-test.xlsx');
const ctx = await tb.newContext({ locale: 'fa-IR' });
const page = await ctx.newPage();
let signedIn = false;
for (const locale of (process.env.LOCALES ?? 'fa,en').split(',')) {
  page.on('pageerror', (e) => console.log('pageerror', e.message));
  page.on('console', (m) => { if (m.type() === 'error') console.log('console', m.text()); });
  await page.goto(`${BASE}/sign-in`);
  const csrf = async () => (await ctx.cookies()).find((c) => c.name === 'chaharsu_csrf')?.value ?? '';
  if (!signedIn) { signedIn = true;
  let r = await page.request.post(`${BASE}/api/auth/otp/request`, { data: { phone: PHONE }, headers: { 'x-csrf-token': await csrf() } });
  console.log('otp request', r.status());
  const inbox = await (await page.request.get(`${BASE}/api/dev/sms-inbox`)).json();
  const text = JSON.stringify(inbox);
  const code = /(\d{5,6})/.exec(JSON.stringify((inbox.items ?? inbox)[0] ?? inbox).replace(/0912\d+|\+98\d+/g, ''))?.[1];
  r = await page.request.post(`${BASE}/api/auth/otp/verify`, { data: { phone: PHONE, code }, headers: { 'x-csrf-token': await csrf() } });
  console.log('verify', r.status(), code, text.slice(0, 0));
  }
  const me = await (await page.request.get(`${BASE}/api/me`)).json();
  const pr = await page.request.put(`${BASE}/api/me/preferences`, { data: { ...me.preferences, locale }, headers: { 'x-csrf-token': await csrf() } });
  console.log('prefs', pr.status());
  const shots = (process.env.SHOTS ?? '/catalog/products,/catalog/categories,/catalog/import,/inventory/stock,/inventory/movements,/notifications').split(',');
  for (const path of shots) {
    await page.goto(`${BASE}${path}`);
    await page.waitForTimeout(2500);
    const name = path.replaceAll('/', '_').slice(1);
    await page.screenshot({ path: `/tmp/cat-shots/${locale}-${name}.png`, fullPage: true });
    if (path === '/catalog/products') {
      await page.keyboard.press('F2');
      await page.waitForTimeout(1200);
      await page.screenshot({ path: `/tmp/cat-shots/${locale}-product-new.png`, fullPage: true });
      await page.keyboard.press('Escape');
      const row = page.getByTestId('products-table-row').first();
      if (await row.count()) { await row.dblclick(); await page.waitForTimeout(1500); await page.screenshot({ path: `/tmp/cat-shots/${locale}-product-edit.png`, fullPage: true }); await page.keyboard.press('Escape'); }
      await page.getByTestId('product-search').fill('ماست');
      await page.waitForTimeout(1000);
      await page.screenshot({ path: `/tmp/cat-shots/${locale}-product-search.png`, fullPage: true });
    }
    if (path === '/catalog/import') {
      await page.locator('input[type=file]').setInputFiles('/tmp/cat-shots/import-test.xlsx');
      await page.getByTestId('import-start').click();
      await page.waitForTimeout(2500);
      await page.screenshot({ path: `/tmp/cat-shots/${locale}-import-report.png`, fullPage: true });
    }
    if (path === '/catalog/categories') {
      const node = page.getByTestId('category-node').first();
      if (await node.count()) { await node.click(); await page.waitForTimeout(1000); await page.screenshot({ path: `/tmp/cat-shots/${locale}-category-selected.png`, fullPage: true }); }
    }
  }
}
await ctx.close();
await tb.close();

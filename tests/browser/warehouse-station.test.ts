/**
 * The warehouse operator's flow in a real Chromium against the real server: an employee enrolled from the
 * camera (Chromium's fake camera plays a still face made at test time from the warm-up face inside
 * `@vladmandic/human`, read from node_modules), a USB scanner emulated by fast key events typed through a
 * PERSIAN keyboard layout (right `code`, Persian `key`), a quantity typed in Persian digits, the face check
 * with Human in the page (models and wasm from our own server), and the movement saved. The same movement
 * without a face confirmation is refused by the server. Screenshots of the station in Persian and Uzbek.
 *
 * A still picture cannot blink, so the page gets the station's liveness test flag (see face-check.tsx); the
 * server's checks are unchanged.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CDPSession } from 'playwright-core';
import { launchBrowser, screenshot, startProduct, type TestBrowser } from '@chaharsu/test-kit';
import type { TestServer } from '../support/server.js';
import { SIGN_IN_FRIENDLY_ENV } from '../support/sign-in.js';
import { crop, warmupFace, type Rgb } from '../../modules/warehouse/src/testing/human-node.js';
import { PEOPLE, byTestId, eventually, signInThroughUi, textOf, type Page } from './flows.js';

const FACE_TIMEOUT_MS = 150_000;
const PRODUCT = { code: 'WHT-01', name: 'روغن آفتابگردان ۱ لیتری (SKU-42)', unit: 'عدد', barcode: '6260000000017' };

/** A YUV4MPEG2 file (what Chromium's fake camera reads): header, then FRAME + Y, U, V planes (4:2:0). */
function y4mOf(image: Rgb, frames: number): Buffer {
  const { width: w, height: h, data } = image;
  const y = Buffer.alloc(w * h);
  const u = Buffer.alloc((w / 2) * (h / 2));
  const v = Buffer.alloc((w / 2) * (h / 2));
  for (let row = 0; row < h; row++) {
    for (let col = 0; col < w; col++) {
      const i = (row * w + col) * 3;
      const [r, g, b] = [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0];
      y[row * w + col] = Math.max(0, Math.min(255, Math.round(0.257 * r + 0.504 * g + 0.098 * b + 16)));
      if (row % 2 === 0 && col % 2 === 0) {
        const c = (row / 2) * (w / 2) + col / 2;
        u[c] = Math.max(0, Math.min(255, Math.round(-0.148 * r - 0.291 * g + 0.439 * b + 128)));
        v[c] = Math.max(0, Math.min(255, Math.round(0.439 * r - 0.368 * g - 0.071 * b + 128)));
      }
    }
  }
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, u, v]);
  return Buffer.concat([Buffer.from(`YUV4MPEG2 W${w} H${h} F30:1 Ip A1:1 C420\n`), ...Array.from({ length: frames }, () => frame)]);
}

function fakeCameraFile(): string {
  const face = warmupFace(); // 256×256: doubled so the face is as large as a person close to a webcam
  const large = crop(face, { x: 0, y: 0, width: face.width, height: face.height }, 2);
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'chaharsu-face-')), 'face.y4m');
  writeFileSync(file, y4mOf(large, 2));
  return file;
}

/** The page's own fetch (same origin, session cookie, CSRF header), so calls go exactly as the web client's do. */
async function apiCall<T>(page: Page, method: string, url: string, body?: unknown): Promise<{ status: number; body: T }> {
  const script = `(async () => {
    const csrf = (document.cookie.split('; ').find((c) => c.startsWith('chaharsu_csrf=')) || '').split('=')[1] || '';
    const response = await fetch(${JSON.stringify(url)}, {
      method: ${JSON.stringify(method)},
      headers: { 'content-type': 'application/json', 'x-csrf-token': decodeURIComponent(csrf) },
      body: ${body === undefined ? 'undefined' : JSON.stringify(JSON.stringify(body))},
    });
    return { status: response.status, body: await response.json().catch(() => null) };
  })()`;
  return page.evaluate<{ status: number; body: T }>(script);
}

/** Characters a US-wired scanner sends, as the OS delivers them with the Persian layout active. */
const PERSIAN_LAYOUT: Record<string, string> = {
  KeyW: 'ص', KeyH: 'ا', KeyT: 'ف', Minus: '-', Digit0: '۰', Digit1: '۱', Digit2: '۲', Digit6: '۶', Digit7: '۷',
};

async function scannerTypes(cdp: CDPSession, text: string): Promise<void> {
  for (const ch of text) {
    const code = /[A-Z]/.test(ch) ? `Key${ch}` : /\d/.test(ch) ? `Digit${ch}` : ch === '-' ? 'Minus' : '';
    const key = PERSIAN_LAYOUT[code] ?? ch;
    const shift = /[A-Z]/.test(ch);
    await cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', key, code, text: key, unmodifiedText: key, modifiers: shift ? 8 : 0 });
    await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key, code, modifiers: shift ? 8 : 0 });
  }
  await cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 13, text: '\r' });
  await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 13 });
}

let product: TestServer;
let browser: TestBrowser;
let page: Page;

beforeAll(async () => {
  product = await startProduct(SIGN_IN_FRIENDLY_ENV);
  browser = await launchBrowser({ locale: 'fa-IR', fakeCamera: fakeCameraFile() });
  const context = await browser.newContext();
  await context.addInitScript({ content: 'window.__chaharsuFaceTestLiveness = true;' });
  page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.log(`[page ${m.type()}] ${m.text()}`); });
  page.on('pageerror', (e) => console.log(`[page error] ${e.message}`));
  await signInThroughUi(page, product.base_url, PEOPLE.demo_owner);
  // The organisation is chosen by the client after sign-in: wait for its home page.
  await byTestId(page, 'home-screen').waitFor({ timeout: 30_000 });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await product?.close();
});

describe('the warehouse station', () => {
  it('enrols an employee from the camera, then scans, confirms the face and saves the movement', async () => {
    const created = await apiCall<{ id: string }>(page, 'POST', '/api/catalog/products', {
      code: PRODUCT.code, name: PRODUCT.name, unit: PRODUCT.unit, barcodes: [PRODUCT.barcode],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);

    // Enrolment from the (fake) camera: only descriptors reach the server.
    await page.goto(`${product.base_url}/warehouse/employees`);
    await byTestId(page, 'employee-new').click();
    await byTestId(page, 'employee-name').fill('رحیم کریمی');
    await byTestId(page, 'employee-code').fill('۱۰۲');
    await byTestId(page, 'employee-save').click();
    const row = byTestId(page, 'employees-table-row').filter({ hasText: 'رحیم کریمی' });
    await row.waitFor({ timeout: 20_000 });
    await row.locator('[data-testid="employee-enrol"]').click();
    await eventually(() => byTestId(page, 'face-enrol-save').isEnabled(), (enabled) => enabled, 'ten good frames taken', FACE_TIMEOUT_MS);
    await screenshot(page, 'warehouse-enrol-fa');
    await byTestId(page, 'face-enrol-save').click();
    await row.locator('[data-testid="employee-face"][data-enrolled="true"]').waitFor({ timeout: 30_000 });

    // The station: warehouse (the default), employee, then a scan typed by the "scanner" through the Persian layout.
    await page.goto(`${product.base_url}/warehouse/station`);
    await byTestId(page, 'warehouse-station-screen').waitFor({ timeout: 20_000 });
    await eventually(() => byTestId(page, 'station-warehouse').inputValue(), (v) => v !== '', 'a warehouse chosen');
    await byTestId(page, 'station-employee').click();
    await page.getByRole('option', { name: /رحیم کریمی/ }).click();
    await byTestId(page, 'station-scan').focus();
    const cdp = await page.context().newCDPSession(page);

    await scannerTypes(cdp, 'NOPE-17');
    await eventually(() => byTestId(page, 'station-message').getAttribute('data-tone'), (tone) => tone === 'error', 'unknown code told');

    await byTestId(page, 'station-scan').focus();
    await scannerTypes(cdp, PRODUCT.code);
    await byTestId(page, 'station-pending').waitFor({ timeout: 20_000 });
    expect(await textOf(byTestId(page, 'station-product-name'))).toContain('روغن آفتابگردان');
    // The quantity prompt has focus with "1" selected: a Persian digit replaces it.
    await cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', key: '۷', code: 'Digit7', text: '۷' });
    await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: '۷', code: 'Digit7' });
    expect(await byTestId(page, 'station-quantity').inputValue()).toBe('۷');
    await byTestId(page, 'station-type').locator('label').first().click();
    await byTestId(page, 'station-confirm').click();

    await byTestId(page, 'station-camera').waitFor({ timeout: 20_000 });
    await screenshot(page, 'warehouse-station-face-fa');
    await eventually(() => byTestId(page, 'station-message').getAttribute('data-tone').catch(() => null), (tone) => tone === 'ok' && true, 'movement saved', FACE_TIMEOUT_MS);
    await eventually(async () => (await textOf(byTestId(page, 'station-message'))), (text) => text.includes('۷'), 'saved message with the quantity');
    const saved = await apiCall<{ items: Array<{ quantity: number }> }>(page, 'GET', `/api/inventory/stock?item_id=${created.body.id}`);
    expect(saved.body.items[0]?.quantity).toBe(7);
    await byTestId(page, 'station-movement-row').first().waitFor({ timeout: 20_000 });
    await screenshot(page, 'warehouse-station-fa');

    // A second scan of the barcode reuses the fresh confirmation (no camera): stock out of 2.
    await scannerTypes(cdp, PRODUCT.barcode);
    await byTestId(page, 'station-pending').waitFor({ timeout: 20_000 });
    await cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', key: '۲', code: 'Digit2', text: '۲' });
    await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: '۲', code: 'Digit2' });
    await byTestId(page, 'station-type').locator('label').nth(1).click();
    await byTestId(page, 'station-confirm').click();
    await eventually(async () => (await apiCall<{ items: Array<{ quantity: number }> }>(page, 'GET', `/api/inventory/stock?item_id=${created.body.id}`)).body.items[0]?.quantity, (q) => q === 5, 'stock after the issue');

    // QR labels of the product (HTML/CSS print view): Persian name with Latin and digits in one run.
    await page.goto(`${product.base_url}/warehouse/labels`);
    await byTestId(page, 'labels-product').fill('WHT');
    await page.getByRole('option', { name: /روغن آفتابگردان/ }).click();
    await byTestId(page, 'label').first().locator('img').waitFor({ timeout: 20_000 });
    await screenshot(page, 'warehouse-labels-fa');
    // History from a day picked in the Jalali calendar (Persian month view, weeks from Saturday): today's movements stay listed.
    await page.goto(`${product.base_url}/warehouse/history`);
    await byTestId(page, 'warehouse-history-screen').waitFor({ timeout: 20_000 });
    await byTestId(page, 'history-table-row').first().waitFor({ timeout: 20_000 });
    await byTestId(page, 'history-filter-from-calendar-button').click();
    await byTestId(page, 'history-filter-from-calendar').waitFor({ timeout: 20_000 });
    expect(await byTestId(page, 'history-filter-from-calendar-month').innerText()).toMatch(/^[آ-ی]+ ۱۴[۰-۹]{2}$/);
    await screenshot(page, 'warehouse-history-calendar-fa');
    await byTestId(page, 'history-filter-from-calendar-today').click();
    expect(await byTestId(page, 'history-filter-from').inputValue()).toMatch(/^۱۴[۰-۹]{2}\/[۰-۹]{2}\/[۰-۹]{2}$/);
    await eventually(() => byTestId(page, 'history-table-row').count(), (n) => n >= 2, 'today\'s movements after the date filter');
    await page.goto(`${product.base_url}/warehouse/station`);
    await byTestId(page, 'warehouse-station-screen').waitFor({ timeout: 20_000 });

    // Uzbek (the warehouse's language).
    await byTestId(page, 'language-menu').first().click();
    await byTestId(page, 'language-uz').click();
    await eventually(() => page.evaluate<string>('document.documentElement.lang'), (lang) => lang === 'uz', 'the page in Uzbek');
    await screenshot(page, 'warehouse-station-uz');
    for (const screen of ['history', 'employees', 'backups'] as const) {
      await page.goto(`${product.base_url}/warehouse/${screen}`);
      await byTestId(page, `warehouse-${screen}-screen`).waitFor({ timeout: 20_000 });
      await page.waitForTimeout(1500); // rows and names arrive
      await screenshot(page, `warehouse-${screen}-uz`);
    }
  }, 420_000);

  it('refuses a movement without a face confirmation, on the server', async () => {
    const warehouses = await apiCall<{ items: Array<{ id: string }> }>(page, 'GET', '/api/org/branches');
    const branch = warehouses.body.items[0];
    const list = await apiCall<{ items: Array<{ id: string }> }>(page, 'GET', `/api/org/branches/${branch?.id}/warehouses`);
    const employees = await apiCall<{ items: Array<{ id: string }> }>(page, 'GET', '/api/warehouse/employees');
    const refused = await apiCall<{ code: string }>(page, 'POST', '/api/warehouse/movements', {
      type: 'in', barcode: PRODUCT.barcode, quantity: 1, warehouse_id: list.body.items[0]?.id, employee_id: employees.body.items[0]?.id, face_confirmation_token: null,
    });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('warehouse.face_confirmation_missing');
  });
});

/**
 * Credit sales in a real Chromium against the real server with the demo seed: the demo seller files a
 * credit-increase request (with a receipt) in the seller portal, the organisation's owner approves it in
 * the requests queue (a double click on "approve" credits once), and the seller's balance shows exactly
 * the new amount, and the statement downloads as an Excel file. Screenshots of the portal and the admin screens in Persian and English go to
 * test-results/screenshots/credit-sales-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, startProduct, type TestBrowser } from '@chaharsu/test-kit';
import type { TestServer } from '../support/server.js';
import { SIGN_IN_FRIENDLY_ENV } from '../support/sign-in.js';
import { PEOPLE, UI_TIMEOUT_MS, byTestId, chooseLanguage, deviceSignedIn, eventually, languageOf, type Page } from './flows.js';

/** The demo seed's person with the `seller` role in "demo", linked to the seller «شارژ سریع پارس». */
const DEMO_SELLER_PHONE = '09120000040';
/** A 1×1 PNG: the receipt the seller attaches. */
const RECEIPT_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

let product: TestServer;
let browser: TestBrowser;
let base_url: string;

beforeAll(async () => {
  product = await startProduct(SIGN_IN_FRIENDLY_ENV);
  base_url = product.base_url;
  browser = await launchBrowser({ locale: 'fa-IR' });
  // One context stays open for the whole file: the bundled single-process Chromium may end when its last context closes.
  await browser.newContext();
});

afterAll(async () => {
  await browser?.close();
  await product?.close();
});

const balanceOf = async (page: Page): Promise<number> => Number(await byTestId(page, 'cs-balance').getAttribute('data-rial', { timeout: UI_TIMEOUT_MS }));

async function openPortal(page: Page): Promise<void> {
  await page.goto(`${base_url}/credit-sales/portal`);
  await byTestId(page, 'cs-balance').waitFor({ timeout: UI_TIMEOUT_MS });
}

describe('a credit-increase request, from the seller portal to the admin and back', () => {
  it('is filed by the seller, approved once by the owner (even on a double click), and shows in the balance', async () => {
    const seller = await deviceSignedIn(browser, base_url, DEMO_SELLER_PHONE);
    await openPortal(seller.page);
    const before = await balanceOf(seller.page);
    expect(before).toBeGreaterThan(0);

    const note = `browser test ${Date.now()}`;
    await byTestId(seller.page, 'cs-request-new').click();
    await byTestId(seller.page, 'cs-request-amount').fill('۱۲۳۴۵۰۰');
    await byTestId(seller.page, 'cs-request-note').fill(note);
    await seller.page.locator('input[type="file"]').setInputFiles({ name: 'receipt.png', mimeType: 'image/png', buffer: RECEIPT_PNG });
    const [filed] = await Promise.all([
      seller.page.waitForResponse((r) => r.url().endsWith('/api/credit-sales/portal/requests') && r.request().method() === 'POST', { timeout: UI_TIMEOUT_MS }),
      byTestId(seller.page, 'cs-request-submit').click(),
    ]);
    expect(filed.status()).toBe(201);
    const request = (await filed.json()) as { id: string; amount_rial: number; status: string; has_receipt: boolean };
    // Typed in the person's unit (Toman by default, or Rial): the server got the amount in Rial.
    expect([12_345_000, 1_234_500]).toContain(request.amount_rial);
    expect(request).toMatchObject({ status: 'pending', has_receipt: true });
    const row = byTestId(seller.page, 'cs-requests-table-row').filter({ hasText: note });
    await row.waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await row.locator('[data-testid="cs-request-status"]').getAttribute('data-status')).toBe('pending');

    const owner = await deviceSignedIn(browser, base_url, PEOPLE.demo_owner);
    await owner.page.goto(`${base_url}/credit-sales/requests`);
    const pending = byTestId(owner.page, 'cs-queue-table-row').filter({ hasText: note });
    await pending.waitFor({ timeout: UI_TIMEOUT_MS });
    await pending.locator('[data-testid="cs-request-approve"]').click();
    await byTestId(owner.page, 'cs-decision-dialog').waitFor({ timeout: UI_TIMEOUT_MS });
    const approvals: number[] = [];
    owner.page.on('response', (r) => { if (r.url().endsWith(`/api/credit-sales/requests/${request.id}/approve`)) approvals.push(r.status()); });
    await byTestId(owner.page, 'cs-decision-confirm').dblclick();
    const answer = byTestId(owner.page, 'cs-decision-answer');
    await answer.waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await answer.getAttribute('data-status')).toBe('approved');
    expect(approvals).toEqual([200]);
    await byTestId(owner.page, 'cs-decision-close').click();
    // Decided: it leaves the pending queue.
    await eventually(() => pending.count(), (n) => n === 0, 'the approved request in the pending queue');

    await openPortal(seller.page);
    const after = await eventually(() => balanceOf(seller.page), (rial) => rial !== before, 'the seller balance after approval');
    expect(after).toBe(before + request.amount_rial);
    // The statement shows the credit line, and exports as an Excel file.
    await byTestId(seller.page, 'cs-statement-table-row').first().waitFor({ timeout: UI_TIMEOUT_MS });
    const [download] = await Promise.all([seller.page.waitForEvent('download', { timeout: UI_TIMEOUT_MS }), byTestId(seller.page, 'cs-statement-export').click()]);
    expect(download.suggestedFilename()).toBe('statement.xlsx');
    await byTestId(seller.page, 'cs-tab-requests').click();
    const approvedRow = byTestId(seller.page, 'cs-requests-table-row').filter({ hasText: note });
    await approvedRow.waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await approvedRow.locator('[data-testid="cs-request-status"]').getAttribute('data-status')).toBe('approved');

    await seller.context.close();
    await owner.context.close();
  });
});

describe('the credit-sales screens, in Persian and in English', () => {
  async function capture(locale: 'fa' | 'en'): Promise<string[]> {
    const saved: string[] = [];
    const shot = async (page: Page, testId: string, name: string) => {
      await byTestId(page, testId).first().waitFor({ timeout: UI_TIMEOUT_MS });
      await page.waitForLoadState('networkidle');
      saved.push(await screenshot(page, `credit-sales-${name}-${locale}`));
    };
    const inLanguage = async (page: Page) => {
      if ((await languageOf(page)).lang !== locale) await chooseLanguage(page, locale);
    };

    const seller = await deviceSignedIn(browser, base_url, DEMO_SELLER_PHONE);
    await openPortal(seller.page);
    await inLanguage(seller.page);
    await shot(seller.page, 'cs-statement-table-row', 'portal-statement');
    await byTestId(seller.page, 'cs-tab-requests').click();
    await shot(seller.page, 'cs-requests-table-row', 'portal-requests');
    await byTestId(seller.page, 'cs-tab-keys').click();
    await shot(seller.page, 'cs-keys', 'portal-api-keys');
    expect(await languageOf(seller.page)).toEqual({ lang: locale, dir: locale === 'fa' ? 'rtl' : 'ltr' });
    await seller.context.close();

    const owner = await deviceSignedIn(browser, base_url, PEOPLE.demo_owner);
    await owner.page.goto(`${base_url}/credit-sales/sellers`);
    await byTestId(owner.page, 'cs-sellers-table-row').first().waitFor({ timeout: UI_TIMEOUT_MS });
    await inLanguage(owner.page);
    await shot(owner.page, 'cs-sellers-table-row', 'admin-sellers');
    await byTestId(owner.page, 'cs-sellers-table-row').first().dblclick();
    await shot(owner.page, 'cs-statement-table-row', 'admin-seller');
    await owner.page.goto(`${base_url}/credit-sales/requests`);
    await shot(owner.page, 'cs-queue', 'admin-requests');
    await owner.page.goto(`${base_url}/credit-sales/reconcile`);
    await byTestId(owner.page, 'cs-reconcile-run').click();
    await shot(owner.page, 'cs-reconcile-report', 'admin-reconcile');
    expect(await byTestId(owner.page, 'cs-reconcile-report').getAttribute('data-ok')).toBe('true');
    await owner.context.close();
    return saved;
  }

  it('are saved to test-results/screenshots in both languages', async () => {
    expect(await capture('fa')).toHaveLength(7);
    expect(await capture('en')).toHaveLength(7);
  });
});

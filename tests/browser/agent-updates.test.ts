/**
 * Agent updates in the panel (spec E8), in a real Chromium against the real server with the demo seed: two signed
 * releases are published the way the operator's CLI does (`publishRelease`, signature from `signRelease`), the demo
 * owner offers one to every branch through the page (with the confirmation step), the demo agent then reports a
 * refusal (written by `recordUpdateReport`, the function the server runs on the agent's `update.report`), and the
 * owner sees the reason and offers it again to that branch only, then withdraws that offer (with a confirmation): the
 * branch has nothing offered (the older offer to all branches does not come back). Then a version goes to two branches
 * chosen in the dialog (one offer each). A staff member (read only) sees the page without the offer and withdraw
 * buttons. Screenshots in Persian and English: `agent-updates-fa`, `agent-updates-en`, `agent-updates-offer-fa`,
 * `agent-updates-withdraw-fa`.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, startProduct, type TestBrowser } from '@chaharsu/test-kit';
import { createDb, inTransaction, type Db } from '@chaharsu/db';
import type { TestServer } from '../support/server.js';
import { SIGN_IN_FRIENDLY_ENV } from '../support/sign-in.js';
import { publishRelease, recordUpdateReport } from '../../modules/branch-sync/src/releases.js';
import { signRelease } from '../../modules/branch-sync/src/release-signing.js';
import { PEOPLE, UI_TIMEOUT_MS, byTestId, chooseLanguage, chooseSegment, deviceSignedIn, eventually, textOf, type Page } from './flows.js';

const REFUSAL = 'signature does not verify with the pinned release keys';

let product: TestServer;
let browser: TestBrowser;
let db: Db;
let closeDb: () => Promise<void>;
let page: Page;

/** Publishes `version` as the operator does: sign on the "workstation", then record it on the server. */
async function publish(version: string, private_key_pem: string, notes: string): Promise<void> {
  const artifact = Buffer.from(`chaharsu-agent build ${version}\n`.repeat(4000));
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'chaharsu-release-')), `agent-${version}`);
  writeFileSync(file, artifact);
  const signed = signRelease({ private_key_pem, artifact, version });
  await publishRelease(db, path.join(product.config.DATA_DIR, 'agent-releases'), { version, file, signature: signed.signature, notes });
}

const rowState = (row: ReturnType<typeof byTestId>) => row.getAttribute('data-state');

async function openUpdates(target: Page): Promise<void> {
  await target.goto(`${product.base_url}/branch-sync/updates`);
  await byTestId(target, 'branch-sync-updates-screen').waitFor({ timeout: UI_TIMEOUT_MS });
  await byTestId(target, 'release-row').first().waitFor({ timeout: UI_TIMEOUT_MS });
}

beforeAll(async () => {
  product = await startProduct(SIGN_IN_FRIENDLY_ENV);
  const connection = createDb({ url: product.database.app_url, max_connections: 2, application_name: 'agent-updates-browser-test' });
  db = connection.db;
  closeDb = () => connection.db.destroy();
  const { privateKey } = generateKeyPairSync('ed25519');
  const private_key_pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  await publish('1.4.0', private_key_pem, 'رفع خطای همگام‌سازی گروه‌ها');
  await publish('1.5.0', private_key_pem, 'پشتیبان‌گیری زمان‌بندی‌شده');
  browser = await launchBrowser({ locale: 'fa-IR' });
  ({ page } = await deviceSignedIn(browser, product.base_url, PEOPLE.demo_owner));
  await byTestId(page, 'home-screen').waitFor({ timeout: 30_000 });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await closeDb?.();
  await product?.close();
});

describe('agent updates in the panel', () => {
  it('lists the signed releases with Jalali dates and Persian digits', async () => {
    // Reached from the branch agents page.
    await page.goto(`${product.base_url}/branch-sync`);
    await byTestId(page, 'agent-updates-link').click();
    await byTestId(page, 'release-row').first().waitFor({ timeout: UI_TIMEOUT_MS });
    expect(new URL(page.url()).pathname).toBe('/branch-sync/updates');
    const rows = byTestId(page, 'release-row');
    expect(await rows.count()).toBe(2);
    // Newest first.
    expect(await rows.first().getAttribute('data-version')).toBe('1.5.0');
    expect(await rowState(byTestId(page, 'release-signature').first())).toBe('signed');
    const published = await textOf(rows.first().locator('td').nth(1));
    expect(published).toMatch(/[۰-۹]/);
    expect(published).not.toMatch(/[0-9]/);
    expect(published).toMatch(/۱۴۰[۰-۹]/); // a Jalali year
    // Every demo branch is listed; the one with the demo agent has no offer yet.
    const branchRows = byTestId(page, 'branch-update-row');
    expect(await branchRows.count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="branch-update-row"][data-state="no_offer"]').count()).toBe(1);
  });

  it('offers a release to every branch after a confirmation step', async () => {
    await byTestId(page, 'release-offer').nth(1).click(); // 1.4.0
    await byTestId(page, 'offer-next').click();
    const review = byTestId(page, 'offer-review');
    await review.waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await textOf(review)).toContain('1.4.0');
    await screenshot(page, 'agent-updates-offer-fa');
    // "Back" sends nothing.
    await byTestId(page, 'confirm-no').click();
    expect(await byTestId(page, 'offer-row').count()).toBe(0);
    await byTestId(page, 'offer-next').click();
    await byTestId(page, 'confirm-yes').click();
    await byTestId(page, 'offer-row').first().waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await byTestId(page, 'offer-row').count()).toBe(1);
    await eventually(() => page.locator('[data-testid="branch-update-row"][data-state="offered"]').count(), (n) => n === 1, 'the demo agent\'s branch offered');
  });

  it('shows the agent\'s refusal with its reason, and offers the version again to that branch only', async () => {
    const updates = await page.evaluate<{ agents: Array<{ agent_id: string; branch_id: string }> }>(
      `fetch('/api/branch-sync/updates').then((r) => r.json())`);
    const agent = updates.agents[0];
    if (!agent) throw new Error('the demo organisation has no agent');
    const org_id = await inTransaction(db, { org_id: null, user_id: null, platform_admin: true }, (tx) =>
      tx.selectFrom('branch_sync.agent').select('org_id').where('id', '=', agent.agent_id).executeTakeFirstOrThrow());
    await inTransaction(db, { org_id: org_id.org_id, user_id: null }, (tx) =>
      recordUpdateReport(tx, { org_id: org_id.org_id, agent_id: agent.agent_id, branch_id: agent.branch_id }, { type: 'update.report', version: '1.4.0', outcome: 'rejected', detail: REFUSAL }));
    await openUpdates(page);
    const row = page.locator(`[data-testid="branch-update-row"][data-branch="${agent.branch_id}"]`);
    expect(await rowState(row)).toBe('rejected');
    expect(await textOf(row.locator('[data-testid="update-detail"]'))).toBe(REFUSAL);
    expect(await rowState(byTestId(page, 'release-signature').nth(1))).toBe('rejected');
    await screenshot(page, 'agent-updates-fa');

    await row.locator('[data-testid="offer-again"]').click();
    await byTestId(page, 'offer-next').click();
    expect(await textOf(byTestId(page, 'offer-review'))).toContain('1.4.0');
    await byTestId(page, 'confirm-yes').click();
    await eventually(() => byTestId(page, 'offer-row').count(), (n) => n === 2, 'a second offer');
    await eventually(() => rowState(row), (state) => state === 'offered', 'the branch offered again');

    // Withdraw the newest offer (to that branch): nothing is offered there now, not the older offer to all branches.
    await byTestId(page, 'offer-withdraw').first().click();
    await byTestId(page, 'confirm-yes').waitFor({ timeout: UI_TIMEOUT_MS });
    await screenshot(page, 'agent-updates-withdraw-fa');
    await byTestId(page, 'confirm-yes').click();
    await eventually(() => byTestId(page, 'offer-withdrawn').count(), (n) => n === 1, 'the offer shown withdrawn');
    await eventually(() => rowState(row), (state) => state === 'no_offer', 'nothing offered to the branch');
    expect(await byTestId(page, 'offer-withdraw').count()).toBe(1); // the offer to all branches is still there

    await chooseLanguage(page, 'en');
    await openUpdates(page);
    expect(await textOf(byTestId(page, 'offers-card'))).toContain('All branches');
    await screenshot(page, 'agent-updates-en');
    await chooseLanguage(page, 'fa');
  });

  it('offers a version to two chosen branches, one offer each', async () => {
    await openUpdates(page);
    const before = await byTestId(page, 'offer-row').count();
    const branches = await page.evaluate<{ items: Array<{ id: string; name: string }> }>(`fetch('/api/org/branches').then((r) => r.json())`);
    const chosen = branches.items.slice(-2);
    expect(chosen).toHaveLength(2);
    await byTestId(page, 'offer-open').click();
    await chooseSegment(page, 'offer-target', 'chosen');
    expect(await byTestId(page, 'offer-next').isDisabled()).toBe(true); // no branch chosen yet
    for (const branch of chosen) {
      await byTestId(page, 'offer-branches').click();
      await page.getByRole('option', { name: branch.name }).click();
    }
    await page.keyboard.press('Escape'); // closes the dropdown, not the dialog
    await byTestId(page, 'offer-next').click();
    const review = await textOf(byTestId(page, 'offer-review'));
    expect(review).toContain('1.5.0');
    for (const branch of chosen) expect(review).toContain(branch.name);
    await byTestId(page, 'confirm-yes').click();
    await eventually(() => byTestId(page, 'offer-row').count(), (n) => n === before + 2, 'two new offers');
    const offersText = await textOf(byTestId(page, 'offers-card'));
    for (const branch of chosen) expect(offersText).toContain(branch.name);
  });

  it('shows the page to a staff member without the offer actions', async () => {
    const staff = await deviceSignedIn(browser, product.base_url, PEOPLE.demo_staff);
    await openUpdates(staff.page);
    expect(await byTestId(staff.page, 'release-row').count()).toBe(2);
    expect(await byTestId(staff.page, 'offer-open').count()).toBe(0);
    expect(await byTestId(staff.page, 'release-offer').count()).toBe(0);
    expect(await byTestId(staff.page, 'offer-withdraw').count()).toBe(0);
    await staff.context.close();
  });
});

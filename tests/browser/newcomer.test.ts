/**
 * The newcomer's path through the built web client in a real Chromium, against the real server with the
 * demo seed: sign-in with an SMS code, the no-role page and its call request reaching the platform admin,
 * choosing between two organisations and the stay-or-switch offer, preferences that follow the person to
 * another device, a translation edited by the admin reaching a page that is already open elsewhere, and
 * screenshots of the main pages in Persian and English (test-results/screenshots/).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, startProduct, type TestBrowser } from '@chaharsu/test-kit';
import type { TestServer } from '../support/server.js';
import { SIGN_IN_FRIENDLY_ENV } from '../support/sign-in.js';
import {
  PEOPLE, UI_TIMEOUT_MS, byTestId, chooseLanguage, chooseSegment, deviceSignedIn, eventually, languageOf, lookOf, signOut, textOf, type Page,
} from './flows.js';

let product: TestServer;
let browser: TestBrowser;
let base_url: string;

beforeAll(async () => {
  product = await startProduct(SIGN_IN_FRIENDLY_ENV);
  base_url = product.base_url;
  browser = await launchBrowser({ locale: 'fa-IR' });
});

afterAll(async () => {
  await browser?.close();
  await product?.close();
});

describe('a newcomer without a role', () => {
  it('lands on the no-role page, asks for a call, and the platform admin sees the request', async () => {
    const newcomer = await deviceSignedIn(browser, base_url, PEOPLE.in_none);
    await byTestId(newcomer.page, 'no-org-screen').waitFor({ timeout: UI_TIMEOUT_MS });
    expect(new URL(newcomer.page.url()).pathname).toBe('/no-organisation');
    expect(await textOf(byTestId(newcomer.page, 'no-org-message'))).not.toBe('');

    const name = 'مهسا رستمی';
    await byTestId(newcomer.page, 'lead-name').fill(name);
    await byTestId(newcomer.page, 'lead-phone').fill(PEOPLE.in_none);
    await byTestId(newcomer.page, 'lead-business').fill('لوازم خانگی رستمی');
    await byTestId(newcomer.page, 'lead-city').fill('شیراز');
    await byTestId(newcomer.page, 'lead-note').fill('برای سه شعبه پنل می‌خواهم');
    await byTestId(newcomer.page, 'lead-submit').click();
    await byTestId(newcomer.page, 'lead-sent').waitFor({ timeout: UI_TIMEOUT_MS });
    await newcomer.context.close();

    const admin = await deviceSignedIn(browser, base_url, PEOPLE.platform_admin);
    await admin.page.goto(`${base_url}/platform/leads`);
    await byTestId(admin.page, 'leads-screen').waitFor({ timeout: UI_TIMEOUT_MS });
    const row = byTestId(admin.page, 'lead-row').filter({ hasText: name });
    await row.waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await row.textContent()).toContain('شیراز');
    expect(await row.getAttribute('data-status')).toBe('new');
    await admin.context.close();
  });
});

describe('a person in two organisations', () => {
  it('gets the default one opened with an offer to stay or switch, asked again after a reload until answered', async () => {
    const first = await deviceSignedIn(browser, base_url, PEOPLE.in_two_orgs);
    // The seed marks "demo" as this person's default: it opens by itself, and the offer appears.
    await byTestId(first.page, 'org-switch-stay').waitFor({ timeout: UI_TIMEOUT_MS });
    const demoName = await textOf(byTestId(first.page, 'home-org-name'));
    expect(demoName).not.toBe('');
    await first.page.reload();
    await byTestId(first.page, 'org-switch-change').click({ timeout: UI_TIMEOUT_MS });

    await byTestId(first.page, 'choose-org-screen').waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await byTestId(first.page, 'org-choice-demo').count()).toBe(1);
    expect(await byTestId(first.page, 'org-choice-demo-2').count()).toBe(1);
    await byTestId(first.page, 'org-enter-demo-2').click();
    await byTestId(first.page, 'home-screen').waitFor({ timeout: UI_TIMEOUT_MS });
    const otherName = await eventually(() => textOf(byTestId(first.page, 'home-org-name')), (text) => text !== '' && text !== demoName, 'the organisation switched to');
    expect(await textOf(byTestId(first.page, 'current-org-name'))).toBe(otherName);
    // Answered: not asked again in this sign-in, even after a reload.
    await first.page.reload();
    await eventually(() => textOf(byTestId(first.page, 'home-org-name')), (text) => text === otherName, 'the organisation after a reload');
    expect(await byTestId(first.page, 'org-switch-dialog').count()).toBe(0);
    await first.context.close();

    // Another sign-in: the default opens again, with the offer; staying keeps it.
    const second = await deviceSignedIn(browser, base_url, PEOPLE.in_two_orgs);
    await byTestId(second.page, 'org-switch-stay').click({ timeout: UI_TIMEOUT_MS });
    await byTestId(second.page, 'org-switch-stay').waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    expect(await textOf(byTestId(second.page, 'home-org-name'))).toBe(demoName);
    await second.context.close();
  });
});

describe('preferences', () => {
  it('dark mode and a larger font follow the person to another device', async () => {
    const laptop = await deviceSignedIn(browser, base_url, PEOPLE.demo_staff);
    await byTestId(laptop.page, 'home-screen').waitFor({ timeout: UI_TIMEOUT_MS });
    const before = await lookOf(laptop.page);
    expect(before).toMatchObject({ scheme: 'light', font_size_px: '16px' });
    await laptop.page.goto(`${base_url}/profile`);
    await byTestId(laptop.page, 'profile-screen').waitFor({ timeout: UI_TIMEOUT_MS });
    await chooseSegment(laptop.page, 'pref-color-scheme', 'dark');
    await chooseSegment(laptop.page, 'pref-font-size', 'xl');
    const saved = laptop.page.waitForResponse((r) => r.url().endsWith('/api/me/preferences') && r.request().method() === 'PUT', { timeout: UI_TIMEOUT_MS });
    await byTestId(laptop.page, 'pref-save').click();
    expect((await saved).status()).toBe(200);
    await eventually(() => lookOf(laptop.page), (look) => look.scheme === 'dark' && look.font_size_px === '20px', 'the look after saving');
    await signOut(laptop.page);
    await laptop.context.close();

    const phone = await deviceSignedIn(browser, base_url, PEOPLE.demo_staff);
    await byTestId(phone.page, 'home-screen').waitFor({ timeout: UI_TIMEOUT_MS });
    const after = await eventually(() => lookOf(phone.page), (look) => look.scheme === 'dark' && look.font_size_px === '20px', 'the look on the other device right after signing in (no reload)');
    expect(after.background).not.toBe(before.background);
    expect(await byTestId(phone.page, 'color-scheme-toggle').first().getAttribute('data-scheme')).toBe('dark');
    await phone.context.close();
  });
});

describe('translations are data', () => {
  it('a label the platform admin edits reaches a page already open on another person\'s device', async () => {
    const owner = await deviceSignedIn(browser, base_url, PEOPLE.demo_owner);
    await byTestId(owner.page, 'home-screen').waitFor({ timeout: UI_TIMEOUT_MS });
    const navHome = byTestId(owner.page, 'nav-home');
    const original = (await textOf(navHome)).trim();
    expect(original).not.toBe('');

    const admin = await deviceSignedIn(browser, base_url, PEOPLE.platform_admin);
    await admin.page.goto(`${base_url}/platform/translations`);
    await byTestId(admin.page, 'translations-screen').waitFor({ timeout: UI_TIMEOUT_MS });
    await byTestId(admin.page, 'translations-search').fill('pages.home');
    const input = byTestId(admin.page, 'translation-input-pages.home');
    await input.waitFor({ timeout: UI_TIMEOUT_MS });
    const edited = 'پیشخوان فروشگاه';
    await input.fill(edited);
    await byTestId(admin.page, 'translation-save-pages.home').click();
    await eventually(async () => (await fetch(`${base_url}/api/i18n/fa`).then((r) => r.json()) as { overrides: Record<string, string> }).overrides['pages.home'], (v) => v === edited, 'the saved override');

    // The owner's page polls the version (every 15 s and on focus): no reload, no rebuild.
    const shown = await eventually(async () => (await textOf(navHome)).trim(), (text) => text === edited, 'the owner\'s navbar label', 45_000);
    expect(shown).toBe(edited);

    await byTestId(admin.page, 'translation-reset-pages.home').click();
    await eventually(async () => (await textOf(navHome)).trim(), (text) => text === original, 'the label back to its default', 45_000);
    await admin.context.close();
    await owner.context.close();
  });
});

describe('the main pages, in Persian and in English', () => {
  async function capture(locale: 'fa' | 'en'): Promise<string[]> {
    const saved: string[] = [];
    const shot = async (page: Page, testId: string, name: string) => {
      await byTestId(page, testId).first().waitFor({ timeout: UI_TIMEOUT_MS });
      await page.waitForLoadState('networkidle');
      saved.push(await screenshot(page, `${name}-${locale}`));
    };
    const visit = async (page: Page, path: string, testId: string, name: string) => {
      await page.goto(`${base_url}${path}`);
      await shot(page, testId, name);
    };

    const visitor = await browser.newContext();
    const signInPage = await visitor.newPage();
    await signInPage.goto(`${base_url}/sign-in`);
    await byTestId(signInPage, 'sign-in-screen').waitFor({ timeout: UI_TIMEOUT_MS });
    if (locale !== 'fa') await chooseLanguage(signInPage, locale);
    await shot(signInPage, 'sign-in-screen', 'sign-in');
    await visitor.close();

    const people: Array<[string, Array<[string, string, string]>]> = [
      [PEOPLE.in_none, [['/no-organisation', 'no-org-screen', 'no-role']]],
      [PEOPLE.in_two_orgs, [['/choose-organisation', 'choose-org-screen', 'org-chooser']]],
      [PEOPLE.demo_owner, [
        ['/', 'home-screen', 'org-home'], ['/profile', 'profile-screen', 'preferences'], ['/org/settings', 'org-settings-screen', 'org-settings'],
        ['/org/staff', 'staff-table', 'staff'], ['/org/audit', 'org-audit-screen', 'audit'],
      ]],
      [PEOPLE.platform_admin, [['/platform/translations', 'translations-table', 'translations'], ['/platform/leads', 'leads-screen', 'leads']]],
    ];
    for (const [phone, pages] of people) {
      const device = await deviceSignedIn(browser, base_url, phone);
      const [firstPath, firstTestId] = pages[0]!;
      await device.page.goto(`${base_url}${firstPath}`);
      await byTestId(device.page, firstTestId).first().waitFor({ timeout: UI_TIMEOUT_MS });
      if ((await languageOf(device.page)).lang !== locale) await chooseLanguage(device.page, locale);
      for (const [path, testId, name] of pages) await visit(device.page, path, testId, name);
      expect(await languageOf(device.page)).toEqual({ lang: locale, dir: locale === 'fa' ? 'rtl' : 'ltr' });
      await device.context.close();
    }
    return saved;
  }

  it('are saved to test-results/screenshots in both languages, right to left and left to right', async () => {
    const persian = await capture('fa');
    const english = await capture('en');
    expect(persian).toHaveLength(10);
    expect(english).toHaveLength(10);
  });
});

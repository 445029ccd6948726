/**
 * What a person does in the web client, step by step, for the browser tests: sign in with the code from the
 * development SMS inbox, change language, sign out. Only stable `data-testid`s (apps/web/README.md) are used.
 */
import type { BrowserContext, Locator, Page } from 'playwright-core';
export type { Page } from 'playwright-core';
import { screenshot, type TestBrowser } from '@chaharsu/test-kit';

export const PEOPLE = {
  platform_admin: '09120000001',
  demo_owner: '09120000010',
  demo_staff: '09120000012',
  in_two_orgs: '09120000020',
  in_none: '09120000099',
} as const;

/** Long enough for a cold page load on a busy two-core machine, short enough to fail clearly. */
export const UI_TIMEOUT_MS = 20_000;

interface InboxItem { phone: string; code: string; created_at: string }

const lastTen = (phone: string): string => phone.replace(/\D/g, '').slice(-10);

export const byTestId = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`);

/** The newest code the development SMS provider holds for `phone` that differs from `previous`. */
async function codeFromInbox(base_url: string, phone: string, previous: Set<string>): Promise<string> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const response = await fetch(`${base_url}/api/dev/sms-inbox`);
    const inbox = (await response.json()) as { items: InboxItem[] };
    const newest = inbox.items.filter((i) => lastTen(i.phone) === lastTen(phone)).sort((a, b) => b.created_at.localeCompare(a.created_at))[0];
    if (newest && !previous.has(`${newest.created_at}|${newest.code}`)) return newest.code;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no new sign-in code for ${phone} in the dev inbox`);
}

async function inboxSnapshot(base_url: string, phone: string): Promise<Set<string>> {
  const inbox = (await (await fetch(`${base_url}/api/dev/sms-inbox`)).json()) as { items: InboxItem[] };
  return new Set(inbox.items.filter((i) => lastTen(i.phone) === lastTen(phone)).map((i) => `${i.created_at}|${i.code}`));
}

/** Signs in on the sign-in page like a person: number, "send code", the code from the SMS inbox. */
export async function signInThroughUi(page: Page, base_url: string, phone: string): Promise<void> {
  await page.goto(`${base_url}/sign-in`);
  const previous = await inboxSnapshot(base_url, phone);
  await byTestId(page, 'sign-in-phone').fill(phone);
  await byTestId(page, 'sign-in-request').click();
  await byTestId(page, 'sign-in-code').waitFor({ timeout: UI_TIMEOUT_MS });
  const code = await codeFromInbox(base_url, phone, previous);
  await byTestId(page, 'sign-in-code').locator('input').first().click();
  await page.keyboard.type(code); // the sixth digit submits
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'), { timeout: UI_TIMEOUT_MS });
}

/** A new device (its own cookies and storage) with a signed-in page. */
export async function deviceSignedIn(browser: TestBrowser, base_url: string, phone: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInThroughUi(page, base_url, phone);
  return { context, page };
}

export async function chooseLanguage(page: Page, locale: 'fa' | 'en'): Promise<void> {
  await byTestId(page, 'language-menu').first().click();
  await byTestId(page, `language-${locale}`).click();
  try {
    await eventually(() => languageOf(page), (language) => language.lang === locale, `the page in ${locale}`);
  } catch (error) {
    await screenshot(page, `failed-language-${locale}`);
    throw new Error(`${(error as Error).message} on ${page.url()} (see test-results/screenshots/failed-language-${locale}.png)`);
  }
}

export async function signOut(page: Page): Promise<void> {
  await byTestId(page, 'user-menu').first().click();
  await byTestId(page, 'sign-out').click();
  await page.waitForURL((url) => url.pathname.startsWith('/sign-in'), { timeout: UI_TIMEOUT_MS });
}

/** Clicks the option `value` of a Mantine SegmentedControl (its radios are visually hidden; their labels take the click). */
export async function chooseSegment(page: Page, testId: string, value: string): Promise<void> {
  const input = byTestId(page, testId).locator(`input[value="${value}"]`);
  const id = await input.getAttribute('id');
  if (!id) throw new Error(`segment ${value} of ${testId} has no id`);
  await page.locator(`label[for="${id}"]`).click();
}

/** Waits until `read()` gives `expected` (a page element's text, an attribute…), or fails saying what it saw last. */
export async function eventually<T>(read: () => Promise<T>, expected: (value: T) => boolean, what: string, timeout_ms = UI_TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeout_ms;
  let last: T = await read();
  while (!expected(last)) {
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(last)} after ${timeout_ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
    last = await read();
  }
  return last;
}

export async function textOf(locator: Locator): Promise<string> {
  return (await locator.first().textContent({ timeout: UI_TIMEOUT_MS })) ?? '';
}

/** The page's language and direction, as `<html lang dir>` says. (Browser-side code is a string: this project compiles without DOM types.) */
export async function languageOf(page: Page): Promise<{ lang: string; dir: string }> {
  return page.evaluate<{ lang: string; dir: string }>('({ lang: document.documentElement.lang, dir: document.documentElement.dir })');
}

/** What the person sees of their preferences: Mantine's colour scheme attribute, the root font size, the page background. */
export async function lookOf(page: Page): Promise<{ scheme: string | null; font_size_px: string; background: string }> {
  return page.evaluate<{ scheme: string | null; font_size_px: string; background: string }>(`({
    scheme: document.documentElement.getAttribute('data-mantine-color-scheme'),
    font_size_px: getComputedStyle(document.documentElement).fontSize,
    background: getComputedStyle(document.body).backgroundColor,
  })`);
}

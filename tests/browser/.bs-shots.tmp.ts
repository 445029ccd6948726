import { launchBrowser } from '@chaharsu/test-kit';
import { signInThroughUi, chooseLanguage, byTestId } from './flows.js';
const base = 'http://localhost:3108';
const browser = await launchBrowser();
const context = await browser.newContext();
const page = await context.newPage();
await signInThroughUi(page, base, '09120000010');
for (const locale of ['fa', 'en'] as const) {
  await chooseLanguage(page, locale);
  await page.goto(`${base}/branch-sync`);
  await byTestId(page, 'branch-sync-row').first().waitFor({ timeout: 20000 });
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `/tmp/bs-shots/agents-${locale}.png`, fullPage: true });
  await byTestId(page, 'branch-sync-row').first().click();
  await byTestId(page, 'agent-card').waitFor({ timeout: 20000 });
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `/tmp/bs-shots/branch-${locale}.png`, fullPage: true });
  if (locale === 'fa') {
    await byTestId(page, 'password-open').click();
    await byTestId(page, 'password-reveal-confirm').click();
    await byTestId(page, 'agent-password').waitFor({ timeout: 20000 });
    await page.screenshot({ path: `/tmp/bs-shots/password-${locale}.png` });
    await page.keyboard.press('Escape');
    await page.waitForTimeout(500);
    await byTestId(page, 'enrolment-open').click();
    await byTestId(page, 'enrolment-issue').click();
    await byTestId(page, 'enrolment-code').waitFor({ timeout: 20000 });
    await page.screenshot({ path: `/tmp/bs-shots/enrol-${locale}.png` });
    await byTestId(page, 'enrolment-done').click();
  }
}
await browser.close();
console.log('done');

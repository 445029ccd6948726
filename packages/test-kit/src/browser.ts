/**
 * A real Chromium for tests, never downloaded: `/usr/bin/chromium` when the machine has one, else the
 * binary shipped inside the `@sparticuz/chromium` npm package (unpacked to /tmp on first use).
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import sparticuz from '@sparticuz/chromium';

export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/** Flags that keep a test browser quiet and deterministic: no updates, no sync, no background calls home. */
const QUIET_FLAGS = ['--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

const SERVERLESS_ONLY_FLAGS = new Set(['--single-process']);

export interface LaunchBrowserOptions {
  /** The browser's UI language and the `Accept-Language` of its first context (e.g. 'fa-IR', 'en-US'). Default 'fa-IR'. */
  locale?: string;
  /** A .y4m video file the browser shows as its camera (the permission prompt is auto-accepted). */
  fakeCamera?: string;
  /** Extra Chromium flags. */
  args?: string[];
}

export interface TestBrowser {
  browser: Browser;
  executable_path: string;
  /** A fresh context (cookie jar, storage): a separate device as far as the server can tell. */
  newContext: (options?: { locale?: string; colorScheme?: 'light' | 'dark' }) => Promise<BrowserContext>;
  close: () => Promise<void>;
}

async function resolveExecutable(): Promise<{ executable_path: string; args: string[] }> {
  if (existsSync(SYSTEM_CHROMIUM)) return { executable_path: SYSTEM_CHROMIUM, args: ['--no-sandbox', '--headless=new'] };
  const executable_path = await sparticuz.executablePath();
  // `--single-process` suits one-shot serverless calls, but there Chromium dies (SIGTRAP) as soon as a page
  // opens in a new context after another context closed: tests use a context per device, so it goes.
  return { executable_path, args: sparticuz.args.filter((flag) => !SERVERLESS_ONLY_FLAGS.has(flag)) };
}

export function fakeCameraFlags(y4mPath: string): string[] {
  if (!existsSync(y4mPath)) throw new Error(`fake camera file not found: ${y4mPath}`);
  return ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${path.resolve(y4mPath)}`];
}

export async function launchBrowser(options: LaunchBrowserOptions = {}): Promise<TestBrowser> {
  const locale = options.locale ?? 'fa-IR';
  const { executable_path, args } = await resolveExecutable();
  const browser = await chromium.launch({
    executablePath: executable_path,
    headless: true,
    args: [...args, ...QUIET_FLAGS, `--lang=${locale}`, ...(options.fakeCamera ? fakeCameraFlags(options.fakeCamera) : []), ...(options.args ?? [])],
  });
  return {
    browser,
    executable_path,
    newContext: (contextOptions = {}) => browser.newContext({
      locale: contextOptions.locale ?? locale,
      viewport: { width: 1280, height: 800 },
      ...(contextOptions.colorScheme ? { colorScheme: contextOptions.colorScheme } : {}),
    }),
    close: () => browser.close(),
  };
}

/** Where screenshots of a test run go: `test-results/screenshots/` under the repository root. */
export const SCREENSHOT_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../test-results/screenshots');

/** Saves a full-page screenshot as `test-results/screenshots/<name>.png` and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  if (!/^[\w.-]{1,100}$/.test(name)) throw new Error(`screenshot name "${name}" must be a plain file name`);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

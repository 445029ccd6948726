export { launchBrowser, screenshot, fakeCameraFlags, SCREENSHOT_DIR, SYSTEM_CHROMIUM, type LaunchBrowserOptions, type TestBrowser } from './browser.js';
export { startProduct, WebClientNotBuiltError, WEB_DIST_DIR, REPOSITORY_ROOT } from './product.js';

/**
 * The whole product for browser tests: the real server in-process on a fresh test database, the demo
 * seed on (so the demo organisations and people exist), and the built web client from apps/web/dist.
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
// The test harness of the repository (not a product module): the server on a cloned test database.
import { startTestServer, type TestServer } from '../../../tests/support/server.js';

export const REPOSITORY_ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..');
export const WEB_DIST_DIR = path.join(REPOSITORY_ROOT, 'apps/web/dist');

export class WebClientNotBuiltError extends Error {
  constructor() {
    super(`The web client is not built (${path.join(WEB_DIST_DIR, 'index.html')} is missing): run \`npm run build\` (npm test does it first).`);
    this.name = 'WebClientNotBuiltError';
  }
}

/**
 * Starts the product; refuses to start without a built web client (a browser test would only see 404s).
 * The build is copied first: a rebuild during the run (Vite empties dist/) must not pull the files from under the pages.
 */
export async function startProduct(env: Record<string, string> = {}): Promise<TestServer> {
  if (!existsSync(path.join(WEB_DIST_DIR, 'index.html'))) throw new WebClientNotBuiltError();
  const webCopy = mkdtempSync(path.join(tmpdir(), 'chaharsu-web-'));
  cpSync(WEB_DIST_DIR, webCopy, { recursive: true });
  try {
    const product = await startTestServer({ SEED_DEMO: 'true', WEB_DIST_DIR: webCopy, ...env });
    return { ...product, close: async () => { try { await product.close(); } finally { rmSync(webCopy, { recursive: true, force: true }); } } };
  } catch (error) {
    rmSync(webCopy, { recursive: true, force: true });
    throw error;
  }
}

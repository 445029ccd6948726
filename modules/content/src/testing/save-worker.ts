/**
 * One OS process of the concurrency test: connects to the test database as the app role, waits for the parent's
 * "go", saves each given translation in its own transaction (as a platform admin would), and reports the version
 * each save published.
 */
import pino from 'pino';
import { createDb, inTransaction } from '@chaharsu/db';
import { createAuditApi } from '@chaharsu/audit';
import { newId, systemContext } from '@chaharsu/kit';
import { rlsScopeOf, type Ctx } from '@chaharsu/http';
import { createContentModule } from '../index.js';

const [app_url = '', locale = 'en', entries_json = '{}'] = process.argv.slice(2);
const entries = JSON.parse(entries_json) as Record<string, string>;
const { db } = createDb({ url: app_url, max_connections: 2 });
const content = createContentModule({ audit: createAuditApi() });
const ctx = {
  ...systemContext(pino({ level: 'silent' }), 'concurrency-test'),
  actor: { kind: 'user', user_id: newId(), session_id: null, is_platform_admin: true, is_support_partner: false },
} satisfies Omit<Ctx, 'db'>;

// Open a connection before the start signal, so the race is about the saves, not about connecting.
await db.selectFrom('content.catalogue_version').select('version').execute();
process.send?.('ready');
process.once('message', async () => {
  const versions: number[] = [];
  for (const [key, value] of Object.entries(entries)) {
    const saved = await inTransaction(db, rlsScopeOf(ctx), (tx) => content.api.saveTranslation({ ...ctx, db: tx }, locale, { key, value }));
    versions.push(saved.version);
  }
  process.send?.({ versions });
  await db.destroy();
  process.disconnect();
});

import { afterAll, beforeAll, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../tests/support/server.js';
import { signIn, SIGN_IN_FRIENDLY_ENV } from '../../../tests/support/sign-in.js';
import { CreditSalesAdmin, DEMO_OWNER_PHONE, orgIdOf, runLoadWorker } from './testing/http.js';
let t: TestServer; let admin: CreditSalesAdmin;
beforeAll(async () => { t = await startTestServer({ ...SIGN_IN_FRIENDLY_ENV, SEED_DEMO: 'true' }); const c = t.client(); await signIn(c, DEMO_OWNER_PHONE, await orgIdOf(t.database.superuser_url, 'demo')); admin = new CreditSalesAdmin(c); });
afterAll(async () => { await t.close(); });
it('diag', async () => {
  const s = await admin.seller('x'); await admin.credit(s.id, 20_000); const key = (await admin.apiKey(s.id)).key;
  console.log('base', t.base_url);
  const r = await runLoadWorker({ base_url: t.base_url, api_keys: [key], charges: 8, connections: 2, amount_rial: 5000, key_prefix: 'w', deadline_ms: 10000 });
  console.log(JSON.stringify({ ...r, latencies_ms: r.latencies_ms.length }));
}, 60000);

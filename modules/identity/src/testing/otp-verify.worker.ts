/**
 * One OS process of the race tests: connects to the test database as the app role, waits for the parent's
 * "go", then either verifies a code once (`verify`) or asks for a code once (`request`), and reports the
 * outcome: an AppError code, 'signed_in' or 'sent'.
 */
import pino from 'pino';
import { createDb } from '@chaharsu/db';
import { createAuditApi } from '@chaharsu/audit';
import { systemContext } from '@chaharsu/kit';
import { createIdentityModule } from '../index.js';
import { RecordingSms, testIdentityConfig } from './harness.js';

const [app_url = '', secret_hex = '', phone = '', code = '', mode = 'verify'] = process.argv.slice(2);
const { db } = createDb({ url: app_url, max_connections: 2 });
const logger = pino({ level: 'silent' });
const module = createIdentityModule({ db, config: testIdentityConfig(), audit: createAuditApi(), logger, secret_key: Buffer.from(secret_hex, 'hex'), sms: new RecordingSms() });

// Open the connections before the start signal, so the race is about the verification, not about connecting.
await db.selectFrom('identity.users').select('id').limit(1).execute();
process.send?.('ready');
process.once('message', async () => {
  let outcome: string;
  try {
    const ctx = { ...systemContext(logger, 'anonymous'), ip: '10.9.9.9', user_agent: 'race' };
    if (mode === 'request') {
      await module.services.otp.request(ctx, { phone, channel: 'sms' });
      outcome = 'sent';
    } else {
      await module.services.otp.verify(ctx, { phone, code });
      outcome = 'signed_in';
    }
  } catch (error) {
    outcome = error && typeof error === 'object' && 'code' in error ? String((error as { code: unknown }).code) : `crash: ${String(error)}`;
  }
  process.send?.(outcome, () => {
    void db.destroy().then(() => process.exit(0));
  });
});

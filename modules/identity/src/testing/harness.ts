/**
 * Test support: a fresh database (clone of the migrated template), the identity services on it as the app
 * role (row-level security applies), an SMS provider that records what it was asked to send, and a logger
 * whose lines the test can read.
 */
import pino, { type Logger } from 'pino';
import { randomBytes } from 'node:crypto';
import { createTestDatabase, openTestDb, type TestDatabase } from '@chaharsu/db/testing';
import { createDb, inTransaction, type Db } from '@chaharsu/db';
import { createAuditApi } from '@chaharsu/audit';
import type { Ctx } from '@chaharsu/http';
import { systemContext, type RequestContext } from '@chaharsu/kit';
import type { IdentityConfig } from '../identity.config.js';
import { createIdentityModule, type IdentityModule, type IdentityModuleDeps } from '../index.js';
import type { OtpMessage, SmsProvider } from '../sms/sms.provider.js';

export function testIdentityConfig(overrides: Partial<IdentityConfig['otp']> = {}, extra: Partial<IdentityConfig> = {}): IdentityConfig {
  return {
    production: false,
    otp: { code_length: 6, ttl_seconds: 120, resend_seconds: 60, max_attempts: 5, per_number_per_hour: 5, per_ip_per_hour: 30, ...overrides },
    session: { idle_minutes: 60, max_age_days: 30 },
    password: { failures_per_username_per_hour: 10, failures_per_ip_per_hour: 50 },
    sms: {
      provider: 'dev', timeout_ms: 2000,
      kavenegar: { api_key: null, template: 'chaharsu-otp', base_url: 'http://127.0.0.1:1' },
      smsir: { api_key: null, template_id: null, base_url: 'http://127.0.0.1:1' },
    },
    telegram: { bot_token: null, bot_username: 'chaharsu_test_bot', api_root: 'http://127.0.0.1:1' },
    ...extra,
  };
}

/** Remembers every message; `fail_next` makes the next send throw. */
export class RecordingSms implements SmsProvider {
  readonly name = 'recording';
  readonly sent: OtpMessage[] = [];
  fail_next: Error | null = null;
  async send(otp: OtpMessage) {
    if (this.fail_next) {
      const error = this.fail_next;
      this.fail_next = null;
      throw error;
    }
    this.sent.push(otp);
    return { provider_message_id: String(this.sent.length) };
  }
  lastCodeFor(phone: string): string {
    const found = [...this.sent].reverse().find((m) => m.phone === phone);
    if (!found) throw new Error(`no SMS sent to ${phone}`);
    return found.code;
  }
}

export interface Harness {
  database: TestDatabase;
  db: Db;
  /** The owner role: sees every row, moves clocks back for expiry tests. */
  owner: Db;
  /** Superuser: sees through row-level security (audit records of every organisation). */
  su: Db;
  module: IdentityModule;
  sms: RecordingSms;
  logs: string[];
  logger: Logger;
  secret_key: Buffer;
  request: (ip?: string) => RequestContext;
  /** Runs fn in a transaction as the system (or with org scope), like a request would. */
  tx: <T>(fn: (ctx: Ctx) => Promise<T>, options?: { org_id?: string | null; actor?: RequestContext['actor'] }) => Promise<T>;
  close: () => Promise<void>;
}

export async function createHarness(config: IdentityConfig = testIdentityConfig(), extra: Partial<IdentityModuleDeps> = {}): Promise<Harness> {
  const database = await createTestDatabase();
  const { db, close } = openTestDb(database.app_url, 10);
  const owner = createDb({ url: database.owner_url, max_connections: 2 }).db;
  const su = createDb({ url: database.superuser_url, max_connections: 2 }).db;
  const logs: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => { logs.push(line); } });
  const sms = new RecordingSms();
  const secret_key = randomBytes(32);
  const module = createIdentityModule({ db, config, audit: createAuditApi(), logger, secret_key, sms, ...extra });
  let counter = 0;
  const request = (ip = '10.0.0.1'): RequestContext => ({
    ...systemContext(logger, 'anonymous'),
    request_id: `test-${++counter}`,
    permissions: new Set(),
    ip,
    user_agent: 'vitest',
  });
  return {
    database, db, owner, su, module, sms, logs, logger, secret_key, request,
    tx: (fn, options = {}) => {
      const base = request();
      const ctx: RequestContext = { ...base, org_id: options.org_id ?? null, actor: options.actor ?? base.actor };
      const user_id = ctx.actor.kind === 'user' ? ctx.actor.user_id : null;
      return inTransaction(db, { org_id: ctx.org_id, user_id }, (tx) => fn({ ...ctx, db: tx }));
    },
    close: async () => {
      await module.telegram?.stop();
      await close();
      await owner.destroy();
      await su.destroy();
      await database.drop();
    },
  };
}

/** The AppError code a promise rejects with (or 'resolved'). */
export async function errorCodeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(() => 'resolved', (error: unknown) => (error && typeof error === 'object' && 'code' in error ? String((error as { code: unknown }).code) : String(error)));
}

export async function errorOf(promise: Promise<unknown>): Promise<{ code: string; params: Record<string, unknown> }> {
  return promise.then(
    () => ({ code: 'resolved', params: {} }),
    (error: { code?: string; params?: Record<string, unknown> }) => ({ code: String(error.code), params: error.params ?? {} }),
  );
}

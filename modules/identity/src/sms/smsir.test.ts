import { describe, it, expect, afterEach } from 'vitest';
import { createSmsIrProvider } from './smsir.js';
import { SmsDeliveryError } from './sms.provider.js';
import { startFakeServer, type FakeHandler } from './fake-server.test-support.js';

const API_KEY = 'smsir-test-key';
const TEMPLATE_ID = 123456;

/** Speaks SMS.ir's verify API: x-api-key header, JSON body, `status` 1 = success. */
const smsir: FakeHandler = (request) => {
  if (request.method !== 'POST' || request.url !== '/v1/send/verify') return { status: 404, body: { status: 0, message: 'not found', data: null } };
  if (request.headers['x-api-key'] !== API_KEY) return { status: 401, body: { status: 10, message: 'کلید وب سرویس نامعتبر است', data: null } };
  const body = JSON.parse(request.body) as { mobile: string; templateId: number; parameters: Array<{ name: string; value: string }> };
  if (body.templateId !== TEMPLATE_ID) return { status: 400, body: { status: 113, message: 'قالب یافت نشد', data: null } };
  if (!/^09\d{9}$/.test(body.mobile)) return { status: 400, body: { status: 104, message: 'شماره موبایل نادرست است', data: null } };
  if (body.mobile === '09120000102') return { status: 400, body: { status: 102, message: 'اعتبار کافی نمی‌باشد', data: null } };
  if (body.mobile === '09120000000') return 'hang';
  if (body.mobile === '09120000500') return { status: 502, body: '<html>bad gateway</html>' };
  return { status: 200, body: { status: 1, message: 'موفق', data: { messageId: 89545112, cost: 1.0 } } };
};

let close: (() => Promise<void>) | null = null;
afterEach(async () => { await close?.(); close = null; });

async function provider(options: { api_key?: string; timeout_ms?: number; template_id?: number } = {}) {
  const fake = await startFakeServer(smsir);
  close = fake.close;
  return { fake, sms: createSmsIrProvider({ api_key: options.api_key ?? API_KEY, template_id: options.template_id ?? TEMPLATE_ID, base_url: fake.base_url, timeout_ms: options.timeout_ms ?? 2000 }) };
}

async function failure(promise: Promise<unknown>): Promise<SmsDeliveryError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(SmsDeliveryError);
  return error as SmsDeliveryError;
}

describe('SMS.ir verify', () => {
  it('sends the template with the CODE parameter and returns the message id', async () => {
    const { fake, sms } = await provider();
    const result = await sms.send({ phone: '+989121234567', code: '55821' });
    expect(result.provider_message_id).toBe('89545112');
    expect(fake.requests[0]?.headers['x-api-key']).toBe(API_KEY);
    expect(JSON.parse(fake.requests[0]?.body ?? '')).toEqual({ mobile: '09121234567', templateId: TEMPLATE_ID, parameters: [{ name: 'CODE', value: '55821' }] });
  });

  it('maps a wrong API key (status 10, HTTP 401) to an auth failure', async () => {
    const { sms } = await provider({ api_key: 'nope' });
    const error = await failure(sms.send({ phone: '+989121234567', code: '1' }));
    expect([error.kind, error.provider_status]).toEqual(['auth', 10]);
  });

  it('maps documented statuses: 102 credit, 113 template; a non-JSON 502 is a provider failure', async () => {
    const { sms } = await provider();
    expect((await failure(sms.send({ phone: '+989120000102', code: '1' }))).kind).toBe('insufficient_credit');
    const template = await failure(createSmsIrProvider({ api_key: API_KEY, template_id: 1, base_url: (await startFakeServerBase()), timeout_ms: 2000 }).send({ phone: '+989121234567', code: '1' }));
    expect([template.kind, template.provider_status]).toEqual(['template', 113]);
    const gateway = await failure(sms.send({ phone: '+989120000500', code: '1' }));
    expect([gateway.kind, gateway.provider_status]).toEqual(['provider', 502]);
  });

  it('gives up after its timeout when the provider does not answer', async () => {
    const { sms } = await provider({ timeout_ms: 300 });
    expect((await failure(sms.send({ phone: '+989120000000', code: '1' }))).kind).toBe('timeout');
  });
});

const extra: Array<() => Promise<void>> = [];
afterEach(async () => { for (const c of extra.splice(0)) await c(); });
async function startFakeServerBase(): Promise<string> {
  const fake = await startFakeServer(smsir);
  extra.push(fake.close);
  return fake.base_url;
}
